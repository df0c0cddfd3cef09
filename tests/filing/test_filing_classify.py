"""Classification of messages (filing.md §14–§17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bparchive.filing import (
    CATEGORIES,
    COPY_FORMS,
    DOC_TYPES,
    classify,
    code_for_doc_type,
    doc_type_for_code,
    secret_of,
    strip_subject,
    urgency_of,
)
from bparchive.filing.tables import STATE_CODES, category_label, doc_type_label

CORPORA = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"
LEGAL = CORPORA / "vietnamese-legal-vlc" / "corpus"

# The thirty subjects of filing.md §17 with their expected filing.
# (subject, doc_type, category, refs as (num, type_code, issuer, unit, year), copy, urgency, secret)
SUBJECTS_17: list[tuple[str, str | None, str, list[tuple], str | None, str | None, bool]] = [
    (
        "V/v báo cáo tình hình sử dụng thư điện tử 6 tháng đầu năm 2024",
        "cong_van",
        "bao_cao_dinh_ky",
        [],
        None,
        None,
        False,
    ),
    (
        "Công văn số 2125/BTTTT-ƯDCNTT V/v hướng dẫn triển khai chữ ký số",
        "cong_van",
        "cong_van",
        [(2125, None, "BTTTT", "ƯDCNTT", None)],
        None,
        None,
        False,
    ),
    (
        "Giấy mời họp giao ban tháng 7/2024 (Số 112/GM-UBND)",
        "giay_moi",
        "thu_moi",
        [(112, "GM", "UBND", None, None)],
        None,
        None,
        False,
    ),
    (
        "Fwd: Thư mời tham dự Hội nghị tập huấn chuyển đổi số",
        "giay_moi",
        "thu_moi",
        [],
        None,
        None,
        False,
    ),
    (
        "Lịch công tác tuần 28 (từ 08/7 đến 12/7/2024) của Lãnh đạo UBND tỉnh",
        None,
        "lich_cong_tac",
        [],
        None,
        None,
        False,
    ),
    (
        "Tài liệu phục vụ kỳ họp thứ 18 HĐND tỉnh khóa X",
        None,
        "tai_lieu_hop",
        [],
        None,
        None,
        False,
    ),
    (
        "Sao y bản chính Quyết định số 48/2009/QĐ-UBND",
        "quyet_dinh",
        "van_ban_sao_y",
        [(48, "QĐ", "UBND", None, 2009)],
        "SY",
        None,
        False,
    ),
    (
        "Báo cáo chuyên đề về an toàn thông tin mạng năm 2024",
        "bao_cao",
        "bao_cao_chuyen_de",
        [],
        None,
        None,
        False,
    ),
    (
        "Báo cáo tuần 27/2024 - Phòng Bưu chính Viễn thông",
        "bao_cao",
        "bao_cao_dinh_ky",
        [],
        None,
        None,
        False,
    ),
    (
        "BC tháng 6 năm 2024 (Số 145/BC-STTTT)",
        "bao_cao",
        "bao_cao_dinh_ky",
        [(145, "BC", "STTTT", None, None)],
        None,
        None,
        False,
    ),
    (
        "Báo cáo quý II/2024 về kết quả cải cách hành chính",
        "bao_cao",
        "bao_cao_dinh_ky",
        [],
        None,
        None,
        False,
    ),
    (
        "Thông báo số 87/TB-VP ý kiến kết luận của Chủ tịch UBND tỉnh",
        "thong_bao",
        "thong_bao",
        [(87, "TB", "VP", None, None)],
        None,
        None,
        False,
    ),
    (
        "Gửi để biết: Quyết định số 1234/QĐ-UBND ngày 20/6/2024",
        "quyet_dinh",
        "de_biet_de_bao_cao",
        [(1234, "QĐ", "UBND", None, None)],
        None,
        None,
        False,
    ),
    (
        "Dự thảo Quy chế quản lý, sử dụng hệ thống thư điện tử công vụ - đề nghị góp ý",
        None,
        "du_thao_gop_y",
        [],
        None,
        None,
        False,
    ),
    (
        "V/v lấy ý kiến góp ý dự thảo Nghị quyết của HĐND tỉnh",
        "cong_van",
        "du_thao_gop_y",
        [],
        None,
        None,
        False,
    ),
    (
        "HỎA TỐC - Công điện số 05/CĐ-UBND về ứng phó cơn bão số 3",
        "cong_dien",
        "chi_dao_dieu_hanh",
        [(5, "CĐ", "UBND", None, None)],
        None,
        "HỎA TỐC",
        False,
    ),
    (
        "Ý kiến chỉ đạo của Phó Chủ tịch UBND tỉnh về xử lý văn bản quá hạn",
        None,
        "chi_dao_dieu_hanh",
        [],
        None,
        None,
        False,
    ),
    (
        "Tờ trình số 59/TTr-STTTT đề nghị phê duyệt Kế hoạch ứng dụng CNTT",
        "to_trinh",
        "khac",
        [(59, "TTr", "STTTT", None, None)],
        None,
        None,
        False,
    ),
    (
        "Kế hoạch số 45/KH-UBND triển khai Đề án 06 năm 2024",
        "ke_hoach",
        "khac",
        [(45, "KH", "UBND", None, None)],
        None,
        None,
        False,
    ),
    (
        "Quyết định 30/QĐ-STTTT về việc thành lập Tổ công tác",
        "quyet_dinh",
        "khac",
        [(30, "QĐ", "STTTT", None, None)],
        None,
        None,
        False,
    ),
    (
        "Re: V/v cung cấp thông tin phục vụ xây dựng Cơ sở dữ liệu cán bộ",
        "cong_van",
        "cong_van",
        [],
        None,
        None,
        False,
    ),
    (
        "Chỉ thị 34/2008/CT-TTg về tăng cường sử dụng hệ thống thư điện tử",
        "chi_thi",
        "chi_dao_dieu_hanh",
        [(34, "CT", "TTg", None, 2008)],
        None,
        None,
        False,
    ),
    (
        "Biên bản họp Hội đồng thẩm định (Số 03/BB-HĐTĐ)",
        "bien_ban",
        "khac",
        [(3, "BB", "HĐTĐ", None, None)],
        None,
        None,
        False,
    ),
    (
        "Quy định số 08-QĐi/TW về trách nhiệm nêu gương",
        "quy_dinh",
        "khac",
        [(8, "QĐi", "TW", None, None)],
        None,
        None,
        False,
    ),
    (
        "Văn bản gửi để báo cáo UBND tỉnh: kết quả thực hiện Nghị quyết 57-NQ/TW",
        "nghi_quyet",
        "de_biet_de_bao_cao",
        [(57, "NQ", "TW", None, None)],
        None,
        None,
        False,
    ),
    ("[MẬT] Kế hoạch bảo đảm an ninh", "ke_hoach", "van_ban_mat", [], None, None, True),
    (
        "KHẨN: V/v rà soát số liệu biên chế năm 2025",
        "cong_van",
        "cong_van",
        [],
        None,
        "KHẨN",
        False,
    ),
    (
        "Bản trích sao Quyết định số 318/QĐ-UBND (Số 12/TrS-VP)",
        "quyet_dinh",
        "van_ban_sao_y",
        [(318, "QĐ", "UBND", None, None), (12, "TrS", "VP", None, None)],
        "TrS",
        None,
        False,
    ),
    (
        "Fw: Re: Giay moi hop ve chuyen doi so (so 15/GM-STTTT)",
        "giay_moi",
        "thu_moi",
        [(15, "GM", "STTTT", None, None)],
        None,
        None,
        False,
    ),
    (
        "Q§ sè 15/Q§-UBND vÒ viÖc phª duyÖt kÕ ho¹ch",
        "quyet_dinh",
        "khac",
        [(15, "QĐ", "UBND", None, None)],
        None,
        None,
        False,
    ),
]

# Party references of the table (subject number → expected party flag).
PARTY_ROWS = {24, 25}


@pytest.mark.parametrize(
    ("row", "subject", "doc_type", "category", "refs", "copy", "urgency", "secret"),
    [(i, *case) for i, case in enumerate(SUBJECTS_17, start=1)],
)
def test_thirty_subjects_of_17(row, subject, doc_type, category, refs, copy, urgency, secret):
    filing = classify(subject)
    assert filing.doc_type == doc_type
    assert filing.category == category
    got = [(r.num, r.type_code, r.issuer, r.unit, r.year) for r in filing.refs]
    assert got == refs
    assert all(r.party == (row in PARTY_ROWS) for r in filing.refs)
    assert filing.copy_form == copy
    assert filing.urgency == urgency
    assert filing.secret is secret
    assert filing.category in CATEGORIES
    assert filing.doc_type is None or filing.doc_type in DOC_TYPES
    assert filing.encoding == ("tcvn3" if row == 30 else "unicode")


def test_row_30_tcvn3_subject_is_repaired():
    filing = classify(SUBJECTS_17[29][0])
    assert filing.subject == "QĐ số 15/QĐ-UBND về việc phê duyệt kế hoạch"
    assert filing.refs[0].display == "15/QĐ-UBND"


def test_rule_names_say_what_decided():
    assert classify("Giấy mời họp giao ban tháng 7/2024 (Số 112/GM-UBND)").rule == (
        "builtin:ref-type:GM"
    )
    assert classify("Giấy mời họp giao ban").rule == "builtin:subject-lead:giấy mời"
    assert classify("Fwd: Thư mời tham dự Hội nghị").rule == "builtin:subject-lead:thư mời"
    assert classify("[MẬT] Kế hoạch bảo đảm an ninh").rule == "builtin:secret:MẬT"
    assert classify("Re: V/v cung cấp thông tin").rule == "builtin:subject-lead:v/v"
    assert classify("Kế hoạch số 45/KH-UBND").rule == "builtin:fallback"
    assert classify("Mời họp giao ban").rule == "builtin:subject:moi hop"
    assert classify("V/v báo cáo 6 tháng đầu năm").rule == "builtin:subject:bao cao+6 thang"


# --- negative checks of §17 ---------------------------------------------------


def test_password_is_not_a_secret_mark():
    for subject in ("Đổi mật khẩu hộp thư công vụ", "ĐỔI MẬT KHẨU HỘP THƯ CÔNG VỤ"):
        filing = classify(subject)
        assert not filing.secret and filing.secret_level is None
        assert filing.category != "van_ban_mat"


def test_state_secret_law_is_not_a_secret_mark():
    filing = classify("V/v triển khai Luật Bảo vệ bí mật nhà nước số 29/2018/QH14")
    assert not filing.secret
    assert filing.category == "cong_van"
    assert filing.doc_type == "cong_van"
    (ref,) = filing.refs
    assert (ref.num, ref.year, ref.issuer, ref.type_code, ref.key) == (
        29,
        2018,
        "QH14",
        None,
        "29/2018/QH14",
    )
    assert not classify("BẢO VỆ BÍ MẬT NHÀ NƯỚC").secret


def test_reception_schedule_is_a_notice():
    assert classify("Thông báo lịch tiếp công dân tháng 8/2024").category == "thong_bao"


# --- subject prefixes and V/v -----------------------------------------------


@pytest.mark.parametrize(
    "subject",
    [
        "Re: Giấy mời họp",
        "RE: RE: Giấy mời họp",
        "Fw: Giấy mời họp",
        "FW: Giấy mời họp",
        "Fwd: Giấy mời họp",
        "TL: Giấy mời họp",
        "Trả lời: Giấy mời họp",
        "Chuyển tiếp: Giấy mời họp",
        "AW: Giấy mời họp",
        "SV: Giấy mời họp",
        "Re[2]: Giấy mời họp",
        "[EXT] Re: Giấy mời họp",
        "[Khẩn] Fwd: Giấy mời họp",
    ],
)
def test_prefixes_are_stripped(subject):
    assert strip_subject(subject) == "Giấy mời họp"
    filing = classify(subject)
    assert (filing.doc_type, filing.category, filing.subject) == (
        "giay_moi",
        "thu_moi",
        "Giấy mời họp",
    )


@pytest.mark.parametrize(
    "subject",
    [
        "V/v rà soát số liệu",
        "V/V rà soát số liệu",
        "v/v rà soát số liệu",
        "Vv rà soát số liệu",
        "V.v rà soát số liệu",
        "Về việc rà soát số liệu",
        "V/ v rà soát số liệu",
    ],
)
def test_vv_variants_mean_cong_van(subject):
    filing = classify(subject)
    assert (filing.doc_type, filing.category) == ("cong_van", "cong_van")


def test_vv_in_the_middle_means_cong_van_too():
    filing = classify("Sở TTTT: V/v rà soát số liệu")
    assert (filing.doc_type, filing.rule) == ("cong_van", "builtin:subject:v/v")


def test_lead_type_beats_a_cited_number():
    filing = classify("Kế hoạch triển khai Quyết định số 12/QĐ-UBND")
    assert filing.doc_type == "ke_hoach"
    assert filing.refs[0].key == "12/QD-UBND"


# --- urgency -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "urgency"),
    [
        ("KHẨN: V/v rà soát", "KHẨN"),
        ("[Khẩn] V/v rà soát", "KHẨN"),
        ("(khẩn) V/v rà soát", "KHẨN"),
        ("Khẩn - V/v rà soát", "KHẨN"),
        ("THƯỢNG KHẨN - Công điện", "THƯỢNG KHẨN"),
        ("Thượng khẩn: Công điện", "THƯỢNG KHẨN"),
        ("HỎA TỐC - Công điện", "HỎA TỐC"),
        ("HOẢ TỐC - Công điện", "HỎA TỐC"),
        ("Hoả tốc: Công điện", "HỎA TỐC"),
        ("HOA TOC - cong dien", "HỎA TỐC"),
        ("Hỏa tốc hẹn giờ: Công điện", "HỎA TỐC HẸN GIỜ"),
        ("KHẨN - HỎA TỐC: Công điện", "HỎA TỐC"),
        ("V/v khẩn trương triển khai", None),
        ("V/v KHẨN TRƯƠNG TRIỂN KHAI", None),
        ("Khai thác khoáng sản", None),
    ],
)
def test_urgency(subject, urgency):
    assert classify(subject).urgency == urgency


def test_urgency_is_a_separate_facet():
    assert classify("KHẨN: Giấy mời họp").category == "thu_moi"
    assert classify("HỎA TỐC: V/v rà soát").category == "cong_van"


def test_urgency_stamp_on_first_page():
    assert urgency_of("Fw: văn bản", "UBND TỈNH\nSố: 12/UBND-VP\nHỎA TỐC\n") == "HỎA TỐC"
    assert urgency_of("Fw: văn bản", "đề nghị khẩn trương thực hiện") is None
    filing = classify("Fw: văn bản", first_pages=["Số: 5/CĐ-UBND\nTHƯỢNG KHẨN\nCÔNG ĐIỆN"])
    assert filing.urgency == "THƯỢNG KHẨN"


# --- secret marks (§16) --------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "level"),
    [
        ("[MẬT] Kế hoạch bảo đảm an ninh", "MẬT"),
        ("(Mật) Kế hoạch bảo đảm an ninh", "MẬT"),
        ("MẬT - Kế hoạch", "MẬT"),
        ("TỐI MẬT: Báo cáo", "TỐI MẬT"),
        ("[Tuyệt mật] Báo cáo", "TUYỆT MẬT"),
        ("Báo cáo TUYỆT MẬT và MẬT", "TUYỆT MẬT"),
        ("Kế hoạch - Độ mật: Tối mật", "TỐI MẬT"),
    ],
)
def test_secret_marks(subject, level):
    filing = classify(subject)
    assert filing.secret and filing.secret_level == level
    assert filing.category == "van_ban_mat"


@pytest.mark.parametrize(
    "subject",
    [
        "Đổi mật khẩu hộp thư công vụ",
        "V/v bảo vệ bí mật nhà nước",
        "HỘI NGHỊ BẢO MẬT THÔNG TIN",
        "BAN CƠ YẾU: MẬT MÃ DÂN SỰ",
        "Mặt trận Tổ quốc thông báo",
        "Báo cáo mật độ dân số",
        "Quan hệ mật thiết",
        "thông tin mật",  # lower case inside a sentence is not a stamp
    ],
)
def test_not_secret(subject):
    filing = classify(subject)
    assert not filing.secret
    assert filing.category != "van_ban_mat"


def test_secret_stamp_on_first_page_and_in_attachment_name():
    page = "UBND TỈNH BÌNH PHƯỚC\nSố: 15/KH-UBND\nMẬT\nKẾ HOẠCH\nBảo đảm an ninh"
    filing = classify("Fw: văn bản", first_pages=[page])
    assert filing.secret and filing.category == "van_ban_mat"
    assert filing.doc_type == "ke_hoach"
    assert classify("Fw: văn bản", attachment_names=["[MẬT] ke hoach.pdf"]).secret


def test_secret_mark_in_body_alone_is_not_read():
    # §16 looks at the subject and the first pages; bodies are full of prose.
    assert not classify("V/v phối hợp", body="MẬT ONG RỪNG\nMẬT").secret


def test_declassified_is_informational():
    filing = classify("GIẢI MẬT: Kế hoạch năm 2010")
    assert filing.declassified and not filing.secret
    mark = secret_of("MẬT\nGIẢI MẬT")
    assert mark.secret and mark.declassified and mark.level == "MẬT"


# --- copy forms ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "copy"),
    [
        ("Sao y bản chính Quyết định số 48/2009/QĐ-UBND", "SY"),
        ("Bản sao y Kế hoạch 45/KH-UBND", "SY"),
        ("Trích sao Nghị quyết 12/NQ-HĐND", "TrS"),
        ("Sao lục Quyết định 3/QĐ-UBND", "SL"),
        ("Quyết định 3/QĐ-UBND (Số 7/SL-VP)", "SL"),
        ("Quyết định 3/QĐ-UBND (Số 7/SY-VP)", "SY"),
    ],
)
def test_copy_forms(subject, copy):
    filing = classify(subject)
    assert filing.copy_form == copy and copy in COPY_FORMS
    assert filing.category == "van_ban_sao_y"
    assert filing.doc_type in {"quyet_dinh", "ke_hoach", "nghi_quyet"}


# --- category rules and their order (§15) ----------------------------------------


@pytest.mark.parametrize(
    ("subject", "category"),
    [
        ("Mời họp giao ban tuần", "thu_moi"),
        ("Mời dự lễ khai giảng", "thu_moi"),
        ("Lịch làm việc của Giám đốc Sở", "lich_cong_tac"),
        ("Lịch trực Tết Nguyên đán 2025", "lich_cong_tac"),
        ("Thông báo lịch công tác tuần 30", "lich_cong_tac"),
        ("Tài liệu hội nghị tổng kết năm 2024", "tai_lieu_hop"),
        ("Xin ý kiến dự thảo Kế hoạch chuyển đổi số", "du_thao_gop_y"),
        ("Tham gia ý kiến vào Đề án 06", "du_thao_gop_y"),
        ("Gửi để biết Kế hoạch 12/KH-UBND", "de_biet_de_bao_cao"),
        ("Báo cáo tháng 6/2024", "bao_cao_dinh_ky"),
        ("Báo cáo sơ kết 6 tháng", "bao_cao_dinh_ky"),
        ("Báo cáo tổng kết năm 2024", "bao_cao_dinh_ky"),
        ("Báo cáo hằng quý", "bao_cao_dinh_ky"),
        ("Báo cáo định kỳ công tác văn thư", "bao_cao_dinh_ky"),
        ("Báo cáo kết quả kiểm tra an toàn thông tin", "bao_cao_chuyen_de"),
        ("Báo cáo tình hình tuân thủ quy chế", "bao_cao_chuyen_de"),
        ("Báo cáo về doanh nghiệp Việt Nam", "bao_cao_chuyen_de"),
        ("Thông cáo báo chí số 3/TC-UBND", "thong_bao"),
        ("Chỉ đạo, điều hành của UBND tỉnh", "chi_dao_dieu_hanh"),
        ("Kiện toàn Ban Chỉ đạo chuyển đổi số", "khac"),
        ("Hướng dẫn sử dụng phần mềm quản lý văn bản và điều hành", "khac"),
        ("Tờ trình đề nghị phê duyệt", "khac"),
        ("", "khac"),
    ],
)
def test_category_rules(subject, category):
    assert classify(subject).category == category


def test_secret_comes_before_every_other_rule():
    assert classify("[MẬT] Giấy mời họp (Số 12/GM-UBND)").category == "van_ban_mat"


# --- body and first pages ----------------------------------------------------------


def test_body_signal_counts_when_the_subject_decides_nothing():
    filing = classify("V/v phối hợp", body="Sở TTTT trân trọng kính mời đại diện lãnh đạo...")
    assert filing.category == "thu_moi"
    assert filing.rule == "builtin:body:tran trong kinh moi"
    assert filing.doc_type == "cong_van"


def test_subject_wins_when_it_decides():
    filing = classify("Báo cáo tháng 6/2024", body="Trân trọng kính mời")
    assert filing.category == "bao_cao_dinh_ky"


def test_weak_words_in_a_body_do_not_decide():
    body = "Thực hiện chỉ đạo của UBND tỉnh, đề nghị các đơn vị báo cáo kết quả hằng tháng."
    assert classify("V/v triển khai nhiệm vụ", body=body).category == "cong_van"


@pytest.mark.parametrize(
    ("page", "doc_type", "category"),
    [
        ("UBND TỈNH BÌNH PHƯỚC\nSố: 15/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc", "quyet_dinh", "khac"),
        (
            "SỞ THÔNG TIN VÀ TRUYỀN THÔNG\n\nGIẤY MỜI\n\nSở trân trọng kính mời",
            "giay_moi",
            "thu_moi",
        ),
        (
            "UBND TỈNH\nSố:  145/BC-STTTT\n\nBÁO CÁO\nKết quả 6 tháng đầu năm",
            "bao_cao",
            "bao_cao_dinh_ky",
        ),
        ("SAO Y BẢN CHÍNH\nQUYẾT ĐỊNH\nVề việc", "quyet_dinh", "van_ban_sao_y"),
        ("Số: 12/UBND-VP\nV/v rà soát", "cong_van", "cong_van"),
    ],
)
def test_first_page_decides_when_the_subject_says_nothing(page, doc_type, category):
    filing = classify("Fw: văn bản", first_pages=[page])
    assert (filing.doc_type, filing.category) == (doc_type, category)


def test_attachment_name_gives_the_type_last():
    filing = classify("Gửi anh Bình", attachment_names=["15_QĐ-UBND.pdf"])
    assert filing.doc_type == "quyet_dinh"
    assert [r.key for r in filing.refs] == ["15/QD-UBND"]


def test_refs_from_every_source_subject_first():
    filing = classify(
        "Giấy mời số 12/GM-UBND",
        body="Kèm theo Kế hoạch 45/KH-UBND. Giấy mời 12/GM-UBND.",
        attachment_names=["48.2009.QD-UBND.pdf"],
        first_pages=["Số: 12/GM-UBND\nCăn cứ Quyết định 7/QĐ-UBND"],
    )
    assert [r.key for r in filing.refs] == [
        "12/GM-UBND",
        "7/QD-UBND",
        "48/2009/QD-UBND",
        "45/KH-UBND",
    ]


# --- tables -----------------------------------------------------------------------


def test_tables():
    nd30 = list(DOC_TYPES)[:29]
    assert len(nd30) == 29 and nd30[0] == "nghi_quyet" and nd30[-1] == "thu_cong"
    assert all(len(labels) == 2 and all(labels) for labels in DOC_TYPES.values())
    assert all(len(labels) == 2 and all(labels) for labels in CATEGORIES.values())
    nd30_codes = [c for c in STATE_CODES][:27]
    assert len(set(nd30_codes)) == 27
    assert code_for_doc_type("quyet_dinh") == "QĐ"
    assert code_for_doc_type("cong_van") is None
    assert code_for_doc_type("thu_cong") is None
    assert doc_type_for_code("qd") == "quyet_dinh"
    assert doc_type_for_code("SY") is None
    assert doc_type_for_code("QĐi", party=True) == "quy_dinh"
    assert category_label("thu_moi") == "Thư mời / giấy mời"
    assert category_label("thu_moi", "en") == "Invitations"
    assert category_label("nope") == "nope"
    assert doc_type_label("cong_van") == "Công văn" and doc_type_label(None) == ""


@pytest.mark.skipif(not LEGAL.is_dir(), reason="shared corpora not present")
def test_real_legal_texts_are_never_flagged_secret_or_urgent():
    # These laws say "bí mật", "bảo mật", "mật khẩu" … hundreds of times.
    for path in sorted(LEGAL.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        mark = secret_of(text)
        assert not mark.secret, path.name
        assert urgency_of("", text) is None, path.name
        filing = classify(path.stem.replace("-", " "), first_pages=[text])
        assert not filing.secret, path.name


def test_repaired_flag_skips_only_the_second_repair():
    page = "UBND TỈNH\nSố: 15/QĐ-UBND\nQUYẾT ĐỊNH"
    body = "Sở trân trọng kính mời"
    assert classify("Fw: văn bản", body, (), [page], repaired=True) == classify(
        "Fw: văn bản", body, (), [page]
    )
    # the subject is repaired either way (row 30 of §17)
    assert classify(SUBJECTS_17[29][0], repaired=True).encoding == "tcvn3"
