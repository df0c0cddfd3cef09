"""Subject clean-up, urgency and secret marks (filing.md §14, §16).

Called by ``classify`` for every message; the TUI and the export use the
resulting flags (red banner, exclusion of secret messages). All functions take
text already repaired by ``bparchive.vi.repair`` (NFC, Đ not Ð).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bparchive.filing._text import fast_fold
from bparchive.filing.tables import SECRET_LEVELS, URGENCY_LEVELS

# Reply/forward prefixes and bracket tags (§14), repeatable: "Fw: Re: [EXT] …".
_PREFIX = (
    r"^\s*(?:"
    r"(?:re|fw|fwd|tl|aw|sv|wg|tr|trả lời|tra loi|chuyển tiếp|chuyen tiep)"
    r"\s*(?:\[\d{1,4}\]|\(\d{1,4}\))?\s*[:：]"
    r"|\[[^\[\]\n]{0,60}\]"
    r")\s*"
)

# Urgency and secret words standing at the head of a subject ("KHẨN: V/v …",
# "HỎA TỐC - Công điện …", "(Mật) Kế hoạch …"), stripped before the lead type
# name is looked for. Upper case, or any case when a separator follows.
_HEAD_MARKS = (
    r"^\s*(?:"
    r"(?:THƯỢNG KHẨN|HỎA TỐC HẸN GIỜ|HOẢ TỐC HẸN GIỜ|HỎA TỐC|HOẢ TỐC|KHẨN|TUYỆT MẬT|TỐI MẬT|MẬT"
    r"|THUONG KHAN|HOA TOC)(?!\w)"
    r"|(?i:thượng khẩn|hỏa tốc hẹn giờ|hoả tốc hẹn giờ|hỏa tốc|hoả tốc|khẩn|khan"
    r"|tuyệt mật|tối mật|mật)\s*[:\-–—!]"
    r"|\((?i:thượng khẩn|hỏa tốc|hoả tốc|khẩn|tuyệt mật|tối mật|mật)\)"
    r")[\s:\-–—,.!]*"
)

# Urgency (§14): "hỏa tốc" and "thượng khẩn" mean nothing else, so any case;
# "khẩn" alone also starts "khẩn trương" (promptly), so only upper case, in
# brackets or at the head with a separator.
_URG_SUBJECT_FOLDED = r"(?<!\w)(?:hoa toc(?P<hen> hen gio)?|(?P<thuong>thuong khan))(?!\w)"
_URG_KHAN = (
    r"(?<!\w)KHẨN(?!\w)(?! TRƯƠNG)"
    r"|[\[(]\s*(?i:khẩn|khan)\s*[\])]"
    r"|^\s*(?i:khẩn|khan)\s*[:\-–—!]"
)
# On the first page only the stamps count: upper case words.
_URG_STAMP = (
    r"(?<!\w)(?:(?P<hoatoc>H(?:ỎA|OẢ) TỐC(?P<hen> HẸN GIỜ)?)|(?P<thuong>THƯỢNG KHẨN)"
    r"|(?P<khan>KHẨN))(?!\w)(?! TRƯƠNG)"
)

# Secret marks (§16). Upper-case standalone tokens, not inside BÍ MẬT, BẢO MẬT,
# MẬT KHẨU, MẬT MÃ … (words that merely contain "mật").
_SECRET_UPPER = (
    r"(?<!\w)(?<!BÍ )(?<!BẢO )(?<!GIẢI )(?<!THÂN )(?<!ĐỘ )(?<!CƠ YẾU )"
    r"(?P<level>TUYỆT MẬT|TỐI MẬT|MẬT)(?!\w)"
    r"(?! KHẨU)(?! MÃ)(?! ONG)(?! ĐỘ)(?! THIẾT)(?! VỤ)(?! TỊCH)"
)
_SECRET_LOOSE = (
    r"[\[(]\s*(?P<b>tuyệt mật|tối mật|mật)\s*[\])]"
    r"|^[ \t]*(?P<l>tuyệt mật|tối mật|mật)[ \t]*$"
    r"|độ mật\s*:\s*(?P<d>tuyệt mật|tối mật|mật)(?!\w)"
)
_DECLASSIFIED = r"(?<!\w)GIẢI MẬT(?!\w)|[\[(]\s*(?i:giải mật)\s*[\])]"

# Copy forms (§11 c1–c3) in words.
_COPY_WORDS = r"(?<!\w)(?:(?P<sy>sao y)|(?P<trs>trich sao)|(?P<sl>sao luc))(?!\w)"


@dataclass(frozen=True, slots=True)
class _Patterns:
    prefix: re.Pattern[str]
    head_marks: re.Pattern[str]
    urg_folded: re.Pattern[str]
    urg_khan: re.Pattern[str]
    urg_stamp: re.Pattern[str]
    secret_upper: re.Pattern[str]
    secret_loose: re.Pattern[str]
    declassified: re.Pattern[str]
    copy_words: re.Pattern[str]


@functools.cache
def _rx() -> _Patterns:
    return _Patterns(
        prefix=re.compile(_PREFIX, re.IGNORECASE),
        head_marks=re.compile(_HEAD_MARKS),
        urg_folded=re.compile(_URG_SUBJECT_FOLDED),
        urg_khan=re.compile(_URG_KHAN),
        urg_stamp=re.compile(_URG_STAMP),
        secret_upper=re.compile(_SECRET_UPPER),
        secret_loose=re.compile(_SECRET_LOOSE, re.IGNORECASE | re.MULTILINE),
        declassified=re.compile(_DECLASSIFIED),
        copy_words=re.compile(_COPY_WORDS),
    )


def strip_subject(subject: str) -> str:
    """Remove reply/forward prefixes and bracket tags from the head of a subject.

    ``Re:``, ``Fw:``, ``Fwd:``, ``TL:``, ``Trả lời:``, ``Chuyển tiếp:``,
    ``AW:``, ``SV:`` (any case, repeated, ``Re[2]:`` too) and tags such as
    ``[EXT]`` or ``[Khẩn]``. Urgency and secret marks inside the removed
    tags must be read from the original subject.

    Args:
        subject: A subject line.

    Returns:
        The subject without those prefixes, stripped of outer spaces.
    """
    prefix = _rx().prefix
    text = subject
    for _ in range(50):
        m = prefix.match(text)
        if m is None or m.end() == 0:
            break
        text = text[m.end() :]
    return text.strip()


def strip_head_marks(subject: str) -> str:
    """Remove urgency and secret words standing at the head of a subject.

    Args:
        subject: A subject already passed through ``strip_subject``.

    Returns:
        ``"V/v rà soát …"`` for ``"KHẨN: V/v rà soát …"``.
    """
    head = _rx().head_marks
    text = subject
    for _ in range(10):
        m = head.match(text)
        if m is None or m.end() == 0:
            break
        text = text[m.end() :]
    return text.strip()


def _highest(levels: set[str], order: tuple[str, ...]) -> str | None:
    return next((level for level in order if level in levels), None)


def urgency_of(subject: str, stamps: str = "", *, folded_subject: str | None = None) -> str | None:
    """Urgency (mức độ khẩn) written in a subject or stamped on a first page.

    Args:
        subject: The subject (repaired, prefixes kept: ``[Khẩn]`` counts).
        stamps: First-page text, where only upper-case stamps count.
        folded_subject: ``fast_fold(subject)`` when the caller has it.

    Returns:
        One of ``URGENCY_LEVELS`` (the highest found) or None.
    """
    rx = _rx()
    found: set[str] = set()
    folded = folded_subject if folded_subject is not None else fast_fold(subject)
    for m in rx.urg_folded.finditer(folded) if ("toc" in folded or "khan" in folded) else ():
        if m["thuong"]:
            found.add("THƯỢNG KHẨN")
        else:
            found.add("HỎA TỐC HẸN GIỜ" if m["hen"] else "HỎA TỐC")
    if rx.urg_khan.search(subject):
        found.add("KHẨN")
    if stamps and ("KHẨN" in stamps or "TỐC" in stamps):
        for m in rx.urg_stamp.finditer(stamps):
            if m["hoatoc"]:
                found.add("HỎA TỐC HẸN GIỜ" if m["hen"] else "HỎA TỐC")
            elif m["thuong"]:
                found.add("THƯỢNG KHẨN")
            else:
                found.add("KHẨN")
    return _highest(found, URGENCY_LEVELS)


@dataclass(frozen=True, slots=True)
class SecretMark:
    """What the secret-mark detector found.

    Attributes:
        secret: A secret mark (MẬT, TỐI MẬT, TUYỆT MẬT) is present.
        level: The highest level found, one of ``SECRET_LEVELS``, or None.
        declassified: A GIẢI MẬT mark is present (informational: a text that
            still shows its old MẬT stamp stays flagged).
    """

    secret: bool
    level: str | None
    declassified: bool


def secret_of(*texts: str) -> SecretMark:
    """Look for secret marks (§16) in some texts.

    Flags only; never decides on its own what happens to a message.

    Args:
        *texts: Subject, attachment names, first pages (repaired NFC text).

    Returns:
        A ``SecretMark``.
    """
    rx = _rx()
    found: set[str] = set()
    declassified = False
    for text in texts:
        # Cheap substring tests first: most texts have no "mật" at all.
        if not text or "mật" not in text.lower():
            continue
        if "MẬT" in text:
            for m in rx.secret_upper.finditer(text):
                found.add(m["level"])
            if "GIẢI MẬT" in text:
                declassified = True
        for m in rx.secret_loose.finditer(text):
            found.add((m["b"] or m["l"] or m["d"]).upper())
        if not declassified and rx.declassified.search(text):
            declassified = True
    level = _highest(found, SECRET_LEVELS)
    return SecretMark(secret=level is not None, level=level, declassified=declassified)


def copy_form_of(folded: str) -> str | None:
    """Copy form named in words (``sao y``, ``trích sao``, ``sao lục``).

    Args:
        folded: Folded text (``fast_fold``).

    Returns:
        ``SY``, ``TrS``, ``SL`` or None.
    """
    if "sao" not in folded:
        return None
    m = _rx().copy_words.search(folded)
    if m is None:
        return None
    if m["sy"]:
        return "SY"
    return "TrS" if m["trs"] else "SL"
