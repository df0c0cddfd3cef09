"""Filing of one message: document type, category, copy form, urgency, secret mark (filing.md §15).

Called by ingest for every stored message and by ``reindex``; the store keeps
the resulting ``Filing`` and the index fills its ``category``, ``type`` and
``refno`` fields from it. Pure functions, no database; fast enough to run on
every message (regexes compiled once, every text folded once).

Order of decisions:

1. Text is repaired (legacy TCVN3/VNI subjects) and the subject loses its
   ``Re:``/``Fw:`` prefixes, bracket tags and head urgency/secret words.
2. User rules, in order (``user:<name>``).
3. Built-in rules on the subject: secret → thu_moi → lich_cong_tac →
   tai_lieu_hop → van_ban_sao_y → du_thao_gop_y → de_biet_de_bao_cao →
   báo cáo (chuyên đề before định kỳ) → thong_bao → chi_dao_dieu_hanh.
4. When the subject decides nothing, the same order on strong phrases of the
   body and the first pages of the attachments ("trân trọng kính mời").
5. ``cong_van`` when the document is a Công văn, else ``khac``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bparchive.filing._text import fast_fold, repair
from bparchive.filing.agency import DEFAULT_AGENCY_DOMAINS
from bparchive.filing.marks import (
    copy_form_of,
    secret_of,
    strip_head_marks,
    strip_subject,
    urgency_of,
)
from bparchive.filing.refs import Ref, lookup_code, parse_filename_refs, parse_refs_normalized
from bparchive.filing.rules import UserRule
from bparchive.filing.tables import DOC_TYPE_CODES, DOC_TYPES, PARTY_CODES, STATE_CODES

# How much of the body and of each first page is read: the header, number,
# stamps and the opening sentence are at the top.
BODY_LIMIT = 8000
PAGE_LIMIT = 4000
MAX_PAGES = 8


@dataclass(frozen=True, slots=True)
class Filing:
    """How one message is filed.

    Attributes:
        doc_type: Document type id (``DOC_TYPES``) or None when unknown.
        doc_type_code: Official code of that type (``QĐ``, ``GM``), None for
            Công văn, Thư công and unknown types.
        category: Category id (``CATEGORIES``).
        copy_form: ``SY``, ``TrS``, ``SL`` or None.
        urgency: One of ``URGENCY_LEVELS`` or None.
        secret: A secret mark was found (§16): warn, keep out of exports.
        secret_level: ``MẬT``, ``TỐI MẬT``, ``TUYỆT MẬT`` or None.
        declassified: A GIẢI MẬT mark was found (informational).
        refs: Reference numbers: the subject's first, then the first pages',
            the attachment names' and the body's, each key once.
        rule: Which rule decided the category: ``user:<name>``,
            ``builtin:ref-type:GM``, ``builtin:subject-lead:giấy mời``,
            ``builtin:subject:moi hop``, ``builtin:body:tran trong kinh moi``,
            ``builtin:secret:MẬT``, ``builtin:fallback:cong_van`` …
        tags: Tags added by user rules.
        encoding: Encoding the subject was repaired from
            (``unicode|tcvn3|vni|viscii|cp1258``).
        subject: The repaired subject without reply/forward prefixes.
    """

    doc_type: str | None
    doc_type_code: str | None
    category: str
    copy_form: str | None
    urgency: str | None
    secret: bool
    secret_level: str | None
    declassified: bool
    refs: tuple[Ref, ...]
    rule: str
    tags: tuple[str, ...] = ()
    encoding: str = "unicode"
    subject: str = ""


# --- Lead type names of a subject (§15 algorithm) ---------------------------
# folded phrase -> (doc type id, label used in the rule name)
_LEAD_EXTRA: dict[str, tuple[str, str]] = {
    "thu moi": ("giay_moi", "thư mời"),
    "giay uy quyen": ("giay_uy_quyen", "giấy ủy quyền"),
    "thong tu lien tich": ("thong_tu_lien_tich", "thông tư liên tịch"),
    "thu chuc mung": ("thu_cong", "thư chúc mừng"),
    "thu cam on": ("thu_cong", "thư cảm ơn"),
    "thu chia buon": ("thu_cong", "thư chia buồn"),
    "thu tham hoi": ("thu_cong", "thư thăm hỏi"),
    "thu ngo": ("thu_cong", "thư ngỏ"),
    "v/v": ("cong_van", "v/v"),
    "v / v": ("cong_van", "v/v"),
    "vv": ("cong_van", "v/v"),
    "v.v": ("cong_van", "v/v"),
    "ve viec": ("cong_van", "về việc"),
    # abbreviations the spec lists for subjects
    "qd": ("quyet_dinh", "QĐ"),
    "kh": ("ke_hoach", "KH"),
    "bc": ("bao_cao", "BC"),
    "tb": ("thong_bao", "TB"),
    "cv": ("cong_van", "CV"),
    "gm": ("giay_moi", "GM"),
    "ttr": ("to_trinh", "TTr"),
}
# Types too rare or too ambiguous as the first word of a subject.
_NO_LEAD = frozenset({"luat", "lenh"})

_LEAD_COPY = r"(?:(?:ban )?(?:sao y(?: ban chinh)?|trich sao|sao luc)(?: tu)?[\s:,.\-–]*)?"

# Category signals on the folded subject (§15 table), in rule order.
_SUBJECT_RULES: tuple[tuple[str, str], ...] = (
    ("thu_moi", r"giay moi|thu moi|(?<!\w)moi (?:hop|du|tham du|dai bieu)(?!\w)|kinh moi"),
    ("lich_cong_tac", r"(?<!\w)lich (?:cong tac|lam viec|tuan|truc)(?!\w)"),
    ("tai_lieu_hop", r"(?<!\w)tai lieu (?:phuc vu|hop|cuoc hop|hoi nghi|ky hop)(?!\w)"),
    ("du_thao_gop_y", r"(?<!\w)(?:du thao|gop y|(?:lay|xin|tham gia) y kien)(?!\w)"),
    ("de_biet_de_bao_cao", r"(?<!\w)(?:(?:gui|de) (?:de )?biet|de bao cao)(?!\w)"),
    ("bao_cao", r"(?<!\w)bao cao(?!\w)"),
    ("thong_bao", r"(?<!\w)thong bao(?!\w)"),
    (
        "chi_dao_dieu_hanh",
        r"(?<!\w)(?<!ban )chi dao(?!\w)|(?<!\w)(?<!van ban va )(?<!va )dieu hanh(?!\w)",
    ),
)
# Strong phrases of a body or a first page (weaker words of the subject table,
# such as "chỉ đạo" or "báo cáo", are everywhere in bodies).
_BODY_RULES: tuple[tuple[str, str], ...] = (
    ("thu_moi", r"(?<!\w)(?:tran trong (?:kinh )?moi|kinh moi)(?!\w)"),
    ("lich_cong_tac", r"^[ \t]*lich (?:cong tac|lam viec|truc)(?!\w)"),
    ("tai_lieu_hop", r"(?<!\w)tai lieu (?:phuc vu|cuoc hop|hoi nghi|ky hop)(?!\w)"),
    (
        "du_thao_gop_y",
        r"(?<!\w)(?:gop y|(?:lay|xin|tham gia|dong gop) y kien)(?!\w)[^\n]{0,200}?du thao"
        r"|(?<!\w)du thao(?!\w)[^\n]{0,200}?(?:gop y|(?:lay|xin|tham gia|dong gop) y kien)",
    ),
    ("de_biet_de_bao_cao", r"(?<!\w)gui (?:den )?(?:de biet|de bao cao)(?!\w)"),
    ("chi_dao_dieu_hanh", r"(?<!\w)y kien chi dao(?!\w)"),
)
# Which category a document type files into by default (§11 last column).
_TYPE_CATEGORY: dict[str, str] = {
    "giay_moi": "thu_moi",
    "bao_cao": "bao_cao",
    "thong_bao": "thong_bao",
    "thong_cao": "thong_bao",
    "cong_dien": "chi_dao_dieu_hanh",
    "chi_thi": "chi_dao_dieu_hanh",
}
# Periodic report words (§15 bao_cao_dinh_ky), with the common look-alikes
# removed: "tuân thủ", "quy chế/quỹ", "Việt Nam" fold to the same letters.
_PERIODIC = (
    r"(?<!\w)(?:tuan(?! thu)(?! theo)|thang|quy (?:i|ii|iii|iv|[1-4])(?!\w)|hang quy"
    r"|(?:cuoi|dau|ca|hang|giua) nam|nam \d|nam (?:hoc|tai chinh|nay)|dinh ky"
    r"|6 thang|sau thang|9 thang|so ket|tong ket)(?!\w)"
)
_TOPICAL = r"(?<!\w)chuyen de(?!\w)"
_VV_ANYWHERE = r"(?<!\w)v ?/ ?v(?!\w)"
# A type heading alone on a line of a first page ("QUYẾT ĐỊNH", "GIẤY MỜI").
_HEADING = r"^[ \t]*(?P<h>[^\W\d_][^\W\d_ ]*(?: [^\W\d_]+){0,4})[ \t]*:?[ \t]*$"
# The document's own number on its first page ("Số: 15/QĐ-UBND").
_OWN_NUMBER = r"(?<!\w)s[oố][ \t]*:?[ \t]*(?=\d)"


@dataclass(frozen=True, slots=True)
class _Rx:
    lead: re.Pattern[str]
    lead_map: dict[str, tuple[str, str]]
    subject_rules: tuple[tuple[str, re.Pattern[str]], ...]
    body_rules: tuple[tuple[str, re.Pattern[str]], ...]
    periodic: re.Pattern[str]
    topical: re.Pattern[str]
    vv: re.Pattern[str]
    heading: re.Pattern[str]
    heading_map: dict[str, str]
    own_number: re.Pattern[str]


@functools.cache
def _rx() -> _Rx:
    lead_map: dict[str, tuple[str, str]] = {}
    for doc_type, (vi_label, _) in DOC_TYPES.items():
        if doc_type in _NO_LEAD:
            continue
        lead_map[fast_fold(vi_label)] = (doc_type, vi_label.lower())
    lead_map.update(_LEAD_EXTRA)
    alternatives = "|".join(re.escape(k) for k in sorted(lead_map, key=len, reverse=True))
    lead = re.compile(rf"^{_LEAD_COPY}(?P<lead>{alternatives})(?![\w/])")
    heading_map = {
        fast_fold(vi_label): doc_type
        for doc_type, (vi_label, _) in DOC_TYPES.items()
        if doc_type not in {"cong_van", "thu_cong"}
    }
    return _Rx(
        lead=lead,
        lead_map=lead_map,
        subject_rules=tuple((c, re.compile(p)) for c, p in _SUBJECT_RULES),
        body_rules=tuple((c, re.compile(p, re.MULTILINE)) for c, p in _BODY_RULES),
        periodic=re.compile(_PERIODIC),
        topical=re.compile(_TOPICAL),
        vv=re.compile(_VV_ANYWHERE),
        heading=re.compile(_HEADING, re.MULTILINE),
        heading_map=heading_map,
        own_number=re.compile(_OWN_NUMBER, re.IGNORECASE),
    )


@dataclass(slots=True)
class _DocType:
    doc_type: str | None = None
    code: str | None = None
    source: str = ""  # the rule name part: "ref-type:GM", "subject-lead:giấy mời"


def _ref_code_label(ref: Ref) -> str:
    if ref.type_code is not None:
        return ref.type_code
    return "công văn"


def _subject_doc_type(folded_core: str, refs: Sequence[Ref]) -> _DocType:
    """Document type from the subject: lead name and reference numbers (§15)."""
    rx = _rx()
    typed = [r for r in refs if r.doc_type is not None]
    m = rx.lead.match(folded_core)
    if m is not None:
        lead_type, label = rx.lead_map[m["lead"]]
        if label in {"v/v", "về việc"}:
            # "V/v" heads the trích yếu of a công văn; a number after it is cited.
            return _DocType("cong_van", None, f"subject-lead:{label}")
        for ref in typed:
            if ref.doc_type == lead_type:
                return _DocType(lead_type, ref.type_code, f"ref-type:{_ref_code_label(ref)}")
        return _DocType(lead_type, DOC_TYPE_CODES.get(lead_type), f"subject-lead:{label}")
    if typed:
        ref = typed[0]
        return _DocType(ref.doc_type, ref.type_code, f"ref-type:{_ref_code_label(ref)}")
    if rx.vv.search(folded_core):
        return _DocType("cong_van", None, "subject:v/v")
    return _DocType()


def _page_doc_type(pages: Sequence[str]) -> _DocType:
    """Document type from the first pages: own number, then a type heading."""
    rx = _rx()
    for page in pages:
        for m in rx.own_number.finditer(page):
            own = parse_refs_normalized(page[m.end() : m.end() + 60])
            if own and own[0].doc_type is not None:
                ref = own[0]
                return _DocType(
                    ref.doc_type, ref.type_code, f"page-ref-type:{_ref_code_label(ref)}"
                )
        for m in rx.heading.finditer(page):
            heading = m["h"]
            if not heading.isupper():
                continue
            doc_type = rx.heading_map.get(fast_fold(heading))
            if doc_type is not None:
                return _DocType(doc_type, DOC_TYPE_CODES.get(doc_type), f"page-heading:{heading}")
    return _DocType()


def _report_category(folded: str, rule: str) -> tuple[str, str]:
    """Topical before periodic; a report with neither cue is topical (§15)."""
    rx = _rx()
    if rx.topical.search(folded):
        return "bao_cao_chuyen_de", f"{rule}+chuyen de"
    m = rx.periodic.search(folded)
    if m is not None:
        return "bao_cao_dinh_ky", f"{rule}+{m.group(0)}"
    return "bao_cao_chuyen_de", rule


def _categorise(
    folded: str,
    rules: Sequence[tuple[str, re.Pattern[str]]],
    doc: _DocType,
    copy_form: str | None,
    copy_source: str,
    where: str,
) -> tuple[str, str] | None:
    """Run the ordered built-in rules on one text; None when none decides."""
    type_category = _TYPE_CATEGORY.get(doc.doc_type or "")
    signals = {category: rx for category, rx in rules}

    def hit(category: str) -> str | None:
        rx = signals.get(category)
        if rx is None:
            return None
        m = rx.search(folded)
        return f"builtin:{where}:{m.group(0).strip()}" if m else None

    if type_category == "thu_moi":
        return "thu_moi", f"builtin:{doc.source}"
    for category in ("thu_moi", "lich_cong_tac", "tai_lieu_hop"):
        rule = hit(category)
        if rule:
            return category, rule
    if copy_form is not None:
        return "van_ban_sao_y", f"builtin:{copy_source}"
    for category in ("du_thao_gop_y", "de_biet_de_bao_cao"):
        rule = hit(category)
        if rule:
            return category, rule
    if type_category == "bao_cao":
        return _report_category(folded, f"builtin:{doc.source}")
    rule = hit("bao_cao")
    if rule:
        return _report_category(folded, rule)
    if type_category == "thong_bao":
        return "thong_bao", f"builtin:{doc.source}"
    rule = hit("thong_bao")
    if rule:
        return "thong_bao", rule
    if type_category == "chi_dao_dieu_hanh":
        return "chi_dao_dieu_hanh", f"builtin:{doc.source}"
    rule = hit("chi_dao_dieu_hanh")
    if rule:
        return "chi_dao_dieu_hanh", rule
    return None


def _merge_refs(groups: Iterable[Iterable[Ref]]) -> tuple[Ref, ...]:
    seen: set[str] = set()
    out: list[Ref] = []
    for group in groups:
        for ref in group:
            if ref.key not in seen:
                seen.add(ref.key)
                out.append(ref)
    return tuple(out)


def classify(
    subject: str,
    body: str = "",
    attachment_names: Sequence[str] = (),
    first_pages: Sequence[str] = (),
    *,
    sender: str = "",
    rules: Sequence[UserRule] = (),
    agency_domains: Iterable[str] = DEFAULT_AGENCY_DOMAINS,
    repaired: bool = False,
) -> Filing:
    """File one message (filing.md §13–§16).

    Args:
        subject: The decoded Subject header.
        body: The plain-text body (only the first ``BODY_LIMIT`` characters
            are read).
        attachment_names: File names of the attachments.
        first_pages: Text of the first page of each attachment.
        sender: The sender address, for user rules.
        rules: User rules, tried in order before the built-in rules.
        agency_domains: Domains following the Điều 5 address pattern.
        repaired: The body and first pages are already clean NFC text (ingest
            decoded them with ``vi.decode_bytes``): skip their legacy repair,
            which is most of the cost. The subject is always repaired.

    Returns:
        The ``Filing``. Never raises on any text.
    """
    subject_text, encoding = repair(subject or "")
    fix = (lambda t: t) if repaired else (lambda t: repair(t)[0])
    body_text = fix(body[:BODY_LIMIT]) if body else ""
    pages = [fix(p[:PAGE_LIMIT]) for p in list(first_pages)[:MAX_PAGES] if p]
    names = [n for n in attachment_names if n]

    stripped = strip_subject(subject_text)
    core = strip_head_marks(stripped)
    folded_subject = " ".join(fast_fold(stripped).split())
    folded_core = " ".join(fast_fold(core).split())

    subject_refs = parse_refs_normalized(subject_text)
    page_refs = [parse_refs_normalized(p) for p in pages]
    name_refs = [ref for n in names for ref in parse_filename_refs(n)]
    body_refs = parse_refs_normalized(body_text)
    refs = _merge_refs([subject_refs, *page_refs, name_refs, body_refs])

    urgency = urgency_of(subject_text, "\n".join(pages), folded_subject=fast_fold(subject_text))
    mark = secret_of(subject_text, *names, *pages)

    # Document type: subject, else the first pages, else attachment names.
    doc = _subject_doc_type(folded_core, subject_refs)
    subject_decided_type = doc.doc_type is not None
    if doc.doc_type is None and pages:
        doc = _page_doc_type(pages)
    if doc.doc_type is None:
        typed = [r for r in name_refs if r.doc_type is not None]
        if typed:
            ref = typed[0]
            doc = _DocType(ref.doc_type, ref.type_code, f"name-ref-type:{_ref_code_label(ref)}")

    # Copy form: a copy code in a number, else words of the subject, pages.
    copy_form: str | None = None
    copy_source = ""
    for ref in refs:
        if ref.copy_form is not None:
            copy_form, copy_source = ref.copy_form, f"ref-type:{ref.type_code}"
            break
    if copy_form is None:
        copy_form = copy_form_of(folded_subject)
        copy_source = f"subject-copy:{copy_form}"
    if copy_form is None and pages:
        folded_pages = fast_fold("\n".join(p[:600] for p in pages))
        copy_form = copy_form_of(folded_pages)
        copy_source = f"page-copy:{copy_form}"

    doc_type, doc_code = doc.doc_type, doc.code
    category: str | None = None
    rule = ""
    tags: list[str] = []

    # User rules first.
    if rules:
        keys = [r.key for r in refs]
        for user_rule in rules:
            if user_rule.matches(
                sender=sender,
                folded_subject=folded_subject,
                ref_keys=keys,
                agency_domains=agency_domains,
            ):
                tags.extend(t for t in user_rule.tags if t not in tags)
                if category is None and user_rule.category is not None:
                    category, rule = user_rule.category, f"user:{user_rule.name}"
                if user_rule.doc_type is not None and not doc.source.startswith("user:"):
                    doc_type = user_rule.doc_type
                    doc_code = DOC_TYPE_CODES.get(doc_type)
                    doc = _DocType(doc_type, doc_code, f"user:{user_rule.name}")
                    subject_decided_type = True

    if category is None and mark.secret:
        category, rule = "van_ban_mat", f"builtin:secret:{mark.level}"

    if category is None:
        rx = _rx()
        subject_doc = doc if subject_decided_type else _DocType()
        subject_copy = copy_form if copy_source.startswith(("ref", "subject")) else None
        decided = _categorise(
            folded_subject, rx.subject_rules, subject_doc, subject_copy, copy_source, "subject"
        )
        if decided is None and (body_text or pages):
            extra = fast_fold("\n".join([*pages, body_text]))
            later_doc = _DocType() if subject_decided_type else doc
            later_copy = None if subject_copy else copy_form
            decided = _categorise(extra, rx.body_rules, later_doc, later_copy, copy_source, "body")
        if decided is not None:
            category, rule = decided
        elif doc_type == "cong_van":
            category, rule = "cong_van", f"builtin:{doc.source}"
        else:
            category, rule = "khac", "builtin:fallback"

    return Filing(
        doc_type=doc_type,
        doc_type_code=doc_code,
        category=category,
        copy_form=copy_form,
        urgency=urgency,
        secret=mark.secret,
        secret_level=mark.level,
        declassified=mark.declassified,
        refs=refs,
        rule=rule,
        tags=tuple(tags),
        encoding=encoding,
        subject=stripped,
    )


def code_for_doc_type(doc_type: str) -> str | None:
    """Official code of a document type id (``quyet_dinh`` → ``QĐ``).

    Args:
        doc_type: A ``DOC_TYPES`` id.

    Returns:
        The code, or None for types without one.
    """
    return DOC_TYPE_CODES.get(doc_type)


def doc_type_for_code(code: str, *, party: bool = False) -> str | None:
    """Document type id of a type code as written (``QD`` → ``quyet_dinh``).

    Args:
        code: A code in any case, Đ or D.
        party: Read it as a Party code.

    Returns:
        The id, or None for copy codes and unknown codes.
    """
    official = lookup_code(code, party=party)
    if official is None:
        return None
    target = (PARTY_CODES if party else STATE_CODES)[official]
    return None if target.startswith("copy:") else target
