"""Acceptance cases T01–T51 of the Vietnamese search spec (§10), as data.

Used by ``tests/index/test_acceptance.py`` (documents indexed straight from
:class:`~bparchive.index.document.IndexDoc`) and meant to be reused by the ingest tests
(the same documents through the real pipeline). Each :class:`Case` lists its documents
(label → :class:`Doc`), the query and the expectations:

* ``match``: the exact set of labels returned (``None`` = not checked);
* ``includes`` / ``excludes``: labels that must / must not be returned;
* ``order``: groups in ranking order; labels in the same group must have equal scores
  (``[("A", "B"), ("C",)]`` means A = B > C);
* ``sort``: ``relevance`` or ``date`` (then ``order`` is the exact result order);
* ``encodings``: label → encoding ``bparchive.vi`` must detect (legacy cases).

Document texts given as ``legacy`` are run through ``vi.repair`` and ``raw`` bytes through
``vi.decode_bytes``, as ingest does, before indexing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

#: T05's body, sent as ``charset=windows-1258`` bytes (base letters + combining tone bytes).
T05_TEXT = "Tăng cường ứng dụng công nghệ thông tin tại Việt Nam"

S = "V/v báo cáo tình hình sử dụng thư điện tử 6 tháng đầu năm 2024"


def nfd(s: str) -> str:
    """Decomposed form (macOS file names, "Unicode tổ hợp" IMEs)."""
    return unicodedata.normalize("NFD", s)


@dataclass(frozen=True)
class Doc:
    """One indexed message of a case."""

    body: str = ""
    subject: str = ""
    attachment_name: str = ""
    attachment_text: str = ""
    date: str = "2024-01-15"
    legacy: bool = False  # body is decoded mojibake: run vi.repair first
    raw: bytes = b""  # body bytes to run through vi.decode_bytes(raw, charset)
    charset: str = ""
    refs: tuple[str, ...] = ()  # reference numbers as written (keys via bparchive.filing)


@dataclass(frozen=True)
class Case:
    """One acceptance case."""

    id: str
    pitfall: str
    docs: dict[str, Doc]
    query: str
    match: frozenset[str] | None = None
    includes: frozenset[str] = frozenset()
    excludes: frozenset[str] = frozenset()
    order: tuple[tuple[str, ...], ...] = ()
    sort: str = "relevance"
    encodings: dict[str, str] = field(default_factory=dict)
    matched_field: str = ""  # a public field name every matching doc must report


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_bytes(text: str) -> bytes:
    """Encode like a Windows-1258 mailer: base letter (maybe precomposed) + tone byte."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def _f(*labels: str) -> frozenset[str]:
    return frozenset(labels)


T15_DOCS = {
    "A": Doc("bảo vệ bí mật nhà nước"),
    "B": Doc("bao ve bi mat nha nuoc"),
    "C": Doc("Bão về miền Trung"),
    "D": Doc("Bảo hiểm y tế và vệ sinh môi trường"),
}
T47_DOCS = {
    "A": Doc("Đá xây dựng"),
    "B": Doc("Da giay xuat khau"),
    "C": Doc("Dạ hội cuối năm"),
    "D": Doc("Đa dạng sinh học"),
}

CASES: tuple[Case, ...] = (
    Case("T01", "NFD document", {"A": Doc(nfd(S))}, "báo cáo tình hình", match=_f("A")),
    Case("T02", "NFD query", {"A": Doc(S)}, nfd("thư điện tử"), match=_f("A")),
    Case(
        "T03",
        "macOS attachment name",
        {"A": Doc("Gửi anh chị", attachment_name=nfd("Kế hoạch số 15.pdf"))},
        "kế hoạch",
        match=_f("A"),
        matched_field="attachment_name",
    ),
    Case(
        "T04",
        "Eth look-alike",
        {"A": Doc("BAN CHẤP HÀNH \u00d0ẢNG BỘ TỈNH")},
        "đảng bộ",
        match=_f("A"),
    ),
    Case(
        "T05",
        "Windows-1258",
        {"A": Doc(raw=cp1258_bytes(T05_TEXT), charset="windows-1258")},
        "việt nam",
        match=_f("A"),
    ),
    Case(
        "T06",
        "Ủy/Uỷ",
        {"A": Doc("Ủy ban nhân dân tỉnh Bình Phước"), "B": Doc("Uỷ ban nhân dân tỉnh Bình Phước")},
        "uỷ ban nhân dân",
        match=_f("A", "B"),
        order=(("A", "B"),),
    ),
    Case("T07", "oa old/new", {"A": Doc("Hội đồng hoà giải cơ sở")}, "hòa giải", match=_f("A")),
    Case("T08", "uy old/new", {"A": Doc("Luật Thủy lợi 2017")}, "thuỷ lợi", match=_f("A")),
    Case(
        "T09",
        "oe old/new",
        {"A": Doc("Giấy nghỉ phép vì lý do sức khoẻ")},
        "sức khỏe",
        match=_f("A"),
    ),
    Case("T10", "misplaced mark (qu)", {"A": Doc("Báo cáo qúy I/2024")}, "quý I", match=_f("A")),
    Case(
        "T11",
        "misplaced mark (closed syllable)",
        {"A": Doc("Kế hoạch hòan thành chỉ tiêu")},
        "hoàn thành",
        match=_f("A"),
    ),
    Case(
        "T12",
        "upper-case Đ/Ủ",
        {"A": Doc("ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH")},
        "đảng ủy khối",
        match=_f("A"),
    ),
    Case(
        "T13",
        "unaccented query, đ",
        {"A": Doc("Sở Thông tin và Truyền thông thành phố Đà Nẵng")},
        "da nang",
        match=_f("A"),
    ),
    Case(
        "T14",
        "fold recall, AND",
        {
            "A": Doc("Báo cáo tình hình"),
            "B": Doc("bao cao tinh hinh"),
            "C": Doc("Bão cấp 12 đổ bộ"),
        },
        "bao cao",
        match=_f("A", "B"),
    ),
    Case(
        "T15",
        "accented query: same word or unaccented",
        T15_DOCS,
        "bảo vệ",
        match=_f("A", "B", "D"),
    ),
    Case(
        "T16",
        "ranking exact > fold > non-adjacent",
        {k: T15_DOCS[k] for k in "ABD"},
        "bảo vệ",
        order=(("A",), ("B",), ("D",)),
    ),
    Case(
        "T17",
        "partially accented query",
        {"A": Doc("Báo cáo kết quả"), "B": Doc("Bao cao ket qua")},
        "bao cáo",
        match=_f("A", "B"),
        order=(("A",), ("B",)),
    ),
    Case(
        "T18",
        "unaccented query, different tones",
        {"A": Doc("Tài liệu phục vụ họp"), "B": Doc("Tải liệu lên hệ thống")},
        "tai lieu",
        match=_f("A", "B"),
    ),
    Case(
        "T19",
        "TCVN3 mojibake text",
        {
            "A": Doc(
                "V/v b¸o c¸o t×nh h×nh sö dông th\u00ad ®iÖn tö 6 th¸ng ®Çu n¨m 2024", legacy=True
            )
        },
        "báo cáo tình hình sử dụng thư điện tử",
        match=_f("A"),
        encodings={"A": "tcvn3"},
    ),
    Case(
        "T20",
        "VNI mojibake",
        {
            "A": Doc(
                "V/v baùo caùo tình hình söû duïng thö ñieän töû 6 thaùng ñaàu naêm 2024",
                legacy=True,
            )
        },
        "báo cáo tình hình sử dụng thư điện tử",
        match=_f("A"),
        encodings={"A": "vni"},
    ),
    Case(
        "T21",
        ".VnTimeH capitals + old/new style",
        {"A": Doc("CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM", legacy=True)},
        "cộng hòa xã hội",
        match=_f("A"),
    ),
    Case(
        "T22",
        "TCVN3 ư = soft hyphen",
        {"A": Doc("Ng\u00adêi lao ®éng ph¶i ®\u00adîc tr¶ l\u00ad¬ng ®óng h¹n", legacy=True)},
        "người lao động",
        match=_f("A"),
    ),
    Case(
        "T23",
        "no false legacy repair",
        {"A": Doc("Le café est très bon à Paris", legacy=True)},
        "café",
        match=_f("A"),
        encodings={"A": "unicode"},
    ),
    Case(
        "T24",
        "bigram (word) precision",
        {
            "A": Doc("Sử dụng thư điện tử công vụ"),
            "B": Doc("Thư mời họp về chuyển đổi số, chính phủ điện tử"),
        },
        "thư điện tử",
        match=_f("A", "B"),
        order=(("A",), ("B",)),
    ),
    Case(
        "T25",
        "quoted phrase",
        {"A": Doc("Sổ đăng ký công văn đến năm 2024"), "B": Doc("Công văn gửi đến các sở")},
        '"công văn đến"',
        match=_f("A"),
    ),
    Case(
        "T26",
        "2-syllable word vs scattered syllables",
        {"A": Doc("Bộ Nội vụ hướng dẫn"), "B": Doc("Nội dung vụ việc khiếu nại")},
        "nội vụ",
        order=(("A",), ("B",)),
    ),
    Case(
        "T27",
        "single-syllable query",
        {"A": Doc("Kế hoạch cải cách hành chính năm 2024")},
        "kế",
        match=_f("A"),
    ),
    Case(
        "T28", "stop-word-only query", {"A": Doc("Quyết định của UBND tỉnh")}, "của", match=_f("A")
    ),
    Case(
        "T29",
        "stop word optional",
        {"A": Doc("Báo cáo của UBND huyện"), "B": Doc("Báo cáo UBND huyện")},
        "báo cáo của UBND",
        match=_f("A", "B"),
        order=(("A",), ("B",)),
    ),
    Case("T30", "Telex tones", {"A": Doc("Báo cáo tháng 6")}, "baos caos", match=_f("A")),
    Case("T31", "Telex marks", {"A": Doc("Công văn số 125")}, "coong vawn", match=_f("A")),
    Case("T32", "half-Telex", {"A": Doc("Công văn số 125")}, "cong vawn", match=_f("A")),
    Case(
        "T33",
        "Telex dd/uw",
        {"A": Doc("Hướng dẫn sử dụng thư điện tử")},
        "thuw ddieenj tuwr",
        match=_f("A"),
    ),
    Case("T34", "VNI digits", {"A": Doc("Hợp tác Việt Nam - Lào")}, "Vie65t Nam", match=_f("A")),
    Case(
        "T35",
        "no false Telex",
        {"A": Doc("Hướng dẫn cấu hình email công vụ")},
        "email",
        match=_f("A"),
    ),
    Case(
        "T36",
        "i/y variant",
        {"A": Doc("Tăng cường đào tạo kỹ thuật viên")},
        "kĩ thuật",
        match=_f("A"),
    ),
    Case(
        "T37",
        "Telex ambiguity",
        {"A": Doc("Mua xoong nồi cho bếp ăn"), "B": Doc("Xông hơi")},
        "xoong",
        match=_f("A", "B"),
        order=(("A",), ("B",)),
    ),
    Case(
        "T38",
        "accented query excludes other words",
        {"A": Doc("Báo cáo tình hình"), "B": Doc("Bão cấp 12")},
        "báo cáo",
        match=_f("A"),
    ),
    Case(
        "T39",
        "pasted long subject (≥5 syllables → 75 %)",
        {
            "A": Doc(subject=S),
            "B": Doc(subject="Re: " + S),
            "C": Doc(subject="V/v báo cáo tình hình sử dụng thư điện tử năm 2023"),
            "D": Doc(subject="V/v báo cáo kết quả thực hiện"),
        },
        S,
        match=_f("A", "B", "C"),
    ),
    # T40 is collation, not search: tests/index/test_acceptance.py checks it via vi.sort_key.
    Case(
        "T41",
        "English stop list must not be used",
        {"A": Doc("Tờ trình số 59/TTr-STTTT"), "B": Doc("Tổ chức hội nghị")},
        "to trinh",
        match=_f("A"),
    ),
    Case(
        "T42",
        "one-letter syllable kept",
        {"A": Doc("Ý kiến chỉ đạo của Chủ tịch"), "B": Doc("Kiến nghị của cử tri")},
        "ý kiến",
        match=_f("A"),
    ),
    Case(
        "T43",
        "reference number without đ",
        {
            "A": Doc(
                "Căn cứ Quyết định số 48/2009/QĐ-UBND ngày 12/10/2009", refs=("48/2009/QĐ-UBND",)
            ),
            "B": Doc("Quyết định số 48/QĐ-UBND", refs=("48/QĐ-UBND",)),
        },
        "48/2009/QD-UBND",
        match=_f("A"),
        matched_field="refno",
    ),
    Case(
        "T44",
        "Ư in unit code",
        {"A": Doc("Công văn số 2125/BTTTT-ƯDCNTT", refs=("2125/BTTTT-ƯDCNTT",))},
        "2125/BTTTT-UDCNTT",
        match=_f("A"),
    ),
    Case(
        "T45",
        "fold collision accepted",
        {"A": Doc("Cán bộ, công chức cấp xã"), "B": Doc("Cần bổ sung hồ sơ")},
        "can bo",
        match=_f("A", "B"),
    ),
    Case(
        "T46",
        "place-name spellings",
        {"A": Doc("Thanh Hóa"), "B": Doc("Thanh Hoá"), "C": Doc("Thanh Hoa")},
        "Thanh Hoá",
        match=_f("A", "B", "C"),
        order=(("A", "B"), ("C",)),
    ),
    Case("T47", "accented query, fold collisions excluded", T47_DOCS, "đá", match=_f("A", "B")),
    Case(
        "T48",
        "date-sorted precision",
        {
            "A": Doc("Báo cáo tổng kết", date="2024-06-01"),
            "B": Doc("Bão số 3 gây thiệt hại", date="2025-09-01"),
            "C": Doc("bao cao tong ket", date="2023-03-01"),
        },
        "báo cáo",
        match=_f("A", "C"),
        order=(("A",), ("C",)),
        sort="date",
    ),
    Case(
        "T49",
        "unaccented query still finds all spellings",
        T47_DOCS,
        "da",
        match=_f("A", "B", "C", "D"),
    ),
    Case("T50", "strict mode", {k: T15_DOCS[k] for k in "AB"}, "=bảo vệ", match=_f("A")),
    Case("T51", "loose mode", T15_DOCS, "~bảo vệ", match=_f("A", "B", "C", "D")),
)

#: T40: the collation order (§9).
T40_NAMES = ["Đào", "Dương", "Anh", "Ánh", "Ăn", "Âu", "An", "Bình", "Ơn", "Ôn", "Ư", "Uyên", "Yến"]
T40_SORTED = [
    "An",
    "Anh",
    "Ánh",
    "Ăn",
    "Âu",
    "Bình",
    "Dương",
    "Đào",
    "Ôn",
    "Ơn",
    "Uyên",
    "Ư",
    "Yến",
]
