"""Posting lists stay sorted by document number when a commit merges many segments into
the new one (a bug found on a 100,000-message index, when merges went partly through
Whoosh's pool)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bparchive.index import Index, IndexDoc, Searcher


def _docs(start: int, n: int) -> list[IndexDoc]:
    return [
        IndexDoc(
            id=i, subject=f"Báo cáo an toàn thông tin mạng số {i}", body=f"nội dung văn bản {i % 7} chung",
            date=datetime(2024, 1 + i % 12, 1 + i % 27), sender_email="sotttt@binhphuoc.gov.vn",
        )
        for i in range(start, start + n)
    ]


def test_postings_sorted_after_mixed_merges(tmp_path: Path) -> None:
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
