"""The message reader: headers, filing, body, attachments (type, size, text state, signature).

Pushed by the search screen when a result is opened. The message is loaded
with ``services.search.show`` in a thread worker. From here: the attachment
text (Enter), save an attachment (s), open it with the system viewer (o),
refile (r), tag (t), back (Esc).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from bparchive.tui import render
from bparchive.tui.i18n import I18n
from bparchive.tui.keys import localize
from bparchive.tui.widgets.status_bar import StatusBar


@dataclass
class MessageLoaded(Message):
    """``show()`` finished for the reader."""

    data: dict[str, Any] | None
    error: Exception | None = None


def addresses(items: list[dict[str, str]]) -> str:
    out = []
    for a in items or []:
        name, email = a.get("name") or "", a.get("email") or ""
        out.append(f"{name} <{email}>" if name else email)
    return ", ".join(out)


class ReaderScreen(Screen[None]):
    """One message."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("r", "refile", "Refile"),
        Binding("t", "tag", "Tag"),
        Binding("s", "save", "Save"),
        Binding("o", "open_external", "Open"),
        Binding("j", "scroll_down", "", show=False),
        Binding("k", "scroll_up", "", show=False),
    ]

    def __init__(self, i18n: I18n, mid: int, query: str = "") -> None:
        super().__init__()
        self.i18n = i18n
        self.mid = mid
        self.search_query = query
        self.data: dict[str, Any] | None = None
        localize(self, i18n)

    def compose(self) -> ComposeResult:
        t = self.i18n
        with VerticalScroll(id="message"):
            yield Static("", id="banner", markup=False)
            yield Static("", id="headers", markup=False)
            yield Static("", id="body", markup=False)
        yield Static(render.literal(t("reader.attachments"), "bold"), id="att-title", markup=False)
        yield DataTable(id="attachments", cursor_type="row")
        yield StatusBar(t)
        yield Footer()

    def on_mount(self) -> None:
        t = self.i18n
        table = self.query_one("#attachments", DataTable)
        for key in ("name", "type", "size", "state", "signed"):
            table.add_column(Text(t(f"att.col.{key}"), style="bold"), key=key)
        self.query_one("#message").focus()
        self.load()

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False)
    def load(self) -> None:
        from bparchive.errors import BPArchiveError
        from bparchive.services.search import get_message_or_fail, show

        app: Any = self.app
        try:
            store = app.archive.reader()
            try:
                get_message_or_fail(store, self.mid)
                data = show(store, self.mid)
            finally:
                store.close()
        except BPArchiveError as e:
            self.post_message(MessageLoaded(None, e))
            return
        self.post_message(MessageLoaded(data))

    def on_message_loaded(self, message: MessageLoaded) -> None:
        if message.error is not None or message.data is None:
            self.app.show_error(message.error)  # type: ignore[attr-defined]
            return
        self.data = m = message.data
        t = self.i18n
        f = m["filing"]
        banner = self.query_one("#banner", Static)
        if f.get("secret"):
            banner.update(
                render.literal(
                    t("reader.secret", level=render.safe(f.get("secret_level") or "MẬT")),
                    "bold white on red",
                )
            )
            banner.display = True
        else:
            banner.display = False
        from bparchive.filing import category_label, doc_type_label

        lang = t.language
        refs = ", ".join(r.get("display", "") for r in f.get("refs", []))
        filed = " / ".join(
            x
            for x in (
                category_label(f.get("category", ""), lang),
                doc_type_label(f.get("doc_type") or None, lang),
                refs,
                f.get("urgency") or "",
            )
            if x
        )
        folders = ", ".join(f"{loc['account']}/{loc['folder']}" for loc in m.get("locations", []))
        lines: list[tuple[str, str]] = [
            (t("reader.subject"), m.get("subject") or ""),
            (t("reader.from"), addresses(m.get("from", []))),
            (t("reader.to"), addresses(m.get("to", []))),
        ]
        if m.get("cc"):
            lines.append((t("reader.cc"), addresses(m["cc"])))
        lines += [
            (t("reader.date"), render.date_vi(m.get("date"), with_time=True)),
            (t("reader.filed"), filed),
        ]
        if m.get("tags"):
            lines.append((t("reader.tags"), ", ".join(m["tags"])))
        lines.append((t("reader.folders"), folders))
        parts: list[Any] = []
        for i, (label, value) in enumerate(lines):
            parts.append((f"{label}: ".rjust(12), "bold"))
            parts.append((value, "bold" if i == 0 else ""))
            parts.append("\n")
        if m.get("body_encoding") not in ("unicode", "", None):
            parts.append((t("reader.converted", enc=str(m["body_encoding"]).upper()), "italic"))
            parts.append("\n")
        self.query_one("#headers", Static).update(render.join(*parts))
        body = m.get("body") or ""
        from bparchive.services.search import highlight_spans

        spans = highlight_spans(self.search_query, body) if self.search_query else []
        self.query_one("#body", Static).update(render.highlighted(body, spans))
        table = self.query_one("#attachments", DataTable)
        table.clear()
        for a in m.get("attachments", []):
            state = a.get("status") or ""
            if a.get("pages"):
                state += f" ({a['pages']} tr.)" if lang == "vi" else f" ({a['pages']} p.)"
            signed = (
                t("att.signed", signer=render.safe(a.get("signer") or "?"))
                if a.get("signed")
                else t("att.unsigned")
            )
            table.add_row(
                render.cell(a.get("filename") or a.get("path") or "?", "bold"),
                render.cell(a.get("kind") or a.get("content_type") or ""),
                render.cell(render.size(a.get("size"))),
                render.cell(state, "" if a.get("status") == "ok" else "italic"),
                render.cell(signed, "green" if a.get("signed") else "dim"),
                key=str(a["idx"]),
            )
        has = bool(m.get("attachments"))
        table.display = has
        self.query_one("#att-title", Static).update(
            render.literal(t("reader.attachments") if has else t("reader.no_attachments"), "bold")
        )

    # -- attachments -------------------------------------------------------------

    def current_attachment(self) -> dict[str, Any] | None:
        if not self.data or not self.data.get("attachments"):
            return None
        table = self.query_one("#attachments", DataTable)
        row = table.cursor_row if table.cursor_row >= 0 else 0
        atts = self.data["attachments"]
        return atts[row] if row < len(atts) else atts[0]

    @on(DataTable.RowSelected, "#attachments")
    def _att_selected(self, event: DataTable.RowSelected) -> None:
        from bparchive.tui.screens.attachment import AttachmentScreen

        if not self.data:
            return
        idx = int(str(event.row_key.value))
        att = next((a for a in self.data["attachments"] if a["idx"] == idx), None)
        if att is not None:
            self.app.push_screen(AttachmentScreen(self.i18n, self.mid, att, self.search_query))

    def action_save(self) -> None:
        att = self.current_attachment()
        if att is not None:
            save_attachment(self.app, self.i18n, self.mid, att)

    def action_open_external(self) -> None:
        att = self.current_attachment()
        if att is not None:
            open_attachment(self.app, self.i18n, self.mid, att)

    # -- filing ------------------------------------------------------------------

    def action_refile(self) -> None:
        if self.data:
            self.app.refile_message(self.mid, self.data["filing"].get("category", ""), self.load)  # type: ignore[attr-defined]

    def action_tag(self) -> None:
        if self.data:
            self.app.tag_message(self.mid, list(self.data.get("tags", [])), self.load)  # type: ignore[attr-defined]

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_scroll_down(self) -> None:
        self.query_one("#message", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#message", VerticalScroll).scroll_up()


def save_attachment(app: Any, i18n: I18n, mid: int, att: dict[str, Any]) -> None:
    """Ask for a folder and save the attachment there under a safe name."""
    from bparchive.tui.screens.save_modal import SaveModal

    def chosen(folder: str | None) -> None:
        if folder:
            _save_worker(app, i18n, mid, att, folder)

    app.push_screen(SaveModal(i18n, att.get("filename") or ""), chosen)


def _save_worker(app: Any, i18n: I18n, mid: int, att: dict[str, Any], folder: str) -> None:
    def job() -> None:
        path = write_attachment(app.archive, mid, att, folder)
        app.call_from_thread(app.notify, i18n("att.saved", path=render.safe(path)), markup=False)

    app.run_worker(job, thread=True, group="save", exit_on_error=False)


def write_attachment(archive: Any, mid: int, att: dict[str, Any], folder: str) -> str:
    """Write the attachment's bytes into ``folder`` (never over an existing file); return the path."""
    import os
    from pathlib import Path

    from bparchive.export.safe_names import safe_component
    from bparchive.services.search import attachment_payload

    name, _ctype, payload = attachment_payload(archive, mid, int(att["idx"]))
    base = safe_component(
        name or att.get("filename") or "", fallback=f"attachment-{mid}-{att['idx']}"
    )
    dest_dir = Path(folder).expanduser()
    dest_dir.mkdir(parents=True, exist_ok=True)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    candidate = dest_dir / base
    n = 1
    while True:
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            n += 1
            candidate = dest_dir / (f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})")
    with os.fdopen(fd, "wb") as fh:
        fh.write(payload)
    return str(candidate)


def open_attachment(app: Any, i18n: I18n, mid: int, att: dict[str, Any]) -> None:
    """Open the attachment with the system viewer (xdg-open) from a private temporary copy."""
    import shutil

    opener = shutil.which("xdg-open")
    if opener is None:
        app.notify(i18n("att.no_viewer"), severity="warning", markup=False)
        return

    def job() -> None:
        import subprocess
        import tempfile

        folder = tempfile.mkdtemp(prefix="bparchive-view-")
        path = write_attachment(app.archive, mid, att, folder)
        subprocess.Popen(
            [opener, path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        app.call_from_thread(app.notify, i18n("att.opened"), markup=False, timeout=3)

    app.run_worker(job, thread=True, group="open", exit_on_error=False)
