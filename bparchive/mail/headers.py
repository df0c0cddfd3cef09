"""Header decoding for :mod:`bparchive.mail`: encoded words, addresses, dates, message ids.

Called by :func:`bparchive.mail.parser.parse_message` on the raw header values kept
by the stdlib parser (``compat32`` keeps 8-bit bytes as surrogate escapes, so we can
hand the real bytes to :func:`bparchive.vi.decode_bytes`). Everything here is
tolerant: malformed input gives a best-effort string, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import getaddresses, parsedate_tz

from bparchive import vi
from bparchive.mail.model import Address

# Lenient encoded word: charset may carry an RFC 2231 language (*en); the text may
# contain spaces (a common breakage) but not "?=".
_EW = re.compile(r"=\?([^?\s\"]{1,64})\?([bBqQ])\?(.*?)\?=", re.DOTALL)
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WS = re.compile(r"[ \t\r\n]+")


def to_bytes(value: str) -> bytes:
    """Turn a compat32 header string (8-bit bytes as surrogate escapes) back into bytes."""
    return value.encode("utf-8", "surrogateescape")


def _decode_raw(segment: str) -> str:
    """Decode a non-encoded-word segment; 8-bit bytes go through ``vi.decode_bytes``."""
    if segment.isascii():
        return segment
    data = to_bytes(segment)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Raw UTF-8 cut in the middle of a sequence (seen in real file names): keep it
    # as UTF-8 when nearly all of it is valid rather than re-reading it as a legacy code.
    lenient = data.decode("utf-8", "replace")
    high = sum(1 for b in data if b >= 0x80)
    if lenient.count("\ufffd") * 8 <= high and high >= 4:
        return lenient.replace("\ufffd", "")
    return safe_decode_bytes(data, None)[0]


def safe_decode_bytes(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """``vi.decode_part``: never raises; valid UTF-8 under a single-byte label is UTF-8."""
    return vi.decode_part(data, charset)


def _ew_bytes(enc: str, text: str) -> bytes:
    if enc in "bB":
        clean = re.sub(r"[^A-Za-z0-9+/]", "", text)
        if len(clean) % 4 == 1:
            clean = clean[:-1]
        clean += "=" * (-len(clean) % 4)
        try:
            return base64.b64decode(clean)
        except (binascii.Error, ValueError):
            return b""
    raw = to_bytes(text).replace(b"_", b" ")
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


def _clean_charset(charset: str) -> str:
    charset = charset.split("*", 1)[0].strip().strip("\"'").lower()
    if charset in {"none", "unknown", "x-unknown", "unknown-8bit", "x-user-defined", ""}:
        return ""
    return charset


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words (malformed ones too) and raw 8-bit text in a header.

    Adjacent encoded words in the same charset are decoded together, so a multibyte
    character split across two words survives; whitespace between encoded words is
    dropped as RFC 2047 §6.2 says.

    Args:
        value: unfolded or folded header value as kept by the stdlib parser.

    Returns:
        Decoded text, NFC-normalised and with control characters removed.
    """
    value = _FOLD.sub("", value)
    out: list[str] = []
    pending: list[bytes] = []
    pending_cs: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal pending, pending_cs
        if pending:
            data = b"".join(pending)
            text, _enc = safe_decode_bytes(data, pending_cs)
            out.append(text)
        pending = []
        pending_cs = None

    for match in _EW.finditer(value):
        gap = value[pos : match.start()]
        if gap and not (pending and gap.strip(" \t\r\n") == ""):
            flush()
            out.append(_decode_raw(gap))
        charset = _clean_charset(match.group(1))
        data = _ew_bytes(match.group(2), match.group(3))
        if pending and charset != pending_cs:
            flush()
        pending.append(data)
        pending_cs = charset
        pos = match.end()
    flush()
    out.append(_decode_raw(value[pos:]))
    text = "".join(out)
    text = _CTRL.sub("", text).replace("\r", " ").replace("\n", " ")
    try:
        return vi.normalize(text)
    except (ValueError, TypeError):
        return text


def decode_header(value: str, max_chars: int = 16 * 1024) -> str:
    """Decode a header value for display: encoded words, 8-bit, whitespace collapsed.

    Args:
        value: header value as kept by the stdlib parser.
        max_chars: longer results are cut (hostile messages).

    Returns:
        Decoded single-line text.
    """
    text = _WS.sub(" ", decode_words(value[: max_chars * 8])).strip()
    return text[:max_chars]


def _unmask(text: str, words: list[str], max_chars: int) -> str:
    restored = re.sub(r"EWPH(\d+)X", lambda m: words[int(m.group(1))], text)
    return decode_header(restored, max_chars)


def parse_addresses(values: list[str], max_chars: int = 16 * 1024) -> tuple[Address, ...]:
    """Parse address headers into :class:`Address` records with decoded display names.

    Encoded words are swapped for placeholders before ``getaddresses`` so a comma or
    quote inside an encoded display name cannot split the list.

    Args:
        values: the raw values of every header of one kind (e.g. all ``To`` lines).
        max_chars: cap on the length of each raw value considered.

    Returns:
        Addresses in order; unparseable entries keep their text as name with empty email.
    """
    result: list[Address] = []
    for raw in values:
        raw = _FOLD.sub("", raw[: max_chars * 8]).replace("\r", " ").replace("\n", " ")
        words = [m.group(0) for m in _EW.finditer(raw)]
        pieces = _EW.split(raw)
        # _EW has 3 groups, so split() yields text, g1, g2, g3, text…: keep the text.
        texts = pieces[::4]
        masked = "".join(
            text + (f"EWPH{i}X" if i < len(words) else "") for i, text in enumerate(texts)
        )
        # Adjacent placeholders separated by whitespace were one phrase: join them.
        masked = re.sub(r"(EWPH\d+X)\s+(?=EWPH\d+X)", r"\1", masked)

        pairs: list[tuple[str, str]] = []
        try:
            pairs = getaddresses([masked])
        except (ValueError, IndexError, TypeError):
            pairs = []
        good = [(n, e) for n, e in pairs if n or e]
        if good and "@" not in masked and not any("@" in e for _, e in good):
            good = [(masked.strip(), "")]
        if not good and masked.strip():
            found = re.findall(r"[^\s<>,;:\"']+@[^\s<>,;:\"']+", masked)
            good = [("", e) for e in found] if found else [(masked.strip(), "")]
        for name, email in good:
            email = decode_header(email, max_chars)
            name = _unmask(name, words, max_chars).strip().strip("\"'").strip()
            if name == email:
                name = ""
            result.append(Address(name=name, email=email))
    return tuple(result)


_COMMENT = re.compile(r"\([^()]*\)")
_TZ_NAMES = {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "ICT": 7, "CET": 1, "CEST": 2, "JST": 9, "KST": 9, "BST": 1, "IST": 5.5,
}  # fmt: skip
_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*"
    r"(Z|[+-]\d{2}:?\d{2})?"
)


def _tz(offset_seconds: int | None) -> timezone:
    if offset_seconds is None:
        return UTC
    return timezone(timedelta(seconds=offset_seconds))


def parse_date(value: str) -> datetime | None:
    """Parse a Date header in any shape seen in the corpora into an aware datetime.

    Handles RFC 5322 dates, obsolete zones and comments ``(EDT)``, missing zones (taken
    as UTC), 12-hour clocks, two-digit years, ISO 8601 and asctime-like values.

    Args:
        value: the raw header value.

    Returns:
        An aware datetime, or None when nothing date-like was found (the caller then
        falls back to the server's INTERNALDATE).
    """
    text = _WS.sub(" ", decode_words(value[:512])).strip()
    if not text:
        return None
    iso = _ISO.search(text)
    if iso:
        y, mo, d, h, mi, s, zone = iso.groups()
        offset = 0
        if zone and zone != "Z":
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
        try:
            return datetime(
                int(y), int(mo), int(d), int(h), int(mi), int(s or 0), tzinfo=_tz(offset)
            )
        except ValueError:
            pass
    cleaned = _COMMENT.sub(" ", text)
    pm = re.search(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])\b", cleaned)
    if pm:
        hour = int(pm.group(1)) % 12 + (12 if pm.group(4).lower() == "pm" else 0)
        clock = f"{hour:02d}:{pm.group(2)}:{pm.group(3) or '00'}"
        cleaned = cleaned[: pm.start()] + clock + cleaned[pm.end() :]
    zone_name = re.search(r"\b([A-Z]{1,4})\s*$", cleaned)
    extra_offset: int | None = None
    if zone_name and zone_name.group(1) in _TZ_NAMES:
        extra_offset = int(_TZ_NAMES[zone_name.group(1)] * 3600)
    cleaned = _WS.sub(" ", cleaned).strip()
    parsed = None
    try:
        parsed = parsedate_tz(cleaned)
    except (ValueError, IndexError, TypeError, OverflowError):
        parsed = None
    if parsed is None:
        # asctime-like without year ("Thu Jan 01 00:00:10 +0000") or with year last.
        m = re.search(
            r"([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+([+-]\d{4}))?(?:\s+(\d{4}))?",
            cleaned,
        )
        if not m:
            return None
        try:
            month = datetime.strptime(m.group(1).title(), "%b").month
        except ValueError:
            return None
        year = int(m.group(7)) if m.group(7) else 1970
        offset = 0
        if m.group(6):
            sign = -1 if m.group(6)[0] == "-" else 1
            offset = sign * (int(m.group(6)[1:3]) * 3600 + int(m.group(6)[3:5]) * 60)
        try:
            return datetime(
                year, month, int(m.group(2)), int(m.group(3)), int(m.group(4)),
                int(m.group(5) or 0), tzinfo=_tz(offset),
            )  # fmt: skip
        except ValueError:
            return None
    year, month, day, hour, minute, second = parsed[:6]
    offset = parsed[9]
    if offset is None:
        offset = extra_offset
    if year < 100:
        year += 2000 if year < 50 else 1900
    if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second <= 60):
        return None
    try:
        base = datetime(year, month, day, tzinfo=_tz(offset))
        return base + timedelta(hours=hour, minutes=minute, seconds=second)
    except (ValueError, OverflowError):
        return None


_ID = re.compile(r"<([^<>\s]{1,998})>")


def parse_ids(value: str) -> tuple[str, ...]:
    """Extract message ids (without angle brackets) from Message-ID/References values.

    Bare ids without brackets are accepted when the header holds nothing else.

    Args:
        value: raw header value.

    Returns:
        Ids in the order found, duplicates removed.
    """
    value = _FOLD.sub("", value[:1_000_000])
    ids = _ID.findall(value)
    if not ids:
        ids = [tok for tok in re.split(r"[\s,]+", value) if "@" in tok]
        ids = [tok.strip("<>") for tok in ids]
    seen: dict[str, None] = {}
    for item in ids:
        item = _decode_raw(item)
        if item:
            seen.setdefault(item, None)
    return tuple(seen)
