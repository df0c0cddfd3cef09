"""HTML attachments: charset sniffing (BOM, ``<meta>``), then text via ``_htmltext``.

Called by :func:`bparchive.extract.extract` for text/html attachments and .htm files.
"""

from __future__ import annotations

import re

from bparchive.extract.common import decode, finish
from bparchive.extract.limits import ExtractLimits
from bparchive.extract.model import Extraction
from bparchive.htmltext import html_to_text

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def sniff_charset(data: bytes) -> str | None:
    """Charset of an HTML document from its BOM or ``<meta>`` (None when undeclared)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    if head[:200].count(b"\x00") > 20:
        return "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    found = _META.search(head)
    return found.group(1).decode("ascii").lower() if found else None


def extract_html(data: bytes, limits: ExtractLimits) -> Extraction:
    """Extract readable text from an HTML document.

    Args:
        data: HTML bytes.
        limits: text limit.

    Returns:
        ok/empty with the text and the charset repair applied.
    """
    charset = sniff_charset(data)
    if charset and charset.startswith("utf-16"):
        text, encoding = data.decode(charset, "replace").lstrip("\ufeff"), "unicode"
    else:
        text, encoding = decode(data, charset)
    return finish(html_to_text(text, limits.max_text_chars), "html", limits, encoding=encoding)
