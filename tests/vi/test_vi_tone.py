"""Spec §2 (tone placement, IY), token terms, syllable validity and §7 stop words."""

from __future__ import annotations

import pytest

from bparchive.vi import (
    STOP_WORDS,
    canon_syllable,
    canon_text,
    exact_token,
    fold,
    fold_token,
    is_marked,
    is_stop_word,
    is_valid_syllable,
    iy,
)

VERIFIED_NEW_STYLE = (
    "hòa→hoà, HOÀ→HOÀ, Ủy→Uỷ, qúy→quý, hòan→hoàn, gìa→già, gì→gì, ngừơi→người, lựơng→lượng, "
    "nghịêm→nghiệm, baỏ→bảo, Ðảm→Đảm, khuỷu→khuỷu, ngòai→ngoài, mùa→mùa, của→của, thuở→thuở, "
    "giữa→giữa, cafe→cafe, email→email"
)


@pytest.mark.parametrize(
    ("src", "want"), [tuple(p.split("→")) for p in VERIFIED_NEW_STYLE.split(", ")]
)
def test_verified_new_style_outputs(src: str, want: str) -> None:
    assert canon_syllable(src) == want


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hòa", "hoà"),
        ("hóa", "hoá"),
        ("thỏa", "thoả"),
        ("họa", "hoạ"),
        ("hòe", "hoè"),
        ("khỏe", "khoẻ"),
        ("xòe", "xoè"),
        ("thủy", "thuỷ"),
        ("Thúy", "Thuý"),
        ("lũy", "luỹ"),
        ("Ủy", "Uỷ"),
        ("hủy", "huỷ"),
        ("ÒA", "OÀ"),
        ("ỦY", "UỶ"),
    ],
)
def test_old_and_new_style_clusters(old: str, new: str) -> None:
    assert canon_syllable(old) == new
    assert canon_syllable(new) == new
    assert canon_syllable(new, style="old") == old
    assert canon_syllable(old, style="old") == old


@pytest.mark.parametrize(
    "word",
    [
        "hoàn",
        "toán",
        "khoét",
        "quýt",
        "huỳnh",
        "huế",
        "được",
        "khuyến",
        "quý",
        "quả",
        "già",
        "giữa",
    ],
)
def test_unaffected_syllables_are_the_same_in_both_styles(word: str) -> None:
    assert canon_syllable(word) == word
    assert canon_syllable(word, style="old") == word


def test_underthesea_misplacement_sentence() -> None:
    src = "Ðảm baỏ chất lựơng phòng thí nghịêm hoá học"
    assert canon_text(src) == "Đảm bảo chất lượng phòng thí nghiệm hoá học"
    assert canon_text(src, style="old") == "Đảm bảo chất lượng phòng thí nghiệm hóa học"


def test_tone_errors_are_not_placement_problems() -> None:
    assert canon_syllable("cũa") == "cũa"


def test_unknown_style_is_rejected() -> None:
    with pytest.raises(ValueError):
        canon_syllable("hòa", style="middle")


def test_government_spellings_become_identical() -> None:
    for a, b in [
        ("Ủy ban nhân dân", "Uỷ ban nhân dân"),
        ("Thanh Hóa", "Thanh Hoá"),
        ("Khánh Hòa", "Khánh Hoà"),
        ("Hòa Bình", "Hoà Bình"),
        ("Luật Thủy lợi", "Luật Thuỷ lợi"),
    ]:
        assert canon_text(a) == canon_text(b)


@pytest.mark.parametrize(
    ("src", "want"),
    [
        ("kỹ", "kĩ"),
        ("lý", "lí"),
        ("Mỹ", "Mĩ"),
        ("quý", "quí"),
        ("ty", "ti"),
        ("hy", "hi"),
        ("tuy", "tuy"),
        ("thuy", "thuy"),
        ("ay", "ay"),
        ("y", "y"),
    ],
)
def test_iy_rule(src: str, want: str) -> None:
    assert iy(src) == want


def test_exact_and_fold_terms() -> None:
    assert exact_token("Ủy") == "uỷ"
    assert exact_token("Kỹ") == "kĩ"
    assert exact_token("kĩ") == "kĩ"
    assert exact_token("HÒA") == "hoà"
    assert fold_token("Ủy") == "uy"
    assert fold_token("Lý") == "li"
    assert fold_token("kỹ") == fold_token("kĩ") == "ki"
    # T36 at the term level: kỹ thuật vs kĩ thuật
    assert [exact_token(t) for t in ("kỹ", "thuật")] == [exact_token(t) for t in ("kĩ", "thuật")]


def test_is_marked() -> None:
    assert is_marked("bảo")
    assert is_marked("Đa")
    assert not is_marked("bao")
    assert not is_marked("Bao")
    assert not is_marked("UBND")


@pytest.mark.parametrize(
    "word",
    [
        "bao",
        "can",
        "cong",
        "người",
        "xoong",
        "boong",
        "gì",
        "gìn",
        "quý",
        "khuỷu",
        "ươ",
        "ngoài",
        "Việt",
        "y",
    ],
)
def test_valid_syllables(word: str) -> None:
    assert is_valid_syllable(word)


@pytest.mark.parametrize(
    "word", ["email", "class", "baos", "coong", "quu", "ttr", "ubnd", "2024", "hoaf", "cafe", "áà"]
)
def test_invalid_syllables(word: str) -> None:
    assert not is_valid_syllable(word)


def test_stop_words() -> None:
    assert len(STOP_WORDS) == 75
    assert {"có thể", "đến nỗi", "một cách"} <= STOP_WORDS
    assert sum(1 for w in STOP_WORDS if " " in w) == 3
    for w in STOP_WORDS:
        for syllable in w.split():
            assert exact_token(syllable) == syllable, "stop list must be in index form"
    assert is_stop_word("CỦA")
    assert is_stop_word("có thể")
    assert not is_stop_word("báo")
    # folded collisions are why stop words never touch the fold stream
    assert fold("tờ") == "to" and "to" not in STOP_WORDS
