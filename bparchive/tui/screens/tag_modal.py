"""Add or remove tags and set the status (new / assigned / done) of a message.

``ModalScreen[tuple[list[str], list[str]] | None]``: returns the tags to add
and to remove (the status is a tag; the services keep the three exclusive),
or ``None`` when cancelled. Pushed by ``BPArchiveApp.tag_message``.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from bparchive.tui import render
from bparchive.tui.i18n import I18n
from bparchive.tui.widgets.sidebar import STATUS_TAGS


def split_tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class TagModal(ModalScreen[tuple[list[str], list[str]] | None]):
    """Tags to add and remove, and a status."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, i18n: I18n, tags: list[str]) -> None:
        super().__init__()
        self.i18n = i18n
        self.tags = list(tags)

    def compose(self) -> ComposeResult:
        t = self.i18n
        current = next((s for s in STATUS_TAGS if s in self.tags), "")
        with Vertical(classes="modal-box"):
            yield Static(
                render.literal(t("tag.title"), "bold"), classes="modal-title", markup=False
            )
            others = [x for x in self.tags if x not in STATUS_TAGS]
            yield Static(
                render.literal(", ".join(others) or "—", "italic"), id="current-tags", markup=False
            )
            yield Label(render.literal(t("tag.add")))
            yield Input(id="add")
            yield Label(render.literal(t("tag.remove")))
            yield Input(id="remove", value="")
            yield Label(render.literal(t("tag.status")))
            with RadioSet(id="status"):
                yield RadioButton(render.literal(t("tag.keep")), value=True, id="keep")
                for s in STATUS_TAGS:
                    yield RadioButton(
                        render.literal(t(f"status.{s}") + (" ●" if s == current else "")), id=s
                    )
            with Horizontal(classes="modal-buttons"):
                yield Button(render.literal(t("ok")), variant="primary", id="ok")
                yield Button(render.literal(t("cancel")), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#add", Input).focus()

    def result(self) -> tuple[list[str], list[str]]:
        add = split_tags(self.query_one("#add", Input).value)
        remove = split_tags(self.query_one("#remove", Input).value)
        pressed = self.query_one(RadioSet).pressed_button
        status = pressed.id if pressed is not None else "keep"
        if status in STATUS_TAGS:
            add.append(status)  # type: ignore[arg-type]
        return add, remove

    def on_input_submitted(self) -> None:
        self.dismiss(self.result())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.result() if event.button.id == "ok" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
