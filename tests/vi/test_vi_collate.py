"""Spec §9: collation and name sorting (test case T40)."""

from __future__ import annotations

from bparchive.vi import name_sort_key, sort_key


def test_t40_collation() -> None:
    names_text = "Đào, Dương, Anh, Ánh, Ăn, Âu, An, Bình, Ơn, Ôn, Ư, Uyên, Yến"
    want_text = "An, Anh, Ánh, Ăn, Âu, Bình, Dương, Đào, Ôn, Ơn, Uyên, Ư, Yến"
    names, want = names_text.split(", "), want_text.split(", ")
    assert sorted(names, key=sort_key) == want
    assert sorted(names) != want  # Python's code-point order is wrong


def test_tone_order_is_secondary() -> None:
    assert sorted(["mạ", "má", "mã", "mả", "mà", "ma"], key=sort_key) == [
        "ma",
        "mà",
        "mả",
        "mã",
        "má",
        "mạ",
    ]


def test_base_letters_primary() -> None:
    assert sort_key("mạ") < sort_key("mai")  # "ma" is a prefix of "mai"
    assert sort_key("dz") < sort_key("đa")
    assert sort_key("ơ") > sort_key("ôz")


def test_old_and_new_style_sort_together() -> None:
    assert sort_key("Hòa")[:3] == sort_key("Hoà")[:3]


def test_case_is_tertiary() -> None:
    assert sort_key("an") < sort_key("An") < sort_key("ăn")


def test_name_sort_by_given_name() -> None:
    names = [
        "Lê Văn Đức",
        "Phạm Minh Dũng",
        "Nguyễn Văn Bình",
        "Đỗ Thị Ánh",
        "Hoàng Văn Anh",
        "Trần Thị An",
    ]
    want = [
        "Trần Thị An",
        "Hoàng Văn Anh",
        "Đỗ Thị Ánh",
        "Nguyễn Văn Bình",
        "Phạm Minh Dũng",
        "Lê Văn Đức",
    ]
    assert sorted(names, key=name_sort_key) == want


def test_name_sort_ties_on_family_name() -> None:
    assert sorted(["Trần An", "Bùi An"], key=name_sort_key) == ["Bùi An", "Trần An"]
    assert name_sort_key("") == name_sort_key("")


def test_digits_and_punctuation_before_letters() -> None:
    assert sorted(["b", "2", "a", "-"], key=sort_key) == ["-", "2", "a", "b"]
