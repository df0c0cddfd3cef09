"""The help screen: keys and the query language, in the interface language."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from bparchive.tui import render
from bparchive.tui.i18n import I18n
from bparchive.tui.keys import localize


class HelpScreen(Screen[None]):
    """Keys and query language."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("f1", "back", "", show=False),
        Binding("j", "scroll_down", "", show=False),
        Binding("k", "scroll_up", "", show=False),
    ]

    def __init__(self, i18n: I18n) -> None:
        super().__init__()
        self.i18n = i18n
        localize(self, i18n)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-scroll"):
            yield Static(render.literal(self.i18n("help.title"), "bold"), markup=False)
            yield Static(
                render.literal(self.i18n.help_text, keep_newlines=True),
                id="help-text",
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll_down(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).scroll_up()
