"""Making untrusted text safe to print on a terminal or in a table.

Subjects, names, file names and server messages come from strangers: an
escape sequence or a bidi override in one must never reach a terminal as such.
Used by the CLI and the TUI's render helpers.
"""

from __future__ import annotations

import unicodedata

# Bidi controls that can reorder what a person sees (Trojan Source).
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """Replace control characters (C0, C1, DEL, bidi overrides) with visible stand-ins.

    ESC becomes ``␛``, other C0 controls their U+2400 picture, C1 controls and
    bidi overrides ``�``. Tabs become a space; newlines are kept only when
    asked (multi-line bodies), else shown as ``⏎``.
    """
    out: list[str] = []
    for ch in text:
        o = ord(ch)
        if ch == "\n":
            out.append("\n" if keep_newlines else " ⏎ ")
        elif ch == "\t":
            out.append("    " if keep_newlines else " ")
        elif ch == "\r":
            continue
        elif o < 0x20:
            out.append(chr(0x2400 + o))
        elif o == 0x7F:
            out.append("\u2421")
        elif 0x80 <= o < 0xA0 or ch in BIDI or unicodedata.category(ch) in ("Cs", "Co"):
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)
