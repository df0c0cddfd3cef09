"""Static tables of the filing spec (shared/domain/filing.md §11, §12, §15, §16).

Read by the other ``bparchive.filing`` modules, and by the store, index, TUI and
reports for labels: document types, type codes of reference numbers, copy
forms, e-mail categories, urgency and secret levels. Pure data, no logic beyond
small look-ups.
"""

from __future__ import annotations

# --- Document types ---------------------------------------------------------
# id -> (Vietnamese label, English label). The 29 types of Nghị định 30/2020
# (Điều 7) first, then the VBQPPL and Party types that government mail cites,
# then the four types only Thông tư 01/2011 had (§11.1).
DOC_TYPES: dict[str, tuple[str, str]] = {
    "nghi_quyet": ("Nghị quyết", "Resolution"),
    "quyet_dinh": ("Quyết định", "Decision"),
    "chi_thi": ("Chỉ thị", "Directive"),
    "quy_che": ("Quy chế", "Rules"),
    "quy_dinh": ("Quy định", "Regulation"),
    "thong_cao": ("Thông cáo", "Communiqué"),
    "thong_bao": ("Thông báo", "Notice"),
    "huong_dan": ("Hướng dẫn", "Guidance"),
    "chuong_trinh": ("Chương trình", "Programme"),
    "ke_hoach": ("Kế hoạch", "Plan"),
    "phuong_an": ("Phương án", "Scheme"),
    "de_an": ("Đề án", "Project proposal"),
    "du_an": ("Dự án", "Project"),
    "bao_cao": ("Báo cáo", "Report"),
    "bien_ban": ("Biên bản", "Minutes"),
    "to_trinh": ("Tờ trình", "Submission"),
    "hop_dong": ("Hợp đồng", "Contract"),
    "cong_van": ("Công văn", "Official letter"),
    "cong_dien": ("Công điện", "Official telegram"),
    "ban_ghi_nho": ("Bản ghi nhớ", "Memorandum of understanding"),
    "ban_thoa_thuan": ("Bản thỏa thuận", "Agreement"),
    "giay_uy_quyen": ("Giấy ủy quyền", "Power of attorney"),
    "giay_moi": ("Giấy mời", "Invitation"),
    "giay_gioi_thieu": ("Giấy giới thiệu", "Letter of introduction"),
    "giay_nghi_phep": ("Giấy nghỉ phép", "Leave permit"),
    "phieu_gui": ("Phiếu gửi", "Dispatch slip"),
    "phieu_chuyen": ("Phiếu chuyển", "Transfer slip"),
    "phieu_bao": ("Phiếu báo", "Notification slip"),
    "thu_cong": ("Thư công", "Official correspondence"),
    # Legal normative documents (VBQPPL, §12)
    "luat": ("Luật", "Law"),
    "nghi_dinh": ("Nghị định", "Decree"),
    "thong_tu": ("Thông tư", "Circular"),
    "thong_tu_lien_tich": ("Thông tư liên tịch", "Joint circular"),
    "nghi_quyet_lien_tich": ("Nghị quyết liên tịch", "Joint resolution"),
    "phap_lenh": ("Pháp lệnh", "Ordinance"),
    "lenh": ("Lệnh", "Order"),
    # Party documents (§12)
    "ket_luan": ("Kết luận", "Conclusion"),
    "thong_tri": ("Thông tri", "Party circular"),
    # Thông tư 01/2011/TT-BNV only (§11.1)
    "ban_cam_ket": ("Bản cam kết", "Commitment"),
    "giay_chung_nhan": ("Giấy chứng nhận", "Certificate"),
    "giay_di_duong": ("Giấy đi đường", "Travel permit"),
    "giay_bien_nhan": ("Giấy biên nhận hồ sơ", "Receipt of documents"),
}

# Types whose id is in here came from an older regulation; shown as "legacy".
LEGACY_DOC_TYPES: frozenset[str] = frozenset(
    {"ban_cam_ket", "giay_chung_nhan", "giay_di_duong", "giay_bien_nhan"}
)

# Copy forms (NĐ 30 Phụ lục III): code -> (Vietnamese label, English label).
COPY_FORMS: dict[str, tuple[str, str]] = {
    "SY": ("Bản sao y", "Certified copy"),
    "TrS": ("Bản trích sao", "Extract copy"),
    "SL": ("Bản sao lục", "Copy of a copy"),
}

# --- Type codes in reference numbers ---------------------------------------
# code -> doc type id, or a copy form code prefixed with "copy:". Exact case is
# the official spelling; the parser also accepts the codes case-insensitively
# with Đ folded to D (QD -> QĐ).
STATE_CODES: dict[str, str] = {
    # Nghị định 30/2020 Phụ lục III (27 codes)
    "NQ": "nghi_quyet",
    "QĐ": "quyet_dinh",
    "CT": "chi_thi",
    "QC": "quy_che",
    "QyĐ": "quy_dinh",
    "TC": "thong_cao",
    "TB": "thong_bao",
    "HD": "huong_dan",
    "CTr": "chuong_trinh",
    "KH": "ke_hoach",
    "PA": "phuong_an",
    "ĐA": "de_an",
    "DA": "du_an",
    "BC": "bao_cao",
    "BB": "bien_ban",
    "TTr": "to_trinh",
    "HĐ": "hop_dong",
    "CĐ": "cong_dien",
    "BGN": "ban_ghi_nho",
    "BTT": "ban_thoa_thuan",
    "GUQ": "giay_uy_quyen",
    "GM": "giay_moi",
    "GGT": "giay_gioi_thieu",
    "GNP": "giay_nghi_phep",
    "PG": "phieu_gui",
    "PC": "phieu_chuyen",
    "PB": "phieu_bao",
    # copy forms
    "SY": "copy:SY",
    "TrS": "copy:TrS",
    "SL": "copy:SL",
    # non-standard variants seen in public templates and real mail
    "QCh": "quy_che",
    "DAn": "du_an",
    "CV": "cong_van",
    # VBQPPL (§12)
    "NĐ": "nghi_dinh",
    "TT": "thong_tu",
    "TTLT": "thong_tu_lien_tich",
    "NQLT": "nghi_quyet_lien_tich",
    "PL": "phap_lenh",
    "L": "lenh",
    # Thông tư 01/2011 (legacy): the extract copy was "TS" then
    "BCK": "ban_cam_ket",
    "GCN": "giay_chung_nhan",
    "GĐĐ": "giay_di_duong",
    "GBN": "giay_bien_nhan",
    "TS": "copy:TrS",
}

# Codes whose remaining symbol groups are all co-issuers (03/2008/TTLT-BNV-BTC).
JOINT_CODES: frozenset[str] = frozenset({"TTLT", "NQLT"})

# Party documents (Hướng dẫn 36-HD/VPTW): number-TYPE/ISSUER.
PARTY_CODES: dict[str, str] = {
    "NQ": "nghi_quyet",
    "CT": "chi_thi",
    "KL": "ket_luan",
    "QĐ": "quyet_dinh",
    "QĐi": "quy_dinh",
    "QyĐ": "quy_dinh",
    "QC": "quy_che",
    "TB": "thong_bao",
    "HD": "huong_dan",
    "BC": "bao_cao",
    "BB": "bien_ban",
    "KH": "ke_hoach",
    "CTr": "chuong_trinh",
    "TTr": "to_trinh",
    "GM": "giay_moi",
    "CV": "cong_van",
    "TT": "thong_tri",
    "ĐA": "de_an",
}

# The official code printed for each document type (None: Công văn, Thư công
# and Luật have no code). Reverse of STATE_CODES, official spelling preferred.
DOC_TYPE_CODES: dict[str, str | None] = {
    doc_type: next(
        (c for c, d in STATE_CODES.items() if d == doc_type and c not in {"QCh", "DAn", "CV"}),
        next((c for c, d in PARTY_CODES.items() if d == doc_type), None),
    )
    for doc_type in DOC_TYPES
}
DOC_TYPE_CODES["cong_van"] = None

# --- Categories (Bình Phước regulation 48/2009/QĐ-UBND, Điều 9; spec §15) ---
CATEGORIES: dict[str, tuple[str, str]] = {
    "thu_moi": ("Thư mời / giấy mời", "Invitations"),
    "lich_cong_tac": ("Lịch công tác", "Work schedules"),
    "tai_lieu_hop": ("Tài liệu phục vụ họp", "Meeting documents"),
    "van_ban_sao_y": ("Văn bản sao y", "Certified copies"),
    "bao_cao_chuyen_de": ("Báo cáo chuyên đề", "Topical reports"),
    "bao_cao_dinh_ky": ("Báo cáo tuần, tháng, quý, năm", "Periodic reports"),
    "thong_bao": ("Thông báo", "Notices"),
    "de_biet_de_bao_cao": ("Văn bản gửi để biết, để báo cáo", "For information or reporting"),
    "du_thao_gop_y": ("Dự thảo đề nghị góp ý", "Drafts for comment"),
    "cong_van": ("Công văn", "Official letters"),
    "chi_dao_dieu_hanh": ("Thông tin chỉ đạo, điều hành", "Direction and management"),
    "van_ban_mat": ("Văn bản mật", "Classified documents"),
    "khac": ("Khác", "Other"),
}

# --- Urgency (NĐ 30, §14) and secret levels (Luật 29/2018/QH14 Điều 8, §16) --
# Highest first.
URGENCY_LEVELS: tuple[str, ...] = ("HỎA TỐC HẸN GIỜ", "HỎA TỐC", "THƯỢNG KHẨN", "KHẨN")
SECRET_LEVELS: tuple[str, ...] = ("TUYỆT MẬT", "TỐI MẬT", "MẬT")


def category_label(category: str, lang: str = "vi") -> str:
    """Label of a category for display.

    Args:
        category: A category id of ``CATEGORIES``.
        lang: ``"vi"`` or ``"en"``.

    Returns:
        The label, or the id itself when it is unknown.
    """
    labels = CATEGORIES.get(category)
    if labels is None:
        return category
    return labels[1] if lang == "en" else labels[0]


def doc_type_label(doc_type: str | None, lang: str = "vi") -> str:
    """Label of a document type for display (``""`` for ``None``).

    Args:
        doc_type: A document type id of ``DOC_TYPES`` or ``None``.
        lang: ``"vi"`` or ``"en"``.

    Returns:
        The label, or the id itself when it is unknown.
    """
    if doc_type is None:
        return ""
    labels = DOC_TYPES.get(doc_type)
    if labels is None:
        return doc_type
    return labels[1] if lang == "en" else labels[0]
