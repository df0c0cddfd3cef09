"""Unicode clean-up, diacritic folding and the syllable tokenizer (spec §1, §3, N5).

Called by ``bparchive.vi.legacy`` after legacy repair, by the index analyzers on every
text field and by the query parser on every query, so the functions here are written
for speed: pure-ASCII input takes a fast path and per-token work is cached.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

# N2: the Icelandic Eth look-alikes never occur in Vietnamese text.
_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})

# N4: format characters deleted (U+00AD soft hyphen, zero-width characters, BOM).
_FORMAT_DELETE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))

# N4: every character of category Zs becomes an ASCII space.
_ZS = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_ZS_TO_SPACE = dict.fromkeys(map(ord, _ZS), " ")

_CLEAN = {**_FORMAT_DELETE, 0xD0: "\u0110", 0xF0: "\u0111"}
_CLEAN_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u00d0\u00f0]")
_ZS_RE = re.compile(f"[{_ZS}]")

# N5: letters and digits, plus combining marks so NFD text does not split words.
# Underscore is a separator.
TOKEN_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")

_COMBINING_LEFT = re.compile(r"[\u0300-\u036f]")

# Some converters emit the tone mark before the vowel modifier (e + U+0301 + U+0302).
# Both marks have combining class 230, so NFC keeps that order and cannot compose the
# letter ("thé̂" instead of "thế"). Sequences after a vowel are reordered modifier-first.
_VOWEL_MARK_RUN = re.compile(r"[AaEeIiOoUuYy][\u0300-\u036f]{2,}")
_MODIFIERS = frozenset("\u0302\u0306\u031b")


def _reorder_marks(match: re.Match[str]) -> str:
    run = match.group()
    marks = sorted(run[1:], key=lambda m: 0 if m in _MODIFIERS else 1)
    return run[0] + "".join(marks)


def normalize(text: str, *, compat: bool = False) -> str:
    """Apply N1–N4 to text that is already correct Unicode (no legacy repair).

    Steps: Ð/ð → Đ/đ, format characters deleted, NFC (NFKC with ``compat``),
    combining marks in non-canonical Vietnamese order fixed, Zs → ASCII space.

    Args:
        text: Any string.
        compat: Use NFKC instead of NFC (allowed in the index path, rule N3).

    Returns:
        The cleaned NFC (or NFKC) text.
    """
    if text.isascii():
        return text
    form: Literal["NFC", "NFKC"] = "NFKC" if compat else "NFC"
    if _CLEAN_RE.search(text):
        text = text.translate(_CLEAN)
    text = unicodedata.normalize(form, text)
    if _COMBINING_LEFT.search(text):
        decomposed = unicodedata.normalize("NFD", text)
        fixed = _VOWEL_MARK_RUN.sub(_reorder_marks, decomposed)
        if fixed != decomposed:
            text = unicodedata.normalize(form, fixed)
    if _ZS_RE.search(text):
        text = text.translate(_ZS_TO_SPACE)
    return text


def nfc(text: str) -> str:
    """Return ``text`` in NFC with Ð/ð mapped to Đ/đ (N1 + N2 only)."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text.translate(_ETH))


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_ETH))
    out = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", out.replace("\u0111", "d").replace("\u0110", "D"))


def fold(text: str) -> str:
    """F1: drop all combining marks, đ → d, lower-case.

    Args:
        text: Any string.

    Returns:
        The folded string, e.g. ``"Ủy ban; ĐẢNG"`` → ``"uy ban; dang"``.
    """
    if text.isascii():
        return text.lower()
    if len(text) <= 32:
        return _fold_cached(text)
    return _strip_marks(text).lower()


@lru_cache(maxsize=65536)
def _fold_cached(text: str) -> str:
    return _strip_marks(text).lower()


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Split text into syllable tokens with the N5 regex.

    The caller passes NFC text (``normalize`` output); offsets refer to that string
    so that highlighting can slice it.

    Args:
        text: Normalised text.

    Returns:
        ``(token, startchar, endchar)`` for every run of letters/digits.
    """
    return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
