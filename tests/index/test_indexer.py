"""Index lifecycle: create/open, update by id, delete, ids, optimize, analyzers."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bparchive.errors import StoreError
from bparchive.index import Index, IndexDoc, Searcher
from bparchive.index.analysis import (
    bare_analyzer,
    bigram_analyzer,
    exact_analyzer,
    fold_analyzer,
    text_analyzer,
)
from bparchive.index.indexer import address_keys, folder_keys, strip_subject_prefixes


def test_create_add_update_delete(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add_documents([IndexDoc(id=1, subject="Báo cáo"), IndexDoc(id=2, subject="Tờ trình")])
    assert index.doc_count() == 2 and index.ids() == {1, 2}
    index.add_documents([IndexDoc(id=1, subject="Giấy mời")])  # replaces id 1
    assert index.doc_count() == 2
    s = Searcher(index)
    assert [h.id for h in s.search("giấy mời").hits] == [1]
    assert s.search("báo cáo").hits == []
    index.delete([2, 404])
    assert index.ids() == {1}
    index.optimize()
    reopened = Index.open(tmp_path / "ix")
    assert reopened.ids() == {1}
    assert Index.exists(tmp_path / "ix") and not Index.exists(tmp_path / "nothing")
    assert index.add_documents([]) == 0


def test_open_missing_index_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        Index.open(tmp_path / "nope")


def test_aware_dates_are_indexed_in_local_time(tmp_path: Path) -> None:
    index = Index.create(tmp_path)
    index.add_documents([IndexDoc(id=1, subject="x", date=datetime(2024, 6, 15, 12, tzinfo=UTC))])
    assert [h.id for h in Searcher(index).search("date:2024-06").hits] == [1]


def _texts(analyzer: object, text: str) -> list[str]:
    return [t.text for t in analyzer(text)]  # type: ignore[operator]


def test_streams() -> None:
    text = "Uy ban nhân dân Tờ trình Ý kiến ĐẢNG Kỹ"
    assert _texts(exact_analyzer(), text) == [
        "uy", "ban", "nhân", "dân", "tờ", "trình", "ý", "kiến", "đảng", "kĩ",
    ]  # fmt: skip
    assert _texts(fold_analyzer(), text) == [
        "uy", "ban", "nhan", "dan", "to", "trinh", "y", "kien", "dang", "ki",
    ]  # fmt: skip
    assert _texts(bare_analyzer(), text) == ["uy", "ban"]
    assert _texts(bigram_analyzer("fold"), "Ủy ban nhân") == ["uy_ban", "ban_nhan"]
    assert _texts(bigram_analyzer("exact"), "Ủy ban nhân dân") == ["nhân_dân"]
    assert _texts(text_analyzer(), "Đà") == ["da", "=đà"]


def test_nfd_soft_hyphen_and_offsets() -> None:
    text = unicodedata.normalize("NFD", "Hòa bình") + " Ng\u00adười"
    toks = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in fold_analyzer()(text, chars=True, positions=True)  # type: ignore[operator]
    ]
    assert [t[0] for t in toks] == ["hoa", "binh", "nguoi"]
    assert text[toks[0][2] : toks[0][3]] == unicodedata.normalize("NFD", "Hòa")
    assert [t[1] for t in toks] == [0, 1, 2]


def test_no_english_stop_words_or_minsize() -> None:
    assert _texts(fold_analyzer(), "tờ trình cán bộ an toàn ý kiến ở y tế") == [
        "to", "trinh", "can", "bo", "an", "toan", "y", "kien", "o", "y", "te",
    ]  # fmt: skip


def test_keyword_helpers() -> None:
    assert address_keys("NVAn@STTTT.BinhPhuoc.gov.vn") == [
        "nvan@stttt.binhphuoc.gov.vn", "nvan", "stttt.binhphuoc.gov.vn",
        "binhphuoc.gov.vn", "gov.vn", "stttt",
    ]  # fmt: skip
    assert folder_keys("INBOX/Công văn đến") == [
        "inbox/cong van den", "inbox", "cong van den", "inbox",
    ]  # fmt: skip
    assert strip_subject_prefixes("Re: TL: Fwd: Chuyển tiếp: Báo cáo") == "Báo cáo"
