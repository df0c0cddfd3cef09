"""Vietnamese collation without ICU (spec §9).

Used by the TUI lists, reports and exports whenever names, senders, subjects or
categories are sorted alphabetically: Python's default order puts ``Ánh``, ``Âu`` and
``Đào`` after ``Yến``.

The key follows the CLDR ``vi`` tailoring: base letters (a < ă < â …, d < đ) are primary
differences; tones are secondary, none < huyền < hỏi < ngã < sắc < nặng; case is
tertiary (lower before upper).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from bparchive.vi.tone import canon_text

_ALPHABET_TEXT = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z"
_ALPHABET = _ALPHABET_TEXT.split()
_LETTER_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# Primary weights: punctuation and spaces < digits < Vietnamese alphabet < other letters.
_DIGIT_BASE = 0x200000
_LETTER_BASE = 0x300000
_OTHER_BASE = 0x400000

SortKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]


def _weights(c: str) -> tuple[int, int, int]:
    low = c.lower()
    case = 1 if c != low else 0
    if len(low) != 1:
        return _OTHER_BASE + ord(c), 0, case
    if low.isascii():
        if low in _LETTER_RANK:
            return _LETTER_BASE + _LETTER_RANK[low], 0, case
        if low.isdigit():
            return _DIGIT_BASE + ord(low), 0, case
        return ord(low), 0, case
    decomposed = unicodedata.normalize("NFD", low)
    tone = 0
    rest = []
    for m in decomposed:
        if m in _TONE_RANK:
            tone = _TONE_RANK[m]
        else:
            rest.append(m)
    base = unicodedata.normalize("NFC", "".join(rest))
    if base in _LETTER_RANK:
        return _LETTER_BASE + _LETTER_RANK[base], tone, case
    if low.isdigit():
        return _DIGIT_BASE + ord(low), 0, case
    if low.isalpha():
        return _OTHER_BASE + ord(base[0]), tone, case
    return ord(low), 0, case


@lru_cache(maxsize=65536)
def sort_key(s: str) -> SortKey:
    """Sort key for Vietnamese text: ``sorted(names, key=sort_key)``.

    Args:
        s: Any string (tone placement is canonicalised first, so ``Hòa`` = ``Hoà``).

    Returns:
        ``(primary ranks, tone ranks, case bits, s)``; the string itself breaks ties
        so the order is total and stable across runs.
    """
    text = canon_text(s)
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for c in text:
        p, t, k = _weights(c)
        primary.append(p)
        tones.append(t)
        cases.append(k)
    return tuple(primary), tuple(tones), tuple(cases), s


def name_sort_key(full_name: str) -> tuple[SortKey, SortKey, SortKey]:
    """Sort key for a Vietnamese person name: given name first, then family + middle.

    ``Trần Thị An`` < ``Hoàng Văn Anh`` < ``Đỗ Thị Ánh`` < ``Nguyễn Văn Bình``.

    Args:
        full_name: ``Family Middle Given``, separated by spaces.

    Returns:
        A key comparing the last syllable, then the rest, then the whole string.
    """
    parts = full_name.split()
    given = parts[-1] if parts else ""
    rest = " ".join(parts[:-1])
    return sort_key(given), sort_key(rest), sort_key(full_name)
