"""Fuzzing the Vietnamese normaliser (spec: shared/domain/vietnamese-search.md §1–3).

Properties: ``normalize`` is idempotent and its output is NFC; ``fold`` is
idempotent and ignores tone placement (``fold(canon_text(s)) == fold(s)``);
``canon_text`` is idempotent and NFC; the exact and fold index terms of a token
agree with each other whatever the tone style it was written in.
"""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bparchive import vi

VI_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
MARKS = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
ODD = "\u00d0\u00f0\u00ad\u200b\u200c\u200d\u2060\ufeff\u00a0\u2003\u202f\u3000 \t\n-/.,"
ALPHABET = VI_LETTERS + MARKS + ODD + "0123456789"

ONSETS = [
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gh",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "ngh",
    "nh",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
]
NUCLEI = [
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
    "oa",
    "oe",
    "uy",
    "uê",
    "ươ",
    "iê",
    "uô",
    "ai",
    "ao",
    "oai",
    "uyê",
    "ươi",
]
CODAS = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"]
TONES = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]

FUZZ = settings(max_examples=300, deadline=500, suppress_health_check=[HealthCheck.too_slow])

vi_text = st.text(alphabet=ALPHABET, max_size=80)
any_text = st.text(max_size=60)


@st.composite
def syllable(draw: st.DrawFn) -> str:
    """A syllable with its tone mark on any vowel (old, new or wrong placement), any case, NFC or NFD."""
    base = (
        draw(st.sampled_from(ONSETS)) + draw(st.sampled_from(NUCLEI)) + draw(st.sampled_from(CODAS))
    )
    tone = draw(st.sampled_from(TONES))
    vowels = [i for i, c in enumerate(base) if vi.fold(c) in "aeiouy"]
    if tone and vowels:
        at = draw(st.sampled_from(vowels))
        base = unicodedata.normalize("NFD", base[: at + 1]) + tone + base[at + 1 :]
    form = draw(st.sampled_from(["NFC", "NFD"]))
    s = unicodedata.normalize(form, base)
    if draw(st.booleans()):
        s = s.upper() if draw(st.booleans()) else s[:1].upper() + s[1:]
    return s


@FUZZ
@given(st.one_of(vi_text, any_text))
def test_normalize_is_idempotent_and_nfc(s: str) -> None:
    once = vi.normalize(s)
    assert vi.normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert not set(once) & set("\u00ad\u200b\u200c\u200d\u2060\ufeff\u00a0\u00d0\u00f0")


@FUZZ
@given(st.one_of(vi_text, any_text))
def test_fold_is_idempotent_and_drops_marks(s: str) -> None:
    f = vi.fold(s)
    assert vi.fold(f) == f
    assert "đ" not in f and "Đ" not in f
    if s.isascii():
        assert f == s.lower()


@FUZZ
@given(vi_text)
def test_fold_is_consistent_with_tone_canonicalisation(s: str) -> None:
    canon = vi.canon_text(s)
    assert unicodedata.is_normalized("NFC", canon)
    assert vi.canon_text(canon) == canon
    assert vi.fold(canon) == vi.fold(s)
    assert vi.fold(vi.normalize(s)) == vi.fold(vi.canon_text(vi.normalize(s)))


@FUZZ
@given(syllable())
def test_tone_styles_give_one_exact_term_and_one_fold_term(tok: str) -> None:
    new = vi.canon_syllable(tok, "new")
    old = vi.canon_syllable(tok, "old")
    assert vi.fold(new) == vi.fold(old) == vi.fold(tok)
    assert vi.exact_token(new) == vi.exact_token(old) == vi.exact_token(tok)
    assert vi.fold_token(vi.exact_token(tok)) == vi.fold_token(tok)
    assert vi.canon_syllable(new, "new") == new


@FUZZ
@given(st.lists(syllable(), min_size=1, max_size=8))
def test_tokenizer_sees_one_token_per_syllable(words: list[str]) -> None:
    text = vi.normalize(" ".join(words))
    toks = vi.tokenize(text)
    assert [t for t, _a, _b in toks] == [vi.normalize(w) for w in words]
    for t, a, b in toks:
        assert text[a:b] == t
