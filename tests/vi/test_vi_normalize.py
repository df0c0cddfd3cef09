"""Spec §1 (N1–N6), §3 (F1) and the N5 tokenizer."""

from __future__ import annotations

import unicodedata

import pytest

from bparchive.vi import fold, normalize, tokenize
from bparchive.vi.normalize import TOKEN_RE


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def test_n1_nfd_input_becomes_nfc() -> None:
    s = "V/v báo cáo tình hình sử dụng thư điện tử 6 tháng đầu năm 2024"
    assert normalize(nfd(s)) == s
    assert unicodedata.is_normalized("NFC", normalize(nfd(s)))


@pytest.mark.parametrize(
    "decomposed",
    [
        "e\u0323\u0302",  # canonical order: dot below first
        "e\u0302\u0323",  # any order of the marks
        "\u00ea\u0323",  # ê + dot below
    ],
)
def test_n1_any_mark_order_gives_precomposed_e(decomposed: str) -> None:
    assert normalize(decomposed) == "ệ"


def test_n1_horn_and_dot_below() -> None:
    assert normalize("o\u031b\u0323") == "ợ"


def test_n1_deprecated_tone_marks_disappear() -> None:
    assert normalize("a\u0340") == "à"
    assert normalize("a\u0341") == "á"


def test_non_canonical_tone_before_circumflex_is_repaired() -> None:
    # UDHR "ALRN" file: e + acute + circumflex, which NFC alone leaves as "é̂".
    assert unicodedata.normalize("NFC", "the\u0301\u0302") != "thế"
    assert normalize("the\u0301\u0302") == "thế"
    assert normalize("quye\u0300\u0302n") == "quyền"
    assert normalize("ra\u0300\u0306ng") == "rằng"


def test_d_stroke_has_no_decomposition() -> None:
    assert nfd("đ") == "đ"
    assert fold("đ") == "d"


def test_n2_eth_lookalike() -> None:
    assert normalize("BAN CHẤP HÀNH ÐẢNG BỘ TỈNH") == "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH"
    assert normalize("ðảng") == "đảng"
    assert "Ð".lower() == "ð"  # why N2 is needed


def test_n3_nfkc_option() -> None:
    assert normalize("ﬁle Ⅳ x² ２０２４", compat=True) == "file IV x2 2024"
    assert normalize("ﬁle") == "ﬁle"
    viet = "Ủy ban nhân dân tỉnh Bình Phước"
    assert normalize(viet, compat=True) == viet


def test_n4_format_characters_and_spaces() -> None:
    text = "Ng\u00adười\u200b lao\u200c đ\u200dộng\u2060\ufeff\u00a0phải\u2003được\u202ftrả"
    assert normalize(text) == "Người lao động phải được trả"


def test_n5_tokenizer_on_nfc_and_nfd() -> None:
    assert [t for t, _, _ in tokenize("Hòa bình")] == ["Hòa", "bình"]
    decomposed = nfd("Hòa")
    assert [m.group() for m in TOKEN_RE.finditer(decomposed)] == [decomposed]
    assert [t for t, _, _ in tokenize("Hòa_bình")] == ["Hòa", "bình"]


def test_n5_offsets_slice_the_text() -> None:
    text = "Quyết định số 48/2009/QĐ-UBND"
    tokens = tokenize(text)
    assert [t for t, _, _ in tokens] == ["Quyết", "định", "số", "48", "2009", "QĐ", "UBND"]
    for tok, start, end in tokens:
        assert text[start:end] == tok


def test_n6_lower_case() -> None:
    assert "ĐẢNG ỦY ƯU TIÊN".lower() == "đảng ủy ưu tiên"
    assert "ĐẢNG ỦY".casefold() == "ĐẢNG ỦY".lower()


def test_146_letters_are_single_nfkc_stable_code_points() -> None:
    letters = set()
    for base in "aăâeêioôơuưy":
        for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
            c = unicodedata.normalize("NFC", base + tone)
            letters.update({c, c.upper()})
    letters.update({"đ", "Đ"})
    assert len(letters) == 146
    for c in letters:
        assert len(c) == 1
        assert unicodedata.normalize("NFKC", c) == c
        assert c.upper().lower() == c.lower()


def test_f1_fold_example() -> None:
    assert (
        fold("Ủy ban nhân dân tỉnh Bình Phước; ĐẢNG; Ðảm")
        == "uy ban nhan dan tinh binh phuoc; dang; dam"
    )


def test_f1_fold_matches_unidecode_for_vietnamese() -> None:
    assert fold("Đường Trường Sơn") == "duong truong son"
    assert fold(nfd("Đường Trường Sơn")) == "duong truong son"


@pytest.mark.parametrize(
    ("folded", "words"),
    [
        ("bao", "bao báo bào bảo bão bạo"),
        ("can", "cán cần căn cân cản"),
        ("to", "tờ tổ tố tô to tơ tớ"),
        ("an", "an ăn ân ấn ẩn án"),
    ],
)
def test_f1_information_loss(folded: str, words: str) -> None:
    assert {fold(w) for w in words.split()} == {folded}


def test_ascii_fast_path_is_identity() -> None:
    assert normalize("plain ASCII\ttext") == "plain ASCII\ttext"
    assert fold("ABC") == "abc"
