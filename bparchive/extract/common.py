"""Helpers shared by the format modules of :mod:`bparchive.extract`."""

from __future__ import annotations

import re

from bparchive import vi
from bparchive.extract.limits import ExtractLimits
from bparchive.extract.model import Extraction

_BLANKS = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t]+\n")
LEGACY_FONT = re.compile(r"(\.Vn[A-Za-z0-9]*|VNI[-_][A-Za-z0-9-]*|VNI[A-Z][a-z]+)")


def repair(text: str, font_hint: str | None = None) -> tuple[str, str]:
    """``vi.repair`` that never raises."""
    try:
        return vi.repair(text, font_hint)
    except (ValueError, LookupError, UnicodeError):
        return text, "unicode"


def decode(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """``vi.decode_part``: never raises; valid UTF-8 under a single-byte label is UTF-8."""
    return vi.decode_part(data, charset)


def font_hint(names: list[str] | set[str]) -> str | None:
    """Return the first legacy Vietnamese font name (``.VnTime``, ``VNI-Times``…), if any."""
    for name in names:
        found = LEGACY_FONT.search(name or "")
        if found:
            return found.group(1)
    return None


def finish(
    text: str,
    kind: str,
    limits: ExtractLimits,
    *,
    hint: str | None = None,
    encoding: str | None = None,
    pages: int = 0,
    truncated: bool = False,
    **extra: object,
) -> Extraction:
    """Repair, tidy and cut extracted text, and wrap it in an :class:`Extraction`.

    Args:
        text: raw extracted text (already decoded).
        kind: detected format.
        limits: for ``max_text_chars``.
        hint: legacy font name passed to ``vi.repair``.
        encoding: set when the text was decoded by ``vi.decode_bytes`` already (no repair).
        pages: pages seen.
        truncated: a limit already cut the text.
        **extra: more Extraction fields (signed, signer…).

    Returns:
        Status ``ok``, or ``empty`` when no text remains.
    """
    if encoding is None:
        text, encoding = repair(text, hint)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BLANKS.sub("\n\n", _TRAILING.sub("\n", text)).strip()
    if len(text) > limits.max_text_chars:
        text = text[: limits.max_text_chars]
        truncated = True
    status = "ok" if text.strip() else "empty"
    reason = "" if text.strip() else "no text found"
    return Extraction(
        text=text,
        status=status,
        reason=reason,
        pages=pages,
        encoding=encoding,
        truncated=truncated,
        kind=kind,
        **extra,  # type: ignore[arg-type]
    )
