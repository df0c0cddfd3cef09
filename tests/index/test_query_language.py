"""Every operator and field of the query language, over a small real index."""

from __future__ import annotations

from datetime import datetime

import pytest

from bparchive.errors import QueryError
from bparchive.index import Index, IndexAttachment, IndexDoc, Searcher, parse
from bparchive.index.search import MARK_END, MARK_START

from .helpers import ref_pairs

DOCS = [
    IndexDoc(
        id=1,
        accounts=("vanthu",),
        folders=("INBOX/Công văn đến",),
        date=datetime(2024, 3, 5, 9, 0),
        subject="V/v triển khai Quyết định số 48/2009/QĐ-UBND",
        body="Sở Thông tin và Truyền thông đề nghị các đơn vị triển khai quy chế thư điện tử.",
        sender_name="Nguyễn Văn An",
        sender_email="nvan@stttt.binhphuoc.gov.vn",
        to=(("Trần Thị Bình", "ttbinh@snv.binhphuoc.gov.vn"),),
        cc=(("Lê Văn Cường", "lvcuong@stc.binhphuoc.gov.vn"),),
        attachments=(
            IndexAttachment("Quy chế.pdf", "Điều 1. Phạm vi điều chỉnh an toàn thông tin", "pdf"),
        ),
        category="Văn bản điện tử",
        doc_type="Quyết định",
        refs=ref_pairs(("48/2009/QĐ-UBND",)),
        tags=("quan trọng",),
        unread=True,
        size=12000,
    ),
    IndexDoc(
        id=2,
        accounts=("vanthu",),
        folders=("INBOX",),
        date=datetime(2024, 7, 20, 14, 0),
        subject="Giấy mời họp giao ban tháng 7",
        body="Kính mời đồng chí dự họp giao ban tại phòng họp tầng 2.",
        sender_name="Trần Thị Bình",
        sender_email="ttbinh@snv.binhphuoc.gov.vn",
        to=(("Nguyễn Văn An", "nvan@stttt.binhphuoc.gov.vn"),),
        doc_type="Giấy mời",
        flagged=True,
        size=3000,
    ),
    IndexDoc(
        id=3,
        accounts=("lanhdao",),
        folders=("Lưu trữ",),
        date=datetime(2023, 11, 2, 8, 30),
        subject="Công văn 2125/BTTTT-ƯDCNTT về an toàn thông tin",
        body="Bộ Thông tin và Truyền thông hướng dẫn bảo đảm an toàn thông tin mạng.",
        sender_name="Bộ TTTT",
        sender_email="vanthu@mic.gov.vn",
        to=(("Nguyễn Văn An", "nvan@stttt.binhphuoc.gov.vn"),),
        refs=ref_pairs(("2125/BTTTT-ƯDCNTT",)),
        secret=True,
        category="Văn bản mật",
        size=50000,
    ),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    index = Index.create(tmp_path_factory.mktemp("ql"))
    index.add_documents(DOCS)
    texts = {d.id: d for d in DOCS}
    return Searcher(index, texts_for=texts.get)


def ids(searcher: Searcher, q: str, **kw: object) -> list[int]:
    return [h.id for h in searcher.search(q, **kw).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("thông tin", {1, 3}),
        ("an toàn thông tin", {1, 3}),  # doc 1 via its attachment text
        ('"an toàn thông tin"', {1, 3}),
        ('"thông tin an toàn"', set()),
        ("from:an", {1}),
        ("from:nvan@stttt.binhphuoc.gov.vn", {1}),
        ("from:stttt", {1}),
        ("from:binhphuoc.gov.vn", {1, 2}),
        ('from:"Trần Thị Bình"', {2}),
        ("from:bình", {2}),
        ("to:an", {2, 3}),
        ("to:lvcuong@stc.binhphuoc.gov.vn", {1}),  # to: covers Cc too
        ("cc:cường", {1}),
        ("cc:binh", set()),
        ("subject:họp", {2}),
        ("body:họp", {2}),
        ("subject:thông", {3}),
        ('subject:"an toàn"', {3}),
        ("file:phạm vi", {1}),
        ("file:quy", {1}),
        ("category:mat", {3}),
        ('category:"văn bản điện tử"', {1}),
        ("type:giấy", {2}),
        ('type:"quyết định"', {1}),
        ("so:48/2009/QD-UBND", {1}),
        ("refno:2125/BTTTT-UDCNTT", {3}),
        ("so:2125", {3}),
        ("folder:inbox", {1, 2}),
        ('folder:"Công văn đến"', {1}),
        ('folder:"lưu trữ"', {3}),
        ("folder:luu", set()),
        ("account:lanhdao", {3}),
        ('tag:"quan trọng"', {1}),
        ("is:unread", {1}),
        ("is:read", {2, 3}),
        ("is:flagged", {2}),
        ("is:secret", {3}),
        ("has:attachment", {1}),
        ("date:2024", {1, 2}),
        ("date:2024-03", {1}),
        ("date:2024-03-05", {1}),
        ("date:05/03/2024", {1}),
        ("date:2023-01-01..2024-06-30", {1, 3}),
        ("date:2024-07..", {2}),
        ("date:..2023", {3}),
        ("before:2024", {3}),
        ("after:2024-03-05", {1, 2}),
        ("after:2024-03-06", {2}),
        ("thông tin AND họp", set()),
        ("thông tin OR họp", {1, 2, 3}),
        ("thông tin NOT mạng", {1}),
        ("thông tin -mạng", {1}),
        ('-"an toàn"', {2}),
        ("-is:unread", {2, 3}),
        ("NOT (họp OR mạng)", {1}),
        ("(họp OR mạng) date:2024", {2}),
        ("(họp OR mạng) -date:2024", {3}),
        ("48/2009/QĐ-UBND", {1}),
        ("48/2009/QD-UBND", {1}),
        ("2125/BTTTT-UDCNTT", {3}),
        ("thoong tin", {1, 3}),
        ("=thông tin", {1, 3}),
        ("~thong tin", {1, 3}),
    ],
)
def test_operator(searcher: Searcher, query: str, expected: set[int]) -> None:
    assert set(ids(searcher, query)) == expected


def test_converted_query_is_returned(searcher: Searcher) -> None:
    res = searcher.search("thuw ddieenj tuwr")
    assert res.converted_query == "thư điện tử"
    assert [h.id for h in res.hits] == [1]
    assert searcher.search("email").converted_query == "email"


def test_reference_number_ranks_first(searcher: Searcher) -> None:
    hits = searcher.search("48/2009/QD-UBND").hits
    assert hits[0].id == 1 and "refno" in hits[0].matched_fields


def test_limit_and_date_sort(searcher: Searcher) -> None:
    assert ids(searcher, "thông tin OR họp", sort="date") == [2, 1, 3]
    assert len(ids(searcher, "thông tin OR họp", limit=2)) == 2
    assert searcher.search("thông tin OR họp", limit=2).total == 3


def test_attachment_match_and_snippet(searcher: Searcher) -> None:
    hit = searcher.search("phạm vi điều chỉnh").hits[0]
    assert hit.id == 1
    assert hit.matched_attachments == ["Quy chế.pdf"]
    assert hit.snippet_source == "attachment:Quy chế.pdf"
    assert f"{MARK_START}Phạm{MARK_END} {MARK_START}vi{MARK_END}" in hit.snippet
    assert "attachment_text" in hit.matched_fields


def test_snippet_keeps_diacritics_and_marks_only_positive_words(searcher: Searcher) -> None:
    hit = searcher.search("thong tin -mạng").hits[0]
    assert hit.snippet_source == "body"
    assert f"{MARK_START}Thông{MARK_END} {MARK_START}tin{MARK_END}" in hit.snippet
    assert "mạng" not in hit.snippet or f"{MARK_START}mạng" not in hit.snippet


def test_blank_query_returns_nothing(searcher: Searcher) -> None:
    res = searcher.search("   ")
    assert res.hits == [] and res.total == 0


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ('"công văn', 0),
        ('subject:"công văn', 8),
        ("(họp OR mạng", 0),
        ("họp)", 3),
        ("()", 1),
        ("date:2024-13", 5),
        ("date:2024-02-30", 5),
        ("date:abc", 5),
        ("date:2024..2023", 5),
        ("date:..", 5),
        ("before:", 7),
        ("after: 2024", 6),
        ("OR", 0),
        ("họp OR", 4),
        ("OR họp", 0),
        ("họp OR OR mạng", 4),
        ("AND họp", 0),
        ("họp AND", 4),
        ("NOT", 0),
        ("họp NOT", 4),
        ("is:foo", 3),
        ("has:nothing", 4),
        ("", 0),
        ("...", 0),
    ],
)
def test_malformed_query(searcher: Searcher, query: str, position: int) -> None:
    with pytest.raises(QueryError) as info:
        searcher.search(query) if query.strip() else parse(query)
    assert info.value.position == position, str(info.value)
    assert str(info.value)
    assert info.value.query == query


def test_error_message_points_at_problem() -> None:
    with pytest.raises(QueryError) as info:
        parse("báo cáo date:2024-13")
    assert "2024-13" in str(info.value) and "position 14" in str(info.value)
