"""Spec §8: Telex and VNI typed queries."""

from __future__ import annotations

import pytest

from bparchive.vi import convert_query_tokens, telex_convert

VERIFIED = [
    ("cong vawn", "cong văn"),
    ("coong vawn", "công văn"),
    ("baos caos", "báo cáo"),
    ("thuw ddieenj tuwr", "thư điện tử"),
    ("uyr ban nhaan daan", "uỷ ban nhân dân"),
    ("quyeets ddinhj", "quyết định"),
    ("giaays mowif", "giấy mời"),
    ("towf trinhf", "tờ trình"),
    ("truwowngf hocj", "trường học"),
    ("nguoiwf", "người"),
    ("dduowcj", "được"),
    ("luwu truwx", "lưu trữ"),
    ("hoaf", "hoà"),
    ("khoer", "khoẻ"),
    ("quys", "quý"),
    ("Vie65t", "việt"),
    ("d9ie65n", "điện"),
    ("nguo72i", "người"),
    ("u3y", "uỷ"),
]


@pytest.mark.parametrize(("typed", "want"), VERIFIED)
def test_verified_conversions(typed: str, want: str) -> None:
    assert convert_query_tokens(typed.split()).display == want


@pytest.mark.parametrize("token", ["email", "class", "ttr", "ubnd", "2024", "48", "Nam", "bao"])
def test_untouched_tokens(token: str) -> None:
    assert telex_convert(token) is None
    conv = convert_query_tokens([token])
    assert conv.tokens[0].primary == token
    assert conv.tokens[0].alternatives == ()
    assert not conv.changed


@pytest.mark.parametrize(
    ("typed", "want"),
    [
        ("owf", "ờ"),
        ("ofw", "ờ"),
        ("aas", "ấ"),
        ("asa", "ấ"),
        ("tw", "tư"),
        ("nhwng", "nhưng"),
        ("uwow", "ươ"),
        ("DDaf", "đà"),
        ("Ddaf", "đà"),
        ("t[", "tơ"),
        ("t]", "tư"),
        ("muaw", "mưa"),
        ("xoawn", "xoăn"),
        ("huuw", "hưu"),
        ("baoz", "bao"),  # z removes the tone
        ("basz", "ba"),
        ("tu72", "từ"),
        ("a8n", "ăn"),
    ],
)
def test_telex_and_vni_rules(typed: str, want: str | None) -> None:
    assert telex_convert(typed) == want


def test_same_tone_key_twice_cancels() -> None:
    assert telex_convert("bass") is None  # "bas" is not a syllable
    assert telex_convert("ass") is None


def test_literal_valid_syllable_stays_primary() -> None:
    conv = convert_query_tokens(["xoong"])
    token = conv.tokens[0]
    assert token.primary == "xoong"
    assert token.alternatives == ("xông",)
    assert not token.converted
    assert conv.display == "xoong"


def test_conversion_primary_literal_alternative() -> None:
    conv = convert_query_tokens(["baos", "caos"])
    assert [t.primary for t in conv.tokens] == ["báo", "cáo"]
    assert [t.alternatives for t in conv.tokens] == [("baos",), ("caos",)]
    assert conv.changed
    assert conv.tokens[0].readings == ("báo", "baos")


def test_t34_vni_mixed_query() -> None:
    conv = convert_query_tokens(["Vie65t", "Nam"])
    assert [t.primary for t in conv.tokens] == ["việt", "Nam"]


def test_modes() -> None:
    assert convert_query_tokens(["baos"], mode="off").display == "baos"
    on = convert_query_tokens(["xoong"], mode="on").tokens[0]
    assert (on.primary, on.alternatives) == ("xông", ("xoong",))
    with pytest.raises(ValueError):
        convert_query_tokens(["x"], mode="maybe")


def test_only_candidates_are_converted() -> None:
    assert telex_convert("báo") is None
    assert telex_convert("48/2009") is None
    assert telex_convert("a" * 40) is None
