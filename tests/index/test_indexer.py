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
    # Marked: exact and fold; unmarked: only the exact (= fold = bare) token.
    assert _texts(text_analyzer(), "Đà ban") == ["=đà", "da", "=ban"]
    assert _texts(bigram_analyzer("both", cap=2), "Ủy ban nhân dân") == ["uy_ban"]


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


def _postings(ix) -> dict[tuple[str, bytes], list[tuple[str, float, bytes]]]:  # type: ignore[no-untyped-def]
    """Every posting of an index, keyed by term, with docs named by their stored id."""
    out: dict[tuple[str, bytes], list[tuple[str, float, bytes]]] = {}
    with ix.searcher() as s:
        r = s.reader()
        ids = {dn: f["id"] for dn, f in r.iter_docs()}
        for fieldname, btext, dn, weight, value in r.iter_postings():
            out.setdefault((fieldname, btext), []).append((ids[dn], weight, value or b""))
    return {k: sorted(v) for k, v in out.items()}


def test_fast_writer_matches_whoosh_writer(tmp_path: Path) -> None:
    """The pre-analysed writer writes exactly the postings Whoosh's own writer would."""
    from whoosh import index as whoosh_index

    from bparchive.index.indexer import INDEX_NAME, doc_fields
    from bparchive.index.schema import build_schema

    from .cases import CASES
    from .helpers import to_index_doc

    all_docs = [d for case in CASES for d in case.docs.values()]
    docs = [to_index_doc(i, d)[0] for i, d in enumerate(all_docs, start=1)]
    fast = Index.create(tmp_path / "fast")
    half = len(docs) // 2
    fast.add_documents(docs[:half])
    fast.add_documents(docs[half:])  # a second segment, merged below
    fast.optimize()
    ref_dir = tmp_path / "ref"
    ref_dir.mkdir()
    ref = whoosh_index.create_in(str(ref_dir), build_schema(), indexname=INDEX_NAME)
    with ref.writer() as w:
        for d in docs:
            w.add_document(**doc_fields(d))
    got, want = _postings(fast.whoosh), _postings(ref)
    assert got.keys() == want.keys()
    assert got == want
    assert len(got) > 500
