"""Ask for the folder to save an attachment into (``ModalScreen[str | None]``).

Pushed by the reader and attachment screens; the file name itself is made
safe by ``export.safe_names.safe_component`` when written.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from bparchive.tui import render
from bparchive.tui.i18n import I18n


def default_folder() -> str:
    downloads = Path.home() / "Downloads"
    return str(downloads if downloads.is_dir() else Path.home())


class SaveModal(ModalScreen[str | None]):
    """A folder path; Enter saves, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, i18n: I18n, filename: str, folder: str | None = None) -> None:
        super().__init__()
        self.i18n = i18n
        self.filename = filename
        self.folder = folder or default_folder()

    def compose(self) -> ComposeResult:
        t = self.i18n
        with Vertical(classes="modal-box"):
            yield Static(
                render.literal(t("save.title"), "bold"), classes="modal-title", markup=False
            )
            yield Static(render.literal(self.filename, "italic"), markup=False)
            yield Label(render.literal(t("save.folder")))
            yield Input(value=self.folder, id="folder")
            with Horizontal(classes="modal-buttons"):
                yield Button(render.literal(t("ok")), variant="primary", id="ok")
                yield Button(render.literal(t("cancel")), id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self) -> None:
        self.dismiss(self.query_one(Input).value.strip() or None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(
            self.query_one(Input).value.strip() or None if event.button.id == "ok" else None
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
