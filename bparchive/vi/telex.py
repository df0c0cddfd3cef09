"""Telex and VNI typed queries (spec §8, D7).

Called by the query parser for every query token, so that a user at a terminal
without a Vietnamese IME can type ``thuw ddieenj tuwr`` and search for ``thư điện tử``.
A conversion is kept only when it yields a valid syllable; when the literal token is
itself a valid syllable (``xoong``, ``bao``) it stays the primary reading and the
conversion becomes an alternative (§8.3).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bparchive.vi.tone import canon_syllable, is_valid_syllable

MODES = ("off", "auto", "on")

_TELEX_TOKEN = re.compile(r"^[A-Za-z\[\]]+$")
_VNI_TOKEN = re.compile(r"^(?=.*[A-Za-z])(?=.*[0-9])[A-Za-z0-9]+$")
_MAX_LEN = 14

_TELEX_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_VOWELS = frozenset("aăâeêioôơuưy")
_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"a": "ă", "o": "ơ", "u": "ư"}


@dataclass(frozen=True)
class QueryToken:
    """How one query token is read.

    Attributes:
        literal: The token as typed.
        primary: The reading that ranks first (§8.3).
        alternatives: Other readings (the conversion or the literal), possibly empty.
    """

    literal: str
    primary: str
    alternatives: tuple[str, ...] = ()

    @property
    def readings(self) -> tuple[str, ...]:
        """Primary reading followed by the alternatives."""
        return (self.primary, *self.alternatives)

    @property
    def converted(self) -> bool:
        """True when the primary reading is a Telex/VNI conversion."""
        return self.primary != self.literal


@dataclass(frozen=True)
class QueryConversion:
    """Result of :func:`convert_query_tokens`.

    Attributes:
        tokens: One :class:`QueryToken` per input token, in order.
        display: The primary readings joined by spaces, for "Đã hiểu là: …".
    """

    tokens: tuple[QueryToken, ...]
    display: str

    @property
    def changed(self) -> bool:
        """True when any token is read differently from how it was typed."""
        return any(t.converted for t in self.tokens)


def _nucleus(chars: list[str]) -> list[int]:
    """Indices of the vowel nucleus; the u of ``qu`` and the i of ``gi`` belong to the initial."""
    n = len(chars)
    i = 0
    while i < n and chars[i] not in _VOWELS:
        i += 1
    if i >= n:
        return []
    if i > 0 and (
        (chars[i] == "u" and chars[i - 1] == "q")
        or (chars[i] == "i" and chars[i - 1] == "g" and i + 1 < n and chars[i + 1] in _VOWELS)
    ):
        i += 1
    out = []
    while i < n and chars[i] in _VOWELS:
        out.append(i)
        i += 1
    return out


def _circumflex(chars: list[str], vowel: str) -> bool:
    """Put a circumflex on the last ``vowel`` of the nucleus; False if there is none."""
    for j in reversed(_nucleus(chars)):
        if chars[j] == vowel:
            chars[j] = _CIRCUMFLEX[vowel]
            return True
    return False


def _horn(chars: list[str], vowels: str = "aou") -> bool:
    """Apply the Telex ``w`` / VNI 7 / VNI 8 modifier to the nucleus; False if impossible."""
    nuc = _nucleus(chars)
    seq = "".join(chars[j] for j in nuc)
    for pair in ("uo", "ưo", "uơ"):
        pos = seq.find(pair)
        if pos >= 0 and "o" in vowels:
            chars[nuc[pos]] = "ư"
            chars[nuc[pos + 1]] = "ơ"
            return True
    if "u" in vowels and seq.startswith("ua") and (nuc[0] == 0 or chars[nuc[0] - 1] != "q"):
        chars[nuc[0]] = "ư"
        return True
    if "a" in vowels and "oa" in seq:
        chars[nuc[seq.index("oa") + 1]] = "ă"
        return True
    if "u" in vowels and seq.startswith("uu"):
        chars[nuc[0]] = "ư"
        return True
    for j in reversed(nuc):
        if chars[j] in vowels:
            chars[j] = _HORN[chars[j]]
            return True
    return False


def _place_tone(chars: list[str], tone: str) -> str:
    base = "".join(chars)
    if not tone:
        return base
    first = next((i for i, c in enumerate(base) if c in _VOWELS), None)
    if first is None:
        return base
    rough = unicodedata.normalize("NFC", base[: first + 1] + tone + base[first + 1 :])
    return canon_syllable(rough)


def _telex(s: str) -> str | None:
    chars: list[str] = []
    tone = ""
    tone_key = ""
    for ch in s:
        has_vowel = any(c in _VOWELS for c in chars)
        if (ch in _TELEX_TONES or ch == "z") and has_vowel:
            if ch == "z":
                tone, tone_key = "", ""
            elif ch == tone_key:
                tone, tone_key = "", ""
                chars.append(ch)
            else:
                tone, tone_key = _TELEX_TONES[ch], ch
        elif ch == "d" and chars == ["d"]:
            chars[0] = "đ"
        elif ch in _CIRCUMFLEX:
            if not _circumflex(chars, ch):
                chars.append(ch)
        elif ch == "w":
            if not _horn(chars):
                chars.append("ư")
        elif ch == "[":
            chars.append("ơ")
        elif ch == "]":
            chars.append("ư")
        else:
            chars.append(ch)
    return _place_tone(chars, tone)


def _vni(s: str) -> str | None:
    chars: list[str] = []
    tone = ""
    for ch in s:
        if ch in _VNI_TONES:
            if not any(c in _VOWELS for c in chars):
                return None
            tone = _VNI_TONES[ch]
        elif ch == "0":
            tone = ""
        elif ch == "6":
            target = next((j for j in reversed(_nucleus(chars)) if chars[j] in _CIRCUMFLEX), None)
            if target is None:
                return None
            chars[target] = _CIRCUMFLEX[chars[target]]
        elif ch == "7":
            if not _horn(chars, "ou"):
                return None
        elif ch == "8":
            if not _horn(chars, "a"):
                return None
        elif ch == "9":
            if "d" not in chars:
                return None
            chars[chars.index("d")] = "đ"
        else:
            chars.append(ch)
    return _place_tone(chars, tone)


def telex_convert(token: str) -> str | None:
    """Convert one Telex or VNI typed syllable (§8.1–8.3).

    Args:
        token: One query token as typed (``baos``, ``dduowcj``, ``Vie65t``).

    Returns:
        The lower-case converted syllable (``báo``, ``được``, ``việt``), or None when
        the token is not a Telex/VNI candidate, nothing changes, or the result is not a
        valid Vietnamese syllable (``email``, ``class``, ``2024``).
    """
    if len(token) > _MAX_LEN:
        return None
    return _convert_cached(token)


@lru_cache(maxsize=65536)
def _convert_cached(token: str) -> str | None:
    low = token.lower()
    if _TELEX_TOKEN.match(token):
        result = _telex(low)
    elif _VNI_TOKEN.match(token):
        result = _vni(low)
    else:
        return None
    if result is None or result == low or not is_valid_syllable(result):
        return None
    return result


def convert_query_tokens(tokens: Iterable[str], mode: str = "auto") -> QueryConversion:
    """Read every query token as typed or as Telex/VNI (§8.3).

    In ``auto`` mode a literal that is already a valid syllable stays primary and the
    conversion is an alternative; otherwise the conversion is primary. ``on`` always
    prefers the conversion, ``off`` never converts.

    Args:
        tokens: Query tokens in order.
        mode: ``off``, ``auto`` (default) or ``on``.

    Returns:
        A :class:`QueryConversion` with per-token readings and the display string.

    Raises:
        ValueError: Unknown mode.
    """
    if mode not in MODES:
        raise ValueError(f"unknown Telex mode {mode!r}; expected one of {', '.join(MODES)}")
    out: list[QueryToken] = []
    for tok in tokens:
        conv = telex_convert(tok) if mode != "off" else None
        if conv is None:
            out.append(QueryToken(tok, tok))
        elif mode == "auto" and is_valid_syllable(tok):
            out.append(QueryToken(tok, tok, (conv,)))
        else:
            out.append(QueryToken(tok, conv, (tok,)))
    return QueryConversion(tuple(out), " ".join(t.primary for t in out))
