"""Reference numbers ("Số, ký hiệu") of Vietnamese official documents (filing.md §12–§13).

Called by ``classify`` for every message, by the index to fill the ``refno``
field (``so:`` queries) and by the search engine through
``normalise_ref_query``, so that ``48/2009/QD-UBND`` typed by a user finds
``Số: 48/2009/QĐ-UBND`` in a document.

Two shapes are recognised:

* State documents: ``<n>[/<yyyy>]/<TYPE>-<ISSUER>[-<UNIT>…]`` and Công văn
  ``<n>/<ISSUER>-<UNIT>`` (§13.1); spaces around ``-`` and the Eth ``Ð`` of
  real mail are tolerated, and ``QD`` is read as ``QĐ``.
* Party documents: ``<n>-<TYPE>/<ISSUER>`` (``57-NQ/TW``, ``08-QĐi/TW``).

Dates (``15/7/2024``) never match: a letter must follow the last ``/``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bparchive import vi
from bparchive.filing._text import fast_fold
from bparchive.filing.tables import (
    COPY_FORMS,
    DOC_TYPES,
    JOINT_CODES,
    PARTY_CODES,
    STATE_CODES,
)

# Letters that occur in codes (ƯDCNTT, QĐ, …), spec §13.2.
_L = "A-Za-zĐđƯưÂâĂăÊêÔôƠơ"

# Differences from the §13.2 patterns, all of them narrowing: every symbol
# group must end at a word boundary (so "5/BC - Phòng" does not read "BC-Ph"),
# only spaces or tabs may surround a hyphen, and the first group needs an
# upper-case letter (so "20.000/kg" or "100/người" are not references).
_STATE = (
    rf"(?<![\w/])(?P<num>\d{{1,6}})(?:/(?P<year>(?:19|20)\d{{2}}))?/"
    rf"(?P<sym>[{_L}&][{_L}0-9&]*(?!\w)(?:[ \t]?-[ \t]?[{_L}0-9&]+(?!\w))*)"
)
_PARTY = (
    rf"(?<![\w/-])(?P<num>\d{{1,6}})-(?P<type>[{_L}]+)/"
    rf"(?P<body>[{_L}][{_L}0-9&]*(?!\w)(?:-[{_L}0-9&]+(?!\w))*)"
)
# Attachment names cannot hold "/": "15_QĐ-UBND.pdf", "48.2009.QD-UBND.doc".
_FILENAME = (
    rf"(?<![\w/])(?P<num>\d{{1,6}})[._ ](?:(?P<year>(?:19|20)\d{{2}})[._ ])?"
    rf"(?P<sym>[{_L}][{_L}0-9&]*-[{_L}0-9&]+(?:-[{_L}0-9&]+)*)(?![{_L}0-9&])"
)
_QUERY_STATE = r"(\d{1,6})(?:/((?:19|20)\d{2}))?/([A-Z&][A-Z0-9&]*(?:-[A-Z0-9&]+)*)"
_QUERY_PARTY = r"(\d{1,6})-([A-Z]+)/([A-Z][A-Z0-9&]*(?:-[A-Z0-9&]+)*)"


@dataclass(frozen=True, slots=True)
class Ref:
    """One reference number found in a text.

    Attributes:
        num: The number, leading zeros dropped (``05`` → 5).
        year: The year written in the number (VBQPPL), or None.
        type_code: Official type code (``QĐ``, ``TTr``, ``QĐi``), or None for
            a Công văn or an issuer-only number (laws: ``29/2018/QH14``).
        type_name: Vietnamese name of the type (``Quyết định``, ``Công văn``),
            or None when unknown.
        issuer: Issuing body (``UBND``; co-issuers joined with ``-``), or None.
        unit: Drafting unit or field (``ƯDCNTT``), or None.
        key: Normalised key: folded, upper case, no leading zeros, no spaces
            (``48/2009/QD-UBND``, party ``8-QDI/TW``).
        display: Typographically clean form (``48/2009/QĐ-UBND``).
        party: True for a Party document number (``57-NQ/TW``).
    """

    num: int
    year: int | None
    type_code: str | None
    type_name: str | None
    issuer: str | None
    unit: str | None
    key: str
    display: str
    party: bool = False

    @property
    def doc_type(self) -> str | None:
        """The document type id of this reference (None for copies and laws)."""
        if self.type_code is None:
            return "cong_van" if self.type_name == "Công văn" else None
        table = PARTY_CODES if self.party else STATE_CODES
        target = table.get(self.type_code)
        if target is None or target.startswith("copy:"):
            return None
        return target

    @property
    def copy_form(self) -> str | None:
        """The copy form (``SY``, ``TrS``, ``SL``) this number stands for, or None."""
        if self.party or self.type_code is None:
            return None
        target = STATE_CODES.get(self.type_code, "")
        return target[5:] if target.startswith("copy:") else None


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    return (
        re.compile(_STATE),
        re.compile(_PARTY),
        re.compile(_FILENAME),
        re.compile(_QUERY_STATE),
        re.compile(_QUERY_PARTY),
        re.compile(r"[ \t]+"),
    )


def _loose_key(code: str) -> str:
    return code.replace("Đ", "D").replace("đ", "D").upper()


@functools.cache
def _code_index(party: bool) -> dict[str, str]:
    """Map of loose spelling (upper case, Đ→D) → official code.

    Where two codes collide (HD Hướng dẫn / HĐ Hợp đồng), the code without Đ
    wins: a writer who drops the Đ of HĐ is rarer than one who types HD.
    """
    table = PARTY_CODES if party else STATE_CODES
    index: dict[str, str] = {}
    for code in table:
        loose = _loose_key(code)
        if loose not in index or code.upper() == loose:
            index[loose] = code
    return index


def lookup_code(code: str, *, party: bool = False) -> str | None:
    """Official spelling of a type code, exact case first, then loosely.

    Args:
        code: A code as written (``QĐ``, ``QD``, ``Qđ``, ``TTR``).
        party: Look in the Party table instead of the State one.

    Returns:
        The official code (``QĐ``) or None when it is not a type code.
    """
    table = PARTY_CODES if party else STATE_CODES
    if code in table:
        return code
    return _code_index(party).get(_loose_key(code))


def _type_name(code: str | None, party: bool) -> str | None:
    if code is None:
        return None
    target = (PARTY_CODES if party else STATE_CODES)[code]
    if target.startswith("copy:"):
        return COPY_FORMS[target[5:]][0]
    return DOC_TYPES[target][0]


def _key(text: str) -> str:
    return fast_fold(text).upper()


def _state_ref(num_s: str, year_s: str | None, sym: str) -> Ref | None:
    groups = [g.strip(" \t") for g in sym.split("-")]
    first = groups[0]
    if not any(c.isupper() for c in first):
        return None
    code = first if first in STATE_CODES else lookup_code(first)
    type_code: str | None
    type_name: str | None
    issuer: str | None
    unit: str | None = None
    if code is not None and (len(groups) >= 2 or first == code):
        type_code, type_name = code, _type_name(code, False)
        groups[0] = code
        if len(groups) == 1:
            issuer = None
        elif code in JOINT_CODES:
            issuer = "-".join(groups[1:])
        else:
            issuer = groups[1]
            unit = "-".join(groups[2:]) or None
    elif len(groups) >= 2:
        type_code, type_name = None, "Công văn"
        issuer, unit = groups[0], "-".join(groups[1:])
    else:
        type_code, type_name, issuer = None, None, groups[0]
    clean = "-".join(groups)
    year = int(year_s) if year_s else None
    mid = f"{year_s}/" if year_s else ""
    num = int(num_s)
    return Ref(
        num=num,
        year=year,
        type_code=type_code,
        type_name=type_name,
        issuer=issuer,
        unit=unit,
        key=_key(f"{num}/{mid}{clean}"),
        display=f"{num_s}/{mid}{clean}",
        party=False,
    )


def _party_ref(num_s: str, type_s: str, body: str) -> Ref | None:
    code = lookup_code(type_s, party=True)
    if code is None:
        return None
    num = int(num_s)
    groups = body.split("-")
    return Ref(
        num=num,
        year=None,
        type_code=code,
        type_name=_type_name(code, True),
        issuer=groups[0],
        unit="-".join(groups[1:]) or None,
        key=_key(f"{num}-{code}/{body}"),
        display=f"{num_s}-{code}/{body}",
        party=True,
    )


def parse_refs_normalized(text: str) -> list[Ref]:
    """``parse_refs`` on text already repaired and normalised (NFC, Đ not Ð).

    Args:
        text: Clean NFC text.

    Returns:
        The references in order of appearance, without duplicate keys.
    """
    if "/" not in text:
        return []
    state_rx, party_rx = _patterns()[:2]
    found: list[tuple[int, Ref]] = []
    party_spans: list[tuple[int, int]] = []
    # The same number is often written many times: parse each spelling once.
    seen_raw: set[str] = set()
    if "-" in text:
        for m in party_rx.finditer(text):
            party_spans.append(m.span())
            raw = m.group(0)
            if raw in seen_raw:
                continue
            seen_raw.add(raw)
            ref = _party_ref(m["num"], m["type"], m["body"])
            if ref is not None:
                found.append((m.start(), ref))
    for m in state_rx.finditer(text):
        start = m.start()
        if party_spans and any(s <= start < e for s, e in party_spans):
            continue
        raw = m.group(0)
        if raw in seen_raw:
            continue
        seen_raw.add(raw)
        ref = _state_ref(m["num"], m["year"], m["sym"])
        if ref is not None:
            found.append((start, ref))
    found.sort(key=lambda item: item[0])
    seen: set[str] = set()
    out: list[Ref] = []
    for _, ref in found:
        if ref.key not in seen:
            seen.add(ref.key)
            out.append(ref)
    return out


def parse_refs(text: str) -> list[Ref]:
    """Every reference number in a text (filing.md §13).

    The text is normalised first (NFC, ``Ð``→``Đ``); legacy mojibake must
    have been repaired by the caller (``classify`` does it).

    Args:
        text: Any text: a subject, a body, the first page of an attachment.

    Returns:
        The references in order of appearance, each key once.

    Examples:
        >>> [r.key for r in parse_refs("Số: 48/2009/QĐ-UBND ngày 15/7/2024")]
        ['48/2009/QD-UBND']
    """
    if not text or "/" not in text:
        return []
    return parse_refs_normalized(vi.normalize(text))


def parse_filename_refs(name: str) -> list[Ref]:
    """References in an attachment file name, where ``/`` cannot appear.

    Accepts ``15_QĐ-UBND.pdf``, ``48.2009.QD-UBND.doc``, ``45 KH-UBND.docx``
    besides everything ``parse_refs`` reads.

    Args:
        name: A file name.

    Returns:
        The references in order of appearance, each key once.
    """
    if not name:
        return []
    text = vi.normalize(name)
    filename_rx = _patterns()[2]

    def to_slashes(m: re.Match[str]) -> str:
        year = f"{m['year']}/" if m["year"] else ""
        return f"{m['num']}/{year}{m['sym']}"

    return parse_refs_normalized(filename_rx.sub(to_slashes, text))


def normalise_ref_query(s: str) -> str | None:
    """Turn a reference number typed by a user into the key ``parse_refs`` stores.

    Case, accents, Đ/D/Ð, leading zeros, a leading ``Số:`` and spaces around
    ``/`` and ``-`` do not matter.

    Args:
        s: What the user typed (``48/2009/qđ-ubnd``, ``05/CD-UBND``, ``08-QĐi/TW``).

    Returns:
        The key (``48/2009/QD-UBND``), or None when ``s`` is not a whole
        reference number.
    """
    if not s or len(s) > 200:
        return None
    text = fast_fold(vi.normalize(s)).upper().strip()
    text = re.sub(r"^(?:SO\s*:?\s*)", "", text)
    text = re.sub(r"\s*([/-])\s*", r"\1", text)
    _, _, _, query_state, query_party, _ = _patterns()
    m = query_party.fullmatch(text)
    if m:
        code = lookup_code(m[2], party=True)
        if code is None:
            return None
        return f"{int(m[1])}-{m[2]}/{m[3]}"
    m = query_state.fullmatch(text)
    if m:
        year = f"{m[2]}/" if m[2] else ""
        return f"{int(m[1])}/{year}{m[3]}"
    return None
