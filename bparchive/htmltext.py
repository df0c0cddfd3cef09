"""HTML → readable plain text.

Called by :mod:`bparchive.mail.parser` (text/html bodies with no text/plain
alternative) and :mod:`bparchive.extract.html` (HTML attachments); it lives in
the bottom layer so both independent layers share one converter. Scripts, styles and the document head are dropped;
block elements become line breaks; table rows become lines with cells separated by
" | "; links keep their target as ``text <url>``; image alt text is not kept (it would
pollute the index with attribute text).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "svg", "object"})
_BLOCK = frozenset(
    {
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "blockquote", "pre", "hr", "section", "article",
        "header", "footer", "nav", "aside", "form", "center", "address", "fieldset",
        "figure", "figcaption", "main", "caption", "html", "body", "tr", "li",
    }
)  # fmt: skip
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")


class _Converter(HTMLParser):
    def __init__(self, max_chars: int) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.size = 0
        self.max_chars = max_chars
        self.skip_depth = 0
        self.skip_tag: list[str] = []
        self.pre = 0
        self.links: list[tuple[str, int]] = []
        self.cell_open = False
        self.row_cells = 0
        self.full = False

    def _emit(self, text: str) -> None:
        if self.full:
            return
        self.out.append(text)
        self.size += len(text)
        if self.size > self.max_chars:
            self.full = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth:
            if tag == self.skip_tag[-1] and tag not in _VOID:
                self.skip_depth += 1
                self.skip_tag.append(tag)
            return
        if tag in _SKIP:
            self.skip_depth = 1
            self.skip_tag = [tag]
            return
        if tag == "pre":
            self.pre += 1
        if tag == "tr":
            self.row_cells = 0
            self._emit("\n")
        elif tag in ("td", "th"):
            if self.row_cells:
                self._emit(" | ")
            self.row_cells += 1
        elif tag == "li":
            self._emit("\n- ")
        elif tag in _BLOCK:
            self._emit("\n")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append((href.strip(), len(self.out)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth:
            return
        if tag in ("br", "hr") or tag in _BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            if tag in self.skip_tag:
                while self.skip_tag:
                    self.skip_depth -= 1
                    if self.skip_tag.pop() == tag:
                        break
                if not self.skip_tag:
                    self.skip_depth = 0
            return
        if tag == "pre" and self.pre:
            self.pre -= 1
        if tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.out[start:]).strip()
            if (
                href
                and text
                and not href.startswith(("#", "javascript:", "cid:", "data:"))
                and href.removeprefix("mailto:") != text
                and href != text
            ):
                self._emit(f" <{href}>")
        if tag in _BLOCK and tag not in ("li", "tr"):
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
        self._emit(data)


def html_to_text(html: str, max_chars: int = 4 * 1024 * 1024) -> str:
    """Convert HTML to readable plain text.

    Args:
        html: the decoded HTML document or fragment.
        max_chars: output is cut after about this many characters.

    Returns:
        Text with one block per line, table rows as ``cell | cell`` lines, links as
        ``text <url>``; never raises on malformed markup.
    """
    conv = _Converter(max_chars)
    # Feed in slices so a huge document stops early once the output is full.
    step = 1 << 20
    for start in range(0, len(html), step):
        conv.feed(html[start : start + step])
        if conv.full:
            break
    if not conv.full:
        conv.close()
    text = "".join(conv.out)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return _BLANKS.sub("\n\n", text).strip()[:max_chars]
