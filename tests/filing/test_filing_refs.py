"""Reference number parsing (filing.md §13): the §13.4 vectors, Party numbers, queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from bparchive.filing import lookup_code, normalise_ref_query, parse_filename_refs, parse_refs

CORPORA = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"
LEGAL = CORPORA / "vietnamese-legal-vlc" / "corpus"

# input, num, year, type code, type name, issuer, unit, key, party
VECTORS_13_4 = [
    ("Số: 48/2009/QĐ-UBND", 48, 2009, "QĐ", "Quyết định", "UBND", None, "48/2009/QD-UBND", False),
    ("Số: 59/TTr-STTTT", 59, None, "TTr", "Tờ trình", "STTTT", None, "59/TTR-STTTT", False),
    (
        "2125/BTTTT-ƯDCNTT",
        2125,
        None,
        None,
        "Công văn",
        "BTTTT",
        "ƯDCNTT",
        "2125/BTTTT-UDCNTT",
        False,
    ),
    ("Nghị định 30/2020/NĐ-CP", 30, 2020, "NĐ", "Nghị định", "CP", None, "30/2020/ND-CP", False),
    ("Luật số 29/2018/QH14", 29, 2018, None, None, "QH14", None, "29/2018/QH14", False),
    ("Số 36-HD/VPTW", 36, None, "HD", "Hướng dẫn", "VPTW", None, "36-HD/VPTW", True),
    ("Quy định số 08-QĐi/TW", 8, None, "QĐi", "Quy định", "TW", None, "8-QDI/TW", True),
    ("678/BTL-CT", 678, None, None, "Công văn", "BTL", "CT", "678/BTL-CT", False),
    (
        "03/2008/TTLT-BNV-BTC",
        3,
        2008,
        "TTLT",
        "Thông tư liên tịch",
        "BNV-BTC",
        None,
        "3/2008/TTLT-BNV-BTC",
        False,
    ),
    ("QD so 15/QD-UBND", 15, None, "QĐ", "Quyết định", "UBND", None, "15/QD-UBND", False),
    ("123/Q\u00d0-UBND", 123, None, "QĐ", "Quyết định", "UBND", None, "123/QD-UBND", False),
    ("45/KH - UBND", 45, None, "KH", "Kế hoạch", "UBND", None, "45/KH-UBND", False),
    ("Chỉ thị 34/2008/CT-TTg", 34, 2008, "CT", "Chỉ thị", "TTg", None, "34/2008/CT-TTG", False),
    ("so 05/CD-UBND", 5, None, "CĐ", "Công điện", "UBND", None, "5/CD-UBND", False),
]


@pytest.mark.parametrize(
    ("text", "num", "year", "code", "name", "issuer", "unit", "key", "party"), VECTORS_13_4
)
def test_vectors_13_4(text, num, year, code, name, issuer, unit, key, party):
    refs = parse_refs(text)
    assert len(refs) == 1, refs
    ref = refs[0]
    assert (ref.num, ref.year, ref.type_code, ref.type_name) == (num, year, code, name)
    assert (ref.issuer, ref.unit, ref.key, ref.party) == (issuer, unit, key, party)


@pytest.mark.parametrize(
    "text",
    [
        "ngày 15/7/2024",
        "từ 08/7 đến 12/7/2024",
        "giá 20.000/kg",
        "100/người",
        "tuần 27/2024 - Phòng",
        "quý II/2024",
        "24/7",
        "",
        "không có số",
        "http://binhphuoc.gov.vn/2024/ABC",
    ],
)
def test_no_reference_in(text):
    assert parse_refs(text) == []


def test_display_form_is_typographically_clean():
    assert parse_refs("QD so 15/QD-UBND")[0].display == "15/QĐ-UBND"
    assert parse_refs("so 05/CD - UBND")[0].display == "05/CĐ-UBND"
    assert parse_refs("123/Q\u00d0-UBND")[0].display == "123/QĐ-UBND"
    assert parse_refs("Số: 48/2009/QĐ-UBND")[0].display == "48/2009/QĐ-UBND"


def test_leading_zeros_give_the_same_key():
    assert parse_refs("05/CĐ-UBND")[0].key == parse_refs("5/CĐ-UBND")[0].key == "5/CD-UBND"


def test_several_refs_in_order_without_duplicates():
    text = (
        "Thực hiện Quyết định số 318/QĐ-UBND và Nghị quyết 57-NQ/TW; "
        "xem lại Quyết định 318/QD-UBND, Công văn 2125/BTTTT-ƯDCNTT."
    )
    assert [r.key for r in parse_refs(text)] == ["318/QD-UBND", "57-NQ/TW", "2125/BTTTT-UDCNTT"]


@pytest.mark.parametrize(
    ("text", "code", "name", "issuer"),
    [
        ("57-NQ/TW", "NQ", "Nghị quyết", "TW"),
        ("Kết luận số 21-KL/TW", "KL", "Kết luận", "TW"),
        ("Chỉ thị 05-CT/TW", "CT", "Chỉ thị", "TW"),
        ("101-QĐ/TW", "QĐ", "Quyết định", "TW"),
        ("Thông tri 12-TT/TU", "TT", "Thông tri", "TU"),
        ("08-QDi/TW", "QĐi", "Quy định", "TW"),
    ],
)
def test_party_refs(text, code, name, issuer):
    (ref,) = parse_refs(text)
    assert ref.party
    assert (ref.type_code, ref.type_name, ref.issuer, ref.year) == (code, name, issuer, None)


def test_party_ref_is_not_also_a_state_ref():
    refs = parse_refs("Nghị quyết 57-NQ/TW-BCH")
    assert len(refs) == 1 and refs[0].party and refs[0].unit == "BCH"


@pytest.mark.parametrize(
    ("text", "code", "name", "doc_type"),
    [
        ("12/QCh-UBND", "QCh", "Quy chế", "quy_che"),
        ("7/DAn-SXD", "DAn", "Dự án", "du_an"),
        ("3/BCK-UBND", "BCK", "Bản cam kết", "ban_cam_ket"),
        ("4/GCN-SNV", "GCN", "Giấy chứng nhận", "giay_chung_nhan"),
        ("5/GĐĐ-VP", "GĐĐ", "Giấy đi đường", "giay_di_duong"),
        ("6/GBN-TTHC", "GBN", "Giấy biên nhận hồ sơ", "giay_bien_nhan"),
        ("9/QyĐ-UBND", "QyĐ", "Quy định", "quy_dinh"),
        ("10/HĐ-STTTT", "HĐ", "Hợp đồng", "hop_dong"),
        ("11/HD-STTTT", "HD", "Hướng dẫn", "huong_dan"),
        ("12/ĐA-UBND", "ĐA", "Đề án", "de_an"),
        ("13/DA-UBND", "DA", "Dự án", "du_an"),
        ("14/CTr-UBND", "CTr", "Chương trình", "chuong_trinh"),
        ("15/GUQ-CTY", "GUQ", "Giấy ủy quyền", "giay_uy_quyen"),
        ("16/PB-VP", "PB", "Phiếu báo", "phieu_bao"),
    ],
)
def test_variant_and_legacy_codes(text, code, name, doc_type):
    (ref,) = parse_refs(text)
    assert (ref.type_code, ref.type_name, ref.doc_type) == (code, name, doc_type)


@pytest.mark.parametrize(
    ("text", "copy"),
    [("12/SY-VP", "SY"), ("12/TrS-VP", "TrS"), ("3/SL-VP", "SL"), ("4/TS-VP", "TrS")],
)
def test_copy_codes(text, copy):
    (ref,) = parse_refs(text)
    assert ref.copy_form == copy
    assert ref.doc_type is None


def test_case_insensitive_codes_fold_d():
    assert lookup_code("QD") == "QĐ"
    assert lookup_code("TTR") == "TTr"
    assert lookup_code("qyd") == "QyĐ"
    assert lookup_code("HD") == "HD"  # Hướng dẫn, not Hợp đồng
    assert lookup_code("HĐ") == "HĐ"
    assert lookup_code("QDI", party=True) == "QĐi"
    assert lookup_code("UBND") is None


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("48/2009/QD-UBND", "48/2009/QD-UBND"),
        ("48/2009/qđ-ubnd", "48/2009/QD-UBND"),
        ("48/2009/QĐ-UBND", "48/2009/QD-UBND"),
        ("  Số: 05 / cd - ubnd ", "5/CD-UBND"),
        ("2125/bttttt-ưdcntt", "2125/BTTTTT-UDCNTT"),
        ("08-qđi/tw", "8-QDI/TW"),
        ("59/ttr-stttt", "59/TTR-STTTT"),
        ("123/Q\u00d0-UBND", "123/QD-UBND"),
    ],
)
def test_normalise_ref_query_matches_parse_key(typed, key):
    assert normalise_ref_query(typed) == key


@pytest.mark.parametrize("text", VECTORS_13_4)
def test_query_of_display_equals_key(text):
    for ref in parse_refs(text[0]):
        assert normalise_ref_query(ref.display) == ref.key


@pytest.mark.parametrize(
    "typed", ["", "hello", "15/7/2024", "48/2009", "QD-UBND", "5-XYZ/TW", "1" * 300]
)
def test_normalise_ref_query_rejects_non_references(typed):
    assert normalise_ref_query(typed) is None


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("15_QĐ-UBND.pdf", "15/QD-UBND"),
        ("48.2009.QD-UBND.doc", "48/2009/QD-UBND"),
        ("45 KH-UBND (ban ky).docx", "45/KH-UBND"),
    ],
)
def test_filename_refs(name, key):
    assert [r.key for r in parse_filename_refs(name)] == [key]


def test_filename_without_ref():
    assert parse_filename_refs("Bao cao thang 6 2024.xlsx") == []


@pytest.mark.skipif(not LEGAL.is_dir(), reason="shared corpora not present")
def test_refs_in_real_legal_text():
    text = (LEGAL / "luat-cong-nghe-thong-tin.txt").read_text(encoding="utf-8")
    refs = parse_refs(text)
    assert [r.key for r in refs] == ["67/2006/QH11", "51/2001/QH10"]
    assert refs[0].issuer == "QH11" and refs[0].type_code is None and refs[0].year == 2006
    refs = parse_refs((LEGAL / "luat-so-huu-tri-tue.txt").read_text(encoding="utf-8"))
    decree = [r for r in refs if r.type_code == "NĐ"]
    assert [r.display for r in decree] == ["54/2000/NĐ-CP"]
