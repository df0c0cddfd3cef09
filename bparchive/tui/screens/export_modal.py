"""Export the current results: destination, format, secret documents or not.

``ExportModal`` (``ModalScreen[ExportRequest | None]``) asks; when confirmed
it starts the export itself in a thread worker on the app (so the progress
and the final notice survive the modal) through ``services.filing.export``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from bparchive.tui import render
from bparchive.tui.i18n import I18n

FORMATS = ("maildir", "mbox", "eml", "tree")


@dataclass
class ExportRequest:
    dest: str
    fmt: str
    query: str | None
    include_secret: bool


class ExportModal(ModalScreen[ExportRequest | None]):
    """Where and how to export."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, i18n: I18n, query: str | None, dest: str | None = None) -> None:
        super().__init__()
        self.i18n = i18n
        self.search_query = query
        self.dest = dest or str(Path.home() / "bparchive-export")

    def compose(self) -> ComposeResult:
        t = self.i18n
        with Vertical(classes="modal-box"):
            yield Static(
                render.literal(t("export.title"), "bold"), classes="modal-title", markup=False
            )
            yield Static(render.literal(self.search_query or t("side.all"), "italic"), markup=False)
            yield Label(render.literal(t("export.dest")))
            yield Input(value=self.dest, id="dest")
            yield Label(render.literal(t("export.format")))
            yield Select(
                [(t(f"fmt.{f}"), f) for f in FORMATS], value="tree", allow_blank=False, id="format"
            )
            yield Checkbox(render.literal(t("export.secret")), value=False, id="secret")
            with Horizontal(classes="modal-buttons"):
                yield Button(render.literal(t("ok")), variant="primary", id="ok")
                yield Button(render.literal(t("cancel")), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#dest", Input).focus()

    def request(self) -> ExportRequest:
        return ExportRequest(
            dest=self.query_one("#dest", Input).value.strip(),
            fmt=str(self.query_one("#format", Select).value),
            query=self.search_query,
            include_secret=self.query_one("#secret", Checkbox).value,
        )

    def _confirm(self) -> None:
        req = self.request()
        if not req.dest:
            return
        start_export(self.app, self.i18n, req)
        self.dismiss(req)

    def on_input_submitted(self) -> None:
        self._confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._confirm()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def start_export(app: Any, i18n: I18n, req: ExportRequest) -> None:
    """Run the export in a thread worker; notify when done (errors go to the app's handler)."""
    from bparchive.progress import CancelToken

    token = CancelToken()

    def job() -> Any:
        from bparchive.services import filing

        with app.archive_lock:
            result = filing.export(
                app.archive,
                req.dest,
                req.fmt,
                query=req.query,
                include_secret=req.include_secret,
                cancel=token,
            )
        n = _count(result)
        app.call_from_thread(
            app.notify, i18n("export.done", n=n, dest=render.safe(req.dest)), markup=False
        )
        app.last_export = result
        return result

    app.notify(i18n("export.started"), markup=False, timeout=3)
    app.run_worker(job, thread=True, group="export", exit_on_error=False)


def _count(result: Any) -> Any:
    for attr in ("exported", "count", "written", "messages"):
        value = getattr(result, attr, None)
        if isinstance(value, int):
            return value
        if isinstance(value, list | tuple):
            return len(value)
    if isinstance(result, int):
        return result
    if isinstance(result, dict):
        for key in ("exported", "count", "written", "messages"):
            if isinstance(result.get(key), int):
                return result[key]
    return "?"
