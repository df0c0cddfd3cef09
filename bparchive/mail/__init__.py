"""Message parsing: raw RFC 5322 bytes → headers, body text and attachment parts.

Public API (used by the ingest stage and ``bparchive show``):

- ``parse_message(raw, *, limits=None) -> ParsedMessage`` (never raises on bad input)
- ``MailLimits``, ``ParsedMessage``, ``Part``, ``TextPart``, ``Address`` (frozen dataclasses
  with ``to_dict`` / ``from_dict``)
- ``html_to_text(html)`` and ``safe_filename(name)`` helpers.
"""

from __future__ import annotations

from bparchive.htmltext import html_to_text
from bparchive.mail.model import Address, MailLimits, ParsedMessage, Part, TextPart
from bparchive.mail.parser import parse_message, safe_filename

__all__ = [
    "Address",
    "MailLimits",
    "ParsedMessage",
    "Part",
    "TextPart",
    "html_to_text",
    "parse_message",
    "safe_filename",
]
