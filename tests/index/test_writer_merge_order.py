"""Posting lists stay sorted by document number when a commit merges segments both
in memory and through Whoosh's pool (a bug found on a 100,000-message index)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bparchive.index import Index, IndexDoc, Searcher
from bparchive.index import writer as writer_mod


def _docs(start: int, n: int) -> list[IndexDoc]:
    return [
        IndexDoc(
            id=i, subject=f"Báo cáo an toàn thông tin mạng số {i}", body=f"nội dung văn bản {i % 7} chung",
            date=datetime(2024, 1 + i % 12, 1 + i % 27), sender_email="sotttt@binhphuoc.gov.vn",
        )
        for i in range(start, start + n)
    ]


def test_postings_sorted_after_mixed_merges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A budget for about one merged segment: the others go through the pool.
    monkeypatch.setattr(writer_mod, "MERGE_IN_MEMORY", 60_000)
    index = Index.create(tmp_path / "ix")
    total = 0
    for batch in range(14):
        index.add_documents(_docs(batch * 40, 40))
        total += 40
    index.optimize()
    reader = index.whoosh.reader()
    try:
        checked = 0
        for fieldname, text in list(reader.all_terms())[:5000]:
            ids = list(reader.postings(fieldname, text).all_ids())
            assert ids == sorted(ids), (fieldname, text)
            checked += 1
        assert checked > 100
    finally:
        reader.close()
    hits = Searcher(index).search('"an toàn thông tin mạng"', limit=1000)
    assert hits.total == total
    index.close()
