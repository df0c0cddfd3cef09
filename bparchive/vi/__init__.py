"""Vietnamese text handling (spec: shared/domain/vietnamese-search.md §1–4, §7–9).

Public API (stable; other packages import only these names):

- ``normalize(text) -> str``: N1–N4 on text that is already correct Unicode
  (NFC, Ð→Đ, format characters removed, Zs → space). No legacy repair.
- ``repair(text, font_hint=None) -> tuple[str, str]``: §4.7 steps 3–5 on
  already-decoded text; returns (clean NFC text, encoding) where encoding is
  one of ``unicode|tcvn3|vni|viscii|cp1258``.
- ``decode_bytes(data, declared_charset=None) -> tuple[str, str]``: §4.7
  steps 1–5 on bytes; same return shape.
- ``fold(text) -> str``: F1 (marks dropped, đ→d, lower case).
"""

from __future__ import annotations

import unicodedata

_FORMAT_DELETE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def normalize(text: str) -> str:
    """N1–N4 on correct Unicode text (no legacy repair)."""
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    text = unicodedata.normalize("NFC", text).translate(_FORMAT_DELETE)
    return "".join(" " if unicodedata.category(c) == "Zs" else c for c in text)


def fold(text: str) -> str:
    """F1: drop combining marks, đ→d, lower-case."""
    text = text.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    out = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    out = out.replace("\u0111", "d").replace("\u0110", "D")
    return unicodedata.normalize("NFC", out).lower()


def repair(text: str, font_hint: str | None = None) -> tuple[str, str]:
    """Legacy repair of decoded text (placeholder until the full §4.7 lands)."""
    return normalize(text), "unicode"


def decode_bytes(data: bytes, declared_charset: str | None = None) -> tuple[str, str]:
    """Decode bytes of a text part (placeholder until the full §4.7 lands)."""
    charset = (declared_charset or "").strip().lower()
    if charset in {"windows-1258", "cp1258"}:
        return normalize(data.decode("cp1258", errors="replace")), "cp1258"
    try:
        return repair(data.decode(charset or "utf-8"))
    except (LookupError, UnicodeDecodeError):
        try:
            return repair(data.decode("utf-8"))
        except UnicodeDecodeError:
            return repair(data.decode("cp1252", errors="replace"))
