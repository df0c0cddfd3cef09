"""Property tests (hypothesis) for normalisation, tone canonicalisation and repair."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bparchive.vi import canon_text, decode_bytes, fold, normalize, repair, tokenize

VIET_LETTERS = sorted(
    {
        unicodedata.normalize("NFC", base + tone)
        for base in "aăâeêioôơuưy"
        for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    }
    | set("bcdđghklmnpqrstvx")
)
VIET_CHARS = VIET_LETTERS + [c.upper() for c in VIET_LETTERS] + [" ", " ", ",", "\n"]

viet_text = st.text(alphabet=st.sampled_from(VIET_CHARS), max_size=60)


@settings(max_examples=300)
@given(st.text())
def test_normalize_is_idempotent_and_nfc(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)


@settings(max_examples=300)
@given(viet_text)
def test_fold_of_canon_equals_fold(text: str) -> None:
    assert fold(canon_text(text)) == fold(text)


@settings(max_examples=200)
@given(viet_text)
def test_canon_is_idempotent_and_keeps_length(text: str) -> None:
    once = canon_text(text)
    assert canon_text(once) == once
    assert len(once) == len(text)
    assert [t.lower() for t, _, _ in tokenize(once)] == [
        t.lower() for t, _, _ in tokenize(canon_text(text.lower()))
    ]


@settings(max_examples=300)
@given(st.text(), st.sampled_from([None, ".VnTime", ".VnTimeH", "VNI-Times", "Arial"]))
def test_repair_never_raises_on_text(text: str, hint: str | None) -> None:
    out, encoding = repair(text, hint)
    assert encoding in {"unicode", "tcvn3", "vni", "viscii", "cp1258"}
    assert unicodedata.is_normalized("NFC", out)


@settings(max_examples=300)
@given(
    st.binary(max_size=200),
    st.sampled_from([None, "utf-8", "windows-1258", "tcvn", "vni", "viscii", "x-bogus", "utf-16"]),
)
def test_decode_bytes_never_raises(data: bytes, charset: str | None) -> None:
    out, encoding = decode_bytes(data, charset)
    assert isinstance(out, str)
    assert encoding in {"unicode", "tcvn3", "vni", "viscii", "cp1258"}


@settings(max_examples=200)
@given(viet_text)
def test_repair_leaves_unicode_vietnamese_alone(text: str) -> None:
    # every line holds a letter no 8-bit code page has, so it cannot be mojibake
    text = "\n".join(line + " đạt" for line in text.split("\n"))
    assert repair(text) == (normalize(text), "unicode")
