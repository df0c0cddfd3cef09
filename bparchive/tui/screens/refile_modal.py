"""Choose the category to refile a message under (``ModalScreen[str | None]``).

Pushed by ``BPArchiveApp.refile_message``; returns a category id of
``bparchive.filing.CATEGORIES`` or ``None`` when cancelled.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from bparchive.tui import render
from bparchive.tui.i18n import I18n


class RefileModal(ModalScreen[str | None]):
    """A list of categories; Enter picks one, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("j", "down", show=False),
        Binding("k", "up", show=False),
    ]

    def __init__(self, i18n: I18n, current: str = "") -> None:
        super().__init__()
        self.i18n = i18n
        self.current = current

    def compose(self) -> ComposeResult:
        from bparchive.filing import CATEGORIES

        lang = self.i18n.language
        options = []
        for cat, (vi, en) in CATEGORIES.items():
            label = vi if lang == "vi" else en
            mark = "● " if cat == self.current else "  "
            options.append(Option(render.literal(mark + label), id=cat))
        with Vertical(classes="modal-box"):
            yield Static(
                render.literal(self.i18n("refile.title"), "bold"),
                classes="modal-title",
                markup=False,
            )
            yield OptionList(*options, id="categories")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        if self.current:
            try:
                ol.highlighted = ol.get_option_index(self.current)
            except LookupError:
                ol.highlighted = 0
        ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
