"""Byte tables of the legacy 8-bit Vietnamese encodings (spec §4.3–§4.5).

Used only by ``bparchive.vi.legacy``. TCVN 5712:1993 (VN1, a superset of the TCVN3
"ABC" fonts) and VISCII 1.1 follow GNU libiconv ``tcvn.h`` / ``viscii.h``; the tests
compare them entry by entry with libiconv's ``TCVN.TXT`` and ``VISCII.TXT``. VNI Windows
is compositional and is built from its modifier bytes (lamdao/xvnkb ``vni.h``).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: TCVN 5712:1993 (VN1) bytes 0x80–0xFF; 0xB0–0xB4 are combining tone marks.
TCVN_HIGH = (
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨ"  # 80
    "ÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"  # 90
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"  # A0
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # B0
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # C0
    "éẹềểễếệìỉỄẾỒĩíịò"  # D0
    "Ổỏõóọồổỗốộờởỡớợù"  # E0
    "ỖủũúụừửữứựỳỷỹýỵỐ"  # F0
)

#: TCVN 5712 (VN1) upper-case letters stored in C0 control positions.
TCVN_C0 = {
    0x01: "Ú",
    0x02: "Ụ",
    0x04: "Ừ",
    0x05: "Ử",
    0x06: "Ữ",
    0x11: "Ứ",
    0x12: "Ự",
    0x13: "Ỳ",
    0x14: "Ỷ",
    0x15: "Ỹ",
    0x16: "Ý",
    0x17: "Ỵ",
}

#: VISCII 1.1 (RFC 1456) bytes 0x80–0xFF.
VISCII_HIGH = (
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐ"  # 80
    "ỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"  # 90
    "Õắằặấầẩậẽẹếềểễệố"  # A0
    "ồổỗỠƠộờởịỰỨỪỬơớƯ"  # B0
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳ"  # C0
    "ĐứÒÓÔạỷừửÙÚỹỵÝỡư"  # D0
    "àáâãảăữẫèéêẻìíĩỉ"  # E0
    "đựòóôõỏọụùúũủýợỮ"  # F0
)

#: VISCII upper-case letters stored in C0 control positions.
VISCII_C0 = {0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ"}

# VNI Windows, lower-case font. Keys are the combining tone mark ("" = no tone).
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRCUMFLEX = {
    "": "â",
    "\u0301": "á",
    "\u0300": "à",
    "\u0309": "å",
    "\u0303": "ã",
    "\u0323": "ä",
}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
# Letters that VNI stores as one byte.
_VNI_SINGLE = {
    "í": "í",
    "ì": "ì",
    "ỉ": "æ",
    "ĩ": "ó",
    "ị": "ò",
    "ỵ": "î",
    "ơ": "ô",
    "ư": "ö",
    "đ": "ñ",
}
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


def _vni_lower(base: str, tone: str) -> str:
    letter = unicodedata.normalize("NFC", base + tone)
    if letter in _VNI_SINGLE:
        return _VNI_SINGLE[letter]
    if base in "ơư":
        return _VNI_SINGLE[base] + _VNI_TONE[tone]
    if base in "âêô":
        plain = unicodedata.normalize("NFD", base)[0]
        return plain + _VNI_CIRCUMFLEX[tone]
    if base == "ă":
        return "a" + _VNI_BREVE[tone]
    return base + _VNI_TONE[tone] if tone else base


@lru_cache(maxsize=1)
def vni_encode_table() -> dict[str, str]:
    """Return the VNI table: Vietnamese letter → its VNI characters (cp1252 view).

    Covers the 134 toned or modified letters and đ in both cases; plain ASCII vowels
    are left out (they encode to themselves).
    """
    table: dict[str, str] = {}
    for base in "aăâeêioôơuưy":
        for tone in _TONES:
            letter = unicodedata.normalize("NFC", base + tone)
            if letter in "aeiouy":
                continue
            code = _vni_lower(base, tone)
            table[letter] = code
            table[letter.upper()] = code.upper()
    table["đ"] = "ñ"
    table["Đ"] = "Ñ"
    return table


@lru_cache(maxsize=1)
def vni_decode_table() -> dict[str, str]:
    """Return VNI characters (1 or 2, cp1252 view) → Vietnamese letter.

    An upper-case base followed by a lower-case modifier is also accepted (seen when
    only the first letter of a word was typed in capitals).
    """
    rev: dict[str, str] = {}
    for letter, code in vni_encode_table().items():
        rev[code] = letter
    for letter, code in vni_encode_table().items():
        if len(code) == 2 and letter.isupper():
            rev.setdefault(code[0] + code[1].lower(), letter)
    return rev
