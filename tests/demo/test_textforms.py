"""Variant forms of Vietnamese text used to damage some generated messages."""

from __future__ import annotations

import unicodedata

from bparchive.demo.textforms import (
    strip_accents,
    tcvn3_encode,
    tcvn3_mojibake,
    to_new_style,
    to_nfd,
)


def test_tcvn3_signatures_match_the_spec() -> None:
    # vietnamese-search.md §4.3 "Signature mojibake [verified]".
    assert (
        tcvn3_mojibake("Cộng hoà xã hội chủ nghĩa Việt Nam") == "Céng hoµ x· héi chñ nghÜa ViÖt Nam"
    )
    assert tcvn3_mojibake("Độc lập - Tự do - Hạnh phúc") == "§éc lËp - Tù do - H¹nh phóc"
    assert (
        tcvn3_mojibake("QĐ số 15/QĐ-UBND về việc phê duyệt kế hoạch")
        == "Q§ sè 15/Q§-UBND vÒ viÖc phª duyÖt kÕ ho¹ch"
    )


def test_tcvn3_u_horn_is_the_soft_hyphen_byte() -> None:
    assert tcvn3_encode("người") == b"ng\xad\xeai"


def test_new_style_moves_the_tone_only_in_open_oa_oe_uy() -> None:
    assert to_new_style("Ủy ban hòa giải Thủy lợi khỏe") == "Uỷ ban hoà giải Thuỷ lợi khoẻ"
    for unchanged in ("quý", "hoàng", "thuyết", "Hoàn thành", "toán"):
        assert to_new_style(unchanged) == unchanged


def test_nfd_and_unaccented_forms() -> None:
    assert to_nfd("Thủy") != "Thủy"
    assert unicodedata.normalize("NFC", to_nfd("Thủy")) == "Thủy"
    assert strip_accents("Giấy mời họp Đồng Xoài") == "Giay moi hop Dong Xoai"
