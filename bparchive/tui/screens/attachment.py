"""The extracted text of one attachment, with the searched words highlighted.

Pushed by the reader (Enter on an attachment). ``n`` jumps to the next
match; ``s`` saves the file, ``o`` opens it with the system viewer.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from bparchive.tui import render
from bparchive.tui.i18n import I18n
from bparchive.tui.keys import localize
from bparchive.tui.widgets.status_bar import StatusBar


class AttachmentScreen(Screen[None]):
    """Attachment text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("n", "next_match", "Next"),
        Binding("s", "save", "Save"),
        Binding("o", "open_external", "Open"),
        Binding("j", "scroll_down", "", show=False),
        Binding("k", "scroll_up", "", show=False),
    ]

    def __init__(self, i18n: I18n, mid: int, attachment: dict[str, Any], query: str = "") -> None:
        super().__init__()
        self.i18n = i18n
        self.mid = mid
        self.attachment = attachment
        self.search_query = query
        self.spans: list[tuple[int, int]] = []
        self.match_index = -1
        localize(self, i18n)

    def compose(self) -> ComposeResult:
        yield Static("", id="att-header", markup=False)
        with VerticalScroll(id="att-scroll"):
            yield Static("", id="att-text", markup=False)
        yield StatusBar(self.i18n)
        yield Footer()

    def on_mount(self) -> None:
        from bparchive.services.search import highlight_spans

        t = self.i18n
        a = self.attachment
        text = a.get("text") or ""
        self.spans = highlight_spans(self.search_query, text) if self.search_query else []
        head = [
            (a.get("filename") or a.get("path") or "?", "bold"),
            f"  {a.get('kind') or a.get('content_type') or ''} · {render.size(a.get('size'))} · {a.get('status')}",
        ]
        if self.spans:
            head.append(f" · {t('att.matches', n=len(self.spans))}")
        self.query_one("#att-header", Static).update(render.join(*head))
        body = self.query_one("#att-text", Static)
        if text:
            body.update(render.highlighted(text, self.spans))
        else:
            reason = f": {a['reason']}" if a.get("reason") else ""
            body.update(
                render.literal(
                    t("att.no_text", state=a.get("status") or "?", reason=reason), "italic"
                )
            )
        self.query_one("#att-scroll").focus()
        if self.spans:
            self.call_after_refresh(self.action_next_match)

    def action_next_match(self) -> None:
        if not self.spans:
            return
        self.match_index = (self.match_index + 1) % len(self.spans)
        text = self.attachment.get("text") or ""
        line = text.count("\n", 0, self.spans[self.match_index][0])
        scroll = self.query_one("#att-scroll", VerticalScroll)
        scroll.scroll_to(y=max(0, line - 3), animate=False)

    def action_save(self) -> None:
        from bparchive.tui.screens.reader import save_attachment

        save_attachment(self.app, self.i18n, self.mid, self.attachment)

    def action_open_external(self) -> None:
        from bparchive.tui.screens.reader import open_attachment

        open_attachment(self.app, self.i18n, self.mid, self.attachment)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll_down(self) -> None:
        self.query_one("#att-scroll", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#att-scroll", VerticalScroll).scroll_up()
