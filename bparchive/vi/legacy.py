"""Legacy Vietnamese encodings: decoding, detection and mojibake repair (spec §4, D6).

Called by ``bparchive.mail`` for every MIME text part (``decode_bytes``) and by
``bparchive.extract`` for text pulled out of PDF/DOCX/HTML attachments (``repair``, with
the font name as a hint when the extractor knows it). Runs before any Unicode clean-up
because TCVN3 stores ``ư`` as 0xAD, which every Western decoder shows as a soft hyphen.

Detection works per paragraph, then per line for paragraphs that mix Unicode and
mojibake: the 8-bit view of a segment is decoded with every legacy table and a
candidate replaces the text only when clearly more of its words become Vietnamese
syllables (§4.7 step 4).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from bparchive.vi.legacy_tables import (
    TCVN_C0,
    TCVN_HIGH,
    VISCII_C0,
    VISCII_HIGH,
    vni_decode_table,
    vni_encode_table,
)
from bparchive.vi.normalize import TOKEN_RE, normalize
from bparchive.vi.tone import is_valid_syllable

#: Values of the ``encoding`` returned by :func:`repair` and :func:`decode_bytes`.
ENCODINGS = ("unicode", "tcvn3", "vni", "viscii", "cp1258")

#: A candidate must beat the original text's syllable score by this much (§4.7).
SCORE_MARGIN = 0.15
#: ... and reach this absolute score (guards very short or non-Vietnamese segments).
MIN_SCORE = 0.5

_VN_ONLY = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
_HIGH = re.compile(
    "[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)
_C1 = re.compile("[\u0080-\u009f]")
_NOT_8BIT = re.compile(
    "[^\u0000-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)

# cp1252 shows 27 of the bytes 0x80–0x9F as other characters; the other five are
# undefined and kept as the Latin-1 control character so the mapping stays lossless.
_CP1252_HIGH = "".join(
    bytes([b]).decode("cp1252", errors="replace")
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    else chr(b)
    for b in range(0x80, 0xA0)
)
_CP1252_TO_BYTE = {i: i for i in range(256)} | {
    ord(c): 0x80 + i for i, c in enumerate(_CP1252_HIGH) if ord(c) != 0x80 + i
}


def _table(high: str, low: dict[int, str] | None = None) -> str:
    """256-character decoding table for ``codecs.charmap_decode`` (C speed)."""
    chars = [chr(i) for i in range(0x80)] + list(high)
    for byte, char in (low or {}).items():
        chars[byte] = char
    return "".join(chars)


def _cp1258_char(b: int) -> str:
    try:
        return bytes([b]).decode("cp1258")
    except UnicodeDecodeError:
        return chr(b)


_CP1252_TABLE = _table(_CP1252_HIGH + "".join(chr(i) for i in range(0xA0, 0x100)))
_TCVN_TABLE = _table(TCVN_HIGH, TCVN_C0)
_VISCII_TABLE = _table(VISCII_HIGH, VISCII_C0)
_CP1258_TABLE = _table("".join(_cp1258_char(b) for b in range(0x80, 0x100)))

_FONT_SUBSET = re.compile(r"^[A-Z]{6}\+")


@dataclass(frozen=True)
class RepairResult:
    """Outcome of :func:`repair_text`.

    Attributes:
        text: Clean NFC text (N1–N4 applied).
        encoding: The legacy encoding that was undone (the one that converted the most
            characters when several were found), or ``"unicode"``.
        segments: Number of paragraphs/lines examined.
        repaired: ``(encoding, characters)`` for every segment that was converted, in
            document order.
    """

    text: str
    encoding: str
    segments: int
    repaired: tuple[tuple[str, int], ...]


def mojibake_bytes(text: str) -> bytes | None:
    """Recover the bytes behind text that was decoded as Latin-1 or cp1252.

    Args:
        text: Decoded text.

    Returns:
        The bytes, or None when a character is neither Latin-1 nor a cp1252 glyph
        (then the text cannot be 8-bit mojibake).
    """
    if _NOT_8BIT.search(text):
        return None
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        pass
    try:
        return codecs.charmap_encode(text, "strict", _CP1252_TO_BYTE)[0]
    except UnicodeEncodeError:
        return None


def cp1252_view(data: bytes) -> str:
    """Decode bytes as cp1252, keeping its five undefined bytes as C1 controls (lossless)."""
    return codecs.charmap_decode(data, "strict", _CP1252_TABLE)[0]


def tcvn_decode(data: bytes) -> str:
    """Decode TCVN 5712 (VN1 ⊇ TCVN3/ABC) bytes to NFC text."""
    return unicodedata.normalize("NFC", codecs.charmap_decode(data, "strict", _TCVN_TABLE)[0])


def viscii_decode(data: bytes) -> str:
    """Decode VISCII 1.1 bytes to NFC text."""
    return unicodedata.normalize("NFC", codecs.charmap_decode(data, "strict", _VISCII_TABLE)[0])


def cp1258_decode(data: bytes) -> str:
    """Decode Windows-1258 bytes to NFC text (the codec alone returns combining marks)."""
    return unicodedata.normalize("NFC", codecs.charmap_decode(data, "strict", _CP1258_TABLE)[0])


@lru_cache(maxsize=1)
def _vni_regex() -> re.Pattern[str]:
    keys = sorted(vni_decode_table(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys)))


def vni_decode_text(text: str) -> str:
    """Convert VNI text in its cp1252 view (``Vieät``) to NFC Unicode (``Việt``)."""
    table = vni_decode_table()
    return unicodedata.normalize("NFC", _vni_regex().sub(lambda m: table[m.group()], text))


def vni_decode(data: bytes) -> str:
    """Decode VNI Windows bytes to NFC text."""
    return vni_decode_text(cp1252_view(data))


_DECODERS = {
    "tcvn3": tcvn_decode,
    "vni": vni_decode,
    "viscii": viscii_decode,
    "cp1258": cp1258_decode,
}


def encode_legacy(text: str, encoding: str) -> bytes:
    """Encode Unicode text in a legacy encoding (for test fixtures and round trips).

    TCVN3 uses the VN1 codes for upper-case toned letters; cp1258 writes tone marks
    as combining bytes, as Windows does.

    Args:
        text: Unicode text.
        encoding: One of ``tcvn3``, ``vni``, ``viscii``, ``cp1258``.

    Returns:
        The encoded bytes; characters the encoding lacks become ``?``.

    Raises:
        ValueError: Unknown encoding.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "vni":
        table = vni_encode_table()
        return "".join(table.get(c, c) for c in text).encode("cp1252", errors="replace")
    if encoding == "cp1258":
        out = bytearray()
        for c in text:
            try:
                out += c.encode("cp1258")
            except UnicodeEncodeError:
                out += _cp1258_split(c)
        return bytes(out)
    if encoding in ("tcvn3", "viscii"):
        forward = _TCVN_TABLE if encoding == "tcvn3" else _VISCII_TABLE
        reverse = {c: b for b, c in enumerate(forward) if b >= 0x80 or c != chr(b)}
        reverse = {c: b for c, b in reverse.items() if not unicodedata.combining(c)}
        out = bytearray()
        for c in text:
            if c in reverse:
                out.append(reverse[c])
            elif ord(c) < 0x80:
                out.append(ord(c))
            else:
                out += b"?"
        return bytes(out)
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def _cp1258_split(c: str) -> bytes:
    decomposed = unicodedata.normalize("NFD", c)
    tones = "".join(m for m in decomposed if m in "\u0300\u0301\u0303\u0309\u0323")
    base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in tones))
    return (base + tones).encode("cp1258", errors="replace")


# Long segments are judged on their first words.
_MAX_SCORED_WORDS = 3000
# Punctuation stripped from both ends of a word before scoring.
_WORD_EDGES = "\"'()[]{}<>.,;:!?“”‘’…-–—/\\*#|"


def _score(text: str) -> tuple[float, int]:
    words = []
    for word in unicodedata.normalize("NFC", text).split()[:_MAX_SCORED_WORDS]:
        word = word.strip(_WORD_EDGES)
        if len(word) > 1 and any(c.isalpha() for c in word):
            words.append(word)
    if not words:
        return 0.0, 0
    valid = [w for w in words if w.isalpha() and is_valid_syllable(w)]
    return len(valid) / len(words), sum(1 for w in valid if _VN_ONLY.search(w))


def syllable_score(text: str) -> float:
    """Fraction of words that are valid Vietnamese syllables (§4.7 step 4).

    Words are split on white space and stripped of surrounding punctuation, so a
    symbol inside a word (``b¸o``, ``Thi®u``) makes it invalid instead of splitting it
    into valid-looking pieces. Words of one character and words without letters are
    ignored: mojibake turns punctuation such as ``–`` (0x96) into a capital letter
    (TCVN ``Ọ``) that would otherwise count as a syllable.

    Args:
        text: Any text.

    Returns:
        A value in [0, 1]; 0 when there is no word to judge.
    """
    return _score(text)[0]


def _best_candidate(
    segment: str, data: bytes, encodings: tuple[str, ...]
) -> tuple[str, str] | None:
    best: tuple[str, str] | None = None
    best_score = max(syllable_score(segment) + SCORE_MARGIN, MIN_SCORE)
    for encoding in encodings:
        candidate = _DECODERS[encoding](data)
        if candidate == segment or not _VN_ONLY.search(candidate):
            continue
        score, vietnamese_words = _score(candidate)
        if vietnamese_words == 0:
            continue
        if score >= best_score and (best is None or score > best_score):
            best, best_score = (candidate, encoding), score
    return best


def _repair_segment(segment: str, encodings: tuple[str, ...]) -> tuple[str, str] | None:
    if not _HIGH.search(segment):
        return None
    data = mojibake_bytes(segment)
    if data is None:
        return None
    found = _best_candidate(segment, data, encodings)
    if found is None:
        return None
    text, encoding = found
    if encoding == "tcvn3":
        text = uppercase_vnh_runs(text)
    return text, encoding


def _paragraphs(text: str) -> list[list[str]]:
    """Group lines (with their endings) into paragraphs separated by blank lines."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.strip():
            current.append(line)
            continue
        if current:
            groups.append(current)
            current = []
        groups.append([line])
    if current:
        groups.append(current)
    return groups


_ALL_CANDIDATES = ("tcvn3", "vni", "viscii", "cp1258")


def _repair_segments(text: str, encodings: tuple[str, ...]) -> tuple[str, RepairResult]:
    out: list[str] = []
    repaired: list[tuple[str, int]] = []
    segments = 0
    for lines in _paragraphs(text):
        paragraph = "".join(lines)
        segments += 1
        fixed = _repair_segment(paragraph, encodings)
        if fixed is not None:
            out.append(fixed[0])
            repaired.append((fixed[1], len(paragraph)))
            continue
        if len(lines) == 1 or not _NOT_8BIT.search(paragraph):
            # An 8-bit paragraph was judged as a whole; only paragraphs that mix
            # Unicode with 8-bit lines are examined line by line.
            out.append(paragraph)
            continue
        for line in lines:
            segments += 1
            fixed = _repair_segment(line, encodings)
            if fixed is None:
                out.append(line)
            else:
                out.append(fixed[0])
                repaired.append((fixed[1], len(line)))
    joined = "".join(out)
    return joined, _result(joined, segments, repaired)


def _result(text: str, segments: int, repaired: list[tuple[str, int]]) -> RepairResult:
    totals: Counter[str] = Counter()
    for encoding, size in repaired:
        totals[encoding] += size
    encoding = totals.most_common(1)[0][0] if totals else "unicode"
    return RepairResult(normalize(text), encoding, segments, tuple(repaired))


def font_hint_encoding(font_hint: str | None) -> tuple[str, bool] | None:
    """Interpret a font name (§4.7 step 3).

    Args:
        font_hint: A PDF/DOCX/HTML font name such as ``.VnTimeH``, ``ABCDEF+.VnArial``
            or ``VNI-Times``.

    Returns:
        ``(encoding, upper)`` — ``("tcvn3", True)`` for a ``.Vn…H`` capitals font — or
        None when the font says nothing about the encoding.
    """
    if not font_hint:
        return None
    name = _FONT_SUBSET.sub("", font_hint.strip().strip("'\""))
    if name.startswith(".Vn") or name.lower().startswith(".vn"):
        family = re.split(r"[-,]", name, maxsplit=1)[0].strip()
        return "tcvn3", family.endswith("H")
    if name.upper().startswith("VNI-") or name.upper().startswith("VNI "):
        return "vni", False
    return None


def _is_upper_ascii(token: str) -> bool:
    letters = [c for c in token if c.isascii() and c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def uppercase_vnh_runs(text: str) -> str:
    """Rule L5: restore capitals typed with a ``.VnTimeH``-style font without a hint.

    ABC capital fonts draw lower-case codes as capitals, so after decoding a title reads
    ``CộNG HOà Xã HộI``. A token whose ASCII letters are all capitals and which holds
    lower-case Vietnamese letters is upper-cased when it has two or more ASCII
    capitals, or one and a neighbouring all-capitals token and no lower-case neighbour
    (so ``Xã hội`` stays as written).

    Args:
        text: Decoded NFC text.

    Returns:
        The text with such tokens upper-cased.
    """
    tokens = list(TOKEN_RE.finditer(text))
    if not tokens:
        return text
    kinds = []
    for m in tokens:
        tok = m.group()
        ascii_letters = sum(1 for c in tok if c.isascii() and c.isalpha())
        if _is_upper_ascii(tok):
            kinds.append("U2" if ascii_letters >= 2 else "U1")
        elif any(c.isascii() and c.islower() for c in tok):
            kinds.append("L")
        else:
            kinds.append("N")
    pieces: list[str] = []
    last = 0
    for i, m in enumerate(tokens):
        tok = m.group()
        if kinds[i] not in ("U1", "U2") or not any(c.islower() and not c.isascii() for c in tok):
            continue
        if kinds[i] == "U1":
            near = [kinds[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
            if "L" in near or not any(k in ("U1", "U2") for k in near):
                continue
        pieces.append(text[last : m.start()])
        pieces.append(tok.upper())
        last = m.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def repair_text(
    text: str, font_hint: str | None = None, *, encodings: tuple[str, ...] = _ALL_CANDIDATES
) -> RepairResult:
    """§4.7 steps 3–5 on already-decoded text, with a record of what was converted.

    Args:
        text: Text from an extractor or a wrongly labelled MIME part.
        font_hint: Font name of the run, if known (overrides detection).
        encodings: Candidate legacy encodings, in order of preference on ties.

    Returns:
        A :class:`RepairResult`; ``result.text`` is NFC and cleaned (N1–N4).
    """
    hint = font_hint_encoding(font_hint)
    if hint is not None:
        encoding, upper = hint
        data = mojibake_bytes(text)
        if data is not None and _HIGH.search(text):
            fixed = _DECODERS[encoding](data)
            if upper:
                fixed = fixed.upper()
            elif encoding == "tcvn3":
                fixed = uppercase_vnh_runs(fixed)
            return RepairResult(normalize(fixed), encoding, 1, ((encoding, len(text)),))
        if data is not None and upper:
            return RepairResult(normalize(text.upper()), "unicode", 1, ())
        return RepairResult(normalize(text), "unicode", 1, ())
    if not _HIGH.search(text):
        return RepairResult(normalize(text), "unicode", 1, ())
    return _repair_segments(text, encodings)[1]


def repair(text: str, font_hint: str | None = None) -> tuple[str, str]:
    """Undo legacy-encoding mojibake in decoded text and clean it (§4.7 steps 3–5).

    Args:
        text: Decoded text (PDF/DOCX/HTML extraction, mislabelled mail).
        font_hint: Font name of the run (``.VnTime``, ``.VnTimeH``, ``VNI-Times`` …).

    Returns:
        ``(clean NFC text, encoding)`` with encoding in ``unicode|tcvn3|vni|viscii|cp1258``.
    """
    result = repair_text(text, font_hint)
    return result.text, result.encoding


_ASCII_LABELS = frozenset(
    {
        "",
        "utf-8",
        "utf8",
        "us-ascii",
        "ascii",
        "iso-8859-1",
        "latin-1",
        "latin1",
        "windows-1252",
        "cp1252",
    }
)


def _label_encoding(label: str) -> str | None:
    if "1258" in label:
        return "cp1258"
    if "viscii" in label:
        return "viscii"
    if "tcvn" in label or "vn3" in label or "abc" in label:
        return "tcvn3"
    if "vni" in label:
        return "vni"
    return None


def decode_bytes(
    data: bytes, declared_charset: str | None = None, *, font_hint: str | None = None
) -> tuple[str, str]:
    """Decode the bytes of a text part or file, repairing legacy encodings (§4.7 1–5).

    Args:
        data: Raw bytes.
        declared_charset: MIME ``charset=`` or HTML ``<meta charset>``, if any.
        font_hint: Font name, if known (``.VnTime`` → TCVN3, ``VNI-…`` → VNI).

    Returns:
        ``(clean NFC text, encoding)`` with encoding in ``unicode|tcvn3|vni|viscii|cp1258``.
    """
    label = (declared_charset or "").strip().strip("'\"").lower()
    if font_hint is None and label in _ASCII_LABELS and data.isascii():
        return data.decode("ascii"), "unicode"
    legacy = _label_encoding(label)
    if legacy is not None:
        decoded = _DECODERS[legacy](data)
        if legacy == "tcvn3":
            decoded = uppercase_vnh_runs(decoded)
        return normalize(decoded), legacy
    text: str | None = None
    if label:
        try:
            text = data.decode(codecs.lookup(label).name)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if text is None and data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    if text is not None:
        return repair(text, font_hint)
    if b"\x00" in data:
        # NUL bytes: binary data or unlabelled UTF-16, never 8-bit Vietnamese text.
        return _C1.sub("\ufffd", normalize(cp1252_view(data))), "unicode"
    result = repair_text(cp1252_view(data), font_hint)
    return _C1.sub("\ufffd", result.text), result.encoding


def _utf8_lie(data: bytes, charset: str | None) -> bool:
    """A single-byte charset was declared but the bytes are valid, non-ASCII UTF-8."""
    if not charset or data.isascii():
        return False
    cs = charset.lower().replace("_", "-")
    if not cs.startswith(("iso-8859", "latin", "windows-125", "cp125", "us-ascii", "ascii")):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_part(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """``decode_bytes`` for a mail part or attachment: never raises, and believes bytes over labels.

    Valid multi-byte UTF-8 declared as a single-byte charset is read as UTF-8 (such
    byte sequences almost never occur by accident in Latin-1/Windows text); an
    unknown label falls back to detection.
    """
    if _utf8_lie(data, charset):
        charset = "utf-8"
    try:
        return decode_bytes(data, charset or None)
    except (LookupError, ValueError, UnicodeError):
        try:
            return decode_bytes(data, None)
        except (LookupError, ValueError, UnicodeError):
            return data.decode("utf-8", "replace"), "unicode"
