"""Turning untrusted text into something the TUI can show literally (STYLE habit 6).

Every subject, name, address, file name, attachment text and server error
shown by the TUI goes through this module: control characters, terminal
escapes and bidi overrides are made visible (:func:`bparchive.textsafe.terminal_safe`)
and the result is wrapped in a ``Content`` or ``rich.text.Text`` object, so
that Textual never parses it as markup. A subject ``[@click=app.quit]x`` is
shown exactly so and clicking it does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.content import Content

from bparchive.textsafe import terminal_safe

MARK_START = "\x02"
MARK_END = "\x03"
MATCH_STYLE = "bold reverse"


def safe(text: object, *, keep_newlines: bool = False) -> str:
    """Plain text with control, escape and bidi characters neutralised (still untrusted)."""
    return terminal_safe("" if text is None else str(text), keep_newlines=keep_newlines)


def literal(text: object, style: str = "", *, keep_newlines: bool = False) -> Content:
    """A ``Content`` showing ``text`` literally (for Static, Label, notifications)."""
    return Content.styled(safe(text, keep_newlines=keep_newlines), style)


def cell(text: object, style: str = "") -> Text:
    """A ``rich.text.Text`` showing ``text`` literally (for DataTable cells and Tree labels)."""
    return Text(safe(text), style=style, no_wrap=True, overflow="ellipsis", end="")


def join(*parts: Content | str | tuple[str, str]) -> Content:
    """Join pieces into one ``Content``; nothing is ever parsed as markup.

    ``Content`` parts are used as they are; ``(text, style)`` tuples are
    single-line untrusted values (a newline in them shows as ``⏎``); plain
    strings are trusted layout and may hold newlines.
    """
    out: list[Content] = []
    for p in parts:
        if isinstance(p, Content):
            out.append(p)
        elif isinstance(p, tuple):
            out.append(literal(p[0], p[1]))
        else:
            out.append(literal(p, keep_newlines=True))
    return Content("").join(out)


def snippet(marked: str, style: str = MATCH_STYLE) -> Content:
    """A search snippet whose words between MARK_START/MARK_END are highlighted."""
    parts: list[Content] = []
    for i, piece in enumerate(marked.split(MARK_START)):
        if i == 0:
            parts.append(literal(piece))
            continue
        word, _, rest = piece.partition(MARK_END)
        parts.append(literal(word, style))
        parts.append(literal(rest))
    return Content("").join(parts)


def snippet_cell(marked: str, style: str = MATCH_STYLE) -> Text:
    """Like :func:`snippet` but as ``rich.text.Text``."""
    out = Text(end="")
    for i, piece in enumerate(marked.split(MARK_START)):
        if i == 0:
            out.append(safe(piece))
            continue
        word, _, rest = piece.partition(MARK_END)
        out.append(safe(word), style)
        out.append(safe(rest))
    return out


def highlighted(text: str, spans: Iterable[tuple[int, int]], style: str = MATCH_STYLE) -> Content:
    """A multi-line text with the character ranges ``spans`` highlighted.

    The text is made safe piece by piece, so the offsets of ``spans`` refer to
    the original ``text`` (terminal_safe can change lengths).
    """
    parts: list[Content] = []
    pos = 0
    for s, e in sorted(spans):
        if s < pos or e <= s:
            continue
        parts.append(literal(text[pos:s], keep_newlines=True))
        parts.append(literal(text[s:e], style, keep_newlines=True))
        pos = e
    parts.append(literal(text[pos:], keep_newlines=True))
    return Content("").join(parts)


def size(n: int | None) -> str:
    """A byte count for people (1 KB = 1000 bytes)."""
    if n is None:
        return "?"
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{n / 1000:.0f} KB"
    return f"{n / 1_000_000:.1f} MB"


def date_vi(iso: str | None, *, with_time: bool = False) -> str:
    """``2024-03-05T08:00:00+07:00`` → ``05/03/2024`` (day first, as Vietnamese documents)."""
    if not iso or len(iso) < 10:
        return ""
    y, m, d = iso[0:4], iso[5:7], iso[8:10]
    out = f"{d}/{m}/{y}"
    if with_time and len(iso) >= 16:
        out += f" {iso[11:16]}"
    return out
