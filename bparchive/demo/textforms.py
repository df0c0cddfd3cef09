"""The damaged and variant forms Vietnamese text takes in real mail.

Called by :mod:`bparchive.demo.generator` to make some messages harder for the
archive, the way real mailboxes are (vietnamese-search.md §2–§4): new-style
tone placement (``hoà`` for ``hòa``), decomposed Unicode (NFD, as typed with
"Unicode tổ hợp"), text without any diacritics, and TCVN3 (ABC) bytes that a
mail client labelled as windows-1252.
"""

from __future__ import annotations

import re
import unicodedata

# Lower-case TCVN3 (ABC, VN3) codes, from vietnamese-search.md §4.3. ABC fonts
# have no upper-case toned letters: capitals were drawn by the ".VnTimeH" font
# from lower-case codes, so upper-case toned letters map to the lower-case byte.
_TCVN3_LOWER = {
    "á": 0xB8, "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "ạ": 0xB9,
    "ă": 0xA8, "ắ": 0xBE, "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ặ": 0xC6,
    "â": 0xA9, "ấ": 0xCA, "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ậ": 0xCB,
    "é": 0xD0, "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "ẹ": 0xD1,
    "ê": 0xAA, "ế": 0xD5, "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ệ": 0xD6,
    "í": 0xDD, "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "ị": 0xDE,
    "ó": 0xE3, "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ọ": 0xE4,
    "ô": 0xAB, "ố": 0xE8, "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ộ": 0xE9,
    "ơ": 0xAC, "ớ": 0xED, "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ợ": 0xEE,
    "ú": 0xF3, "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ụ": 0xF4,
    "ư": 0xAD, "ứ": 0xF8, "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ự": 0xF9,
    "ý": 0xFD, "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ỵ": 0xFE,
    "đ": 0xAE,
}  # fmt: skip
_TCVN3_UPPER_BASE = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}
_ASCII_FALLBACK = {"–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "..."}

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old style puts the tone on the first vowel of the open syllables oa, oe, uy
# (hòa, khỏe, thủy); the new style (QĐ 1989/QĐ-BGDĐT) on the second (hoà, khoẻ, thuỷ).
_OLD_TONE = re.compile(r"([oOuU])([" + _TONES + r"])([aAeEyY])(?![^\W\d_])")


def to_new_style(text: str) -> str:
    """Move the tone mark of ``oa``/``oe``/``uy`` syllables to the second vowel.

    Args:
        text: NFC text written with the old tone placement.

    Returns:
        NFC text with the new placement (``hòa`` → ``hoà``, ``Thủy`` → ``Thuỷ``).
        ``quý``, ``hoàng``, ``thuyết`` are unchanged.
    """
    nfd = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _OLD_TONE.sub(r"\1\3\2", nfd))


def strip_accents(text: str) -> str:
    """Remove every Vietnamese diacritic (``Giấy mời`` → ``Giay moi``)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    nfd = unicodedata.normalize("NFD", text)
    return "".join(c for c in nfd if not unicodedata.combining(c))


def to_nfd(text: str) -> str:
    """Return the decomposed form, as "Unicode tổ hợp" keyboards produce it."""
    return unicodedata.normalize("NFD", text)


def tcvn3_encode(text: str) -> bytes:
    """Encode Vietnamese text as TCVN3 (ABC) bytes, the pre-Unicode standard.

    Args:
        text: any Unicode text.

    Returns:
        One byte per character; characters TCVN3 cannot hold become ``?``.
    """
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        code = ord(ch)
        if code < 0x80:
            out.append(code)
        elif ch in _TCVN3_LOWER:
            out.append(_TCVN3_LOWER[ch])
        elif ch in _TCVN3_UPPER_BASE:
            out.append(_TCVN3_UPPER_BASE[ch])
        elif ch.lower() in _TCVN3_LOWER:
            out.append(_TCVN3_LOWER[ch.lower()])
        elif ch in _ASCII_FALLBACK:
            out += _ASCII_FALLBACK[ch].encode("ascii")
        elif ch.isupper() and unicodedata.normalize("NFD", ch)[0].isascii():
            out += unicodedata.normalize("NFD", ch)[0].encode("ascii")
        else:
            out.append(0x3F)
    return bytes(out)


def tcvn3_mojibake(text: str) -> str:
    """Return what a Western mail client shows for TCVN3 text (§4.3 signature).

    ``Cộng hoà xã hội`` → ``Céng hoµ x· héi``.
    """
    return tcvn3_encode(text).decode("cp1252", errors="replace")
