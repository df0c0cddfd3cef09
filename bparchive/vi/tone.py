"""Syllable-level rules: tone placement (spec §2.2), the i/y rule IY (§2.3), syllable validity (§8.3).

Called by the index analyzers and the query builder once per token (cached), by
``bparchive.vi.legacy`` to score repair candidates, and by ``bparchive.vi.telex`` to
place the tone of a converted query syllable and to accept or reject the conversion.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bparchive.vi.normalize import TOKEN_RE, fold, nfc

# Tone marks (huyền, sắc, ngã, hỏi, nặng) as combining characters.
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_TONE_SET = frozenset(TONE_MARKS)

SYL_RE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"([aăâeêioôơuưy]+)"
    r"(ch|ng|nh|[cmnpt])?$"
)
_GI_RE = re.compile(r"^gi(ch|ng|nh|[cmnpt])?$")
_MODIFIED_VOWELS = frozenset("ăâêôơư")

#: Nucleus whitelist of §8.3 (vowel clusters of real Vietnamese syllables).
_NUCLEI_TEXT = (
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui "
    "uô uơ uy ưa ưi ươ ưu yê iêu oai oay oeo uây uôi ươi ươu uya uyê uyu yêu"
)
NUCLEI = frozenset(_NUCLEI_TEXT.split())
#: Loan words whose nucleus is ``oo`` (§8.3).
OO_LOANWORDS = frozenset({"boong", "xoong", "goong", "sooc", "mooc"})

_IY_RE = re.compile(r"^(b|ch|d|h|k|kh|l|m|n|ng|nh|ph|qu|r|s|t|th|tr|v|x)y$")
_Y_TO_I = {"y": "i", "ý": "í", "ỳ": "ì", "ỷ": "ỉ", "ỹ": "ĩ", "ỵ": "ị"}
_Y_TO_I.update({k.upper(): v.upper() for k, v in list(_Y_TO_I.items())})

STYLES = ("new", "old")


def split_tone(syllable: str) -> tuple[str, str] | None:
    """Separate the tone mark from a lower-case NFC syllable.

    Args:
        syllable: Lower-case NFC text.

    Returns:
        ``(base, tone)`` where ``base`` is NFC without tone and ``tone`` is the
        combining tone mark or ``""``; ``None`` when the text carries more than one
        tone mark (not a single syllable).
    """
    if syllable.isascii():
        return syllable, ""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in _TONE_SET]
    if not tones:
        return syllable, ""
    if len(tones) > 1:
        return None
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_SET))
    return base, tones[0]


def _tone_index(base: str, style: str) -> int | None:
    """Index in ``base`` of the vowel that carries the tone, or None if not Vietnamese."""
    if _GI_RE.match(base):
        return 1
    m = SYL_RE.match(base)
    if not m:
        return None
    ini, vowels, fin = m.groups()
    start = len(ini) if ini else 0
    modified = [i for i, c in enumerate(vowels) if c in _MODIFIED_VOWELS]
    if modified:
        return start + modified[-1]
    if fin:
        return start + len(vowels) - 1
    if len(vowels) == 1:
        return start
    if len(vowels) == 3:
        return start + 1
    if vowels in ("oa", "oe", "uy"):
        return start + 1 if style == "new" else start
    return start


def canon_syllable(token: str, style: str = "new") -> str:
    """Put the tone mark of one syllable where the chosen style wants it (§2.2).

    Non-Vietnamese tokens (``café``, ``email``) and tokens without a tone come back
    NFC-normalised with Ð → Đ but otherwise unchanged; upper case is kept per position.

    Args:
        token: One token, any case, NFC or not.
        style: ``"new"`` (QĐ 1989: hoà, khoẻ, thuỷ; the index default) or ``"old"``
            (hòa, khỏe, thủy).

    Returns:
        The canonical spelling, e.g. ``hòa`` → ``hoà``, ``qúy`` → ``quý``.

    Raises:
        ValueError: ``style`` is neither ``"new"`` nor ``"old"``.
    """
    if style not in STYLES:
        raise ValueError(f"unknown tone style {style!r}; expected 'new' or 'old'")
    if token.isascii():
        return token
    return _canon_cached(token, style)


@lru_cache(maxsize=131072)
def _canon_cached(token: str, style: str) -> str:
    t = nfc(token)
    low = t.lower()
    split = split_tone(low)
    if split is None or not split[1]:
        return t
    base, tone = split
    idx = _tone_index(base, style)
    if idx is None:
        return t
    out = unicodedata.normalize("NFC", base[: idx + 1] + tone + base[idx + 1 :])
    if len(out) != len(t):
        return t
    return "".join(o.upper() if c.isupper() else o for o, c in zip(out, t, strict=True))


def canon_text(text: str, style: str = "new") -> str:
    """Canonicalise the tone placement of every token of ``text`` (NFC output).

    Args:
        text: Any text.
        style: See :func:`canon_syllable`.

    Returns:
        NFC text where each token went through :func:`canon_syllable`.
    """
    text = nfc(text)
    if text.isascii():
        return text
    return TOKEN_RE.sub(lambda m: canon_syllable(m.group(), style), text)


def iy(syllable: str) -> str:
    """Rule IY: a final ``y`` right after an initial consonant becomes ``i`` (§2.3).

    The tone mark and the case are kept: ``kỹ`` → ``kĩ``, ``Mỹ`` → ``Mĩ``, ``quý`` → ``quí``;
    ``tuy``, ``thuy`` and ``ay`` are unchanged.

    Args:
        syllable: One token, exact (with marks) or folded.

    Returns:
        The token with the IY rule applied.
    """
    if len(syllable) > 3 or not syllable or syllable[-1] not in _Y_TO_I:
        return syllable
    if not _IY_RE.match(fold(syllable)):
        return syllable
    return syllable[:-1] + _Y_TO_I[syllable[-1]]


@lru_cache(maxsize=131072)
def exact_token(tok: str) -> str:
    """Term of the EXACT stream: tone canonicalised (new style), lower-cased, IY applied.

    Args:
        tok: One token.

    Returns:
        e.g. ``Ủy`` → ``uỷ``, ``Kỹ`` → ``kĩ``.
    """
    return iy(canon_syllable(tok).lower())


@lru_cache(maxsize=131072)
def fold_token(tok: str) -> str:
    """Term of the FOLD stream: F1 fold, then IY.

    Args:
        tok: One token.

    Returns:
        e.g. ``Ủy`` → ``uy``, ``Lý`` → ``li``.
    """
    return iy(fold(tok))


def is_marked(tok: str) -> bool:
    """Whether a token carries any Vietnamese diacritic or đ (§6.3 step 3).

    Case is ignored: ``Bao`` is unmarked, ``bảo`` and ``Đa`` are marked.

    Args:
        tok: One token.

    Returns:
        ``fold(tok) != tok.lower()``.
    """
    if tok.isascii():
        return False
    return fold(tok) != tok.lower()


@lru_cache(maxsize=131072)
def is_valid_syllable(s: str) -> bool:
    """Whether ``s`` is a well-formed Vietnamese syllable (§8.3).

    The syllable regex of §2.2 must match after tone removal, the nucleus must be in
    the whitelist (``oo`` only in boong/xoong/goong/sooc/mooc) and ``qu`` must not be
    followed by ``u``. At most one tone mark is allowed.

    Args:
        s: One token in any case.

    Returns:
        True for ``bao``, ``người``, ``xoong``, ``gì``; False for ``email``, ``baos``.
    """
    split = split_tone(nfc(s).lower())
    if split is None:
        return False
    base = split[0]
    if _GI_RE.match(base):
        return True
    m = SYL_RE.match(base)
    if not m:
        return False
    ini, vowels, _fin = m.groups()
    if ini == "qu" and vowels.startswith("u"):
        return False
    if vowels in NUCLEI:
        return True
    return vowels == "oo" and base in OO_LOANWORDS
