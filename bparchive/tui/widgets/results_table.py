"""The results list: date, sender with agency, subject, category, reference, marks.

Used by the search screen. Rows are keyed by message id; the table asks for
more (``NearEnd``) when the cursor or the scroll gets close to the last
loaded row, so thousands of results scroll without loading them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from bparchive.tui import render
from bparchive.tui.i18n import I18n

COLUMNS = ("mark", "date", "from", "subject", "category", "ref")


def sender(row: Any) -> str:
    """Sender name with its agency (from the Điều 5 address pattern) when it is a person."""
    from bparchive.filing import agency_name, parse_address

    name = row.from_name or row.from_
    info = parse_address(row.from_)
    if info.kind == "person" and info.agency:
        full = agency_name(info.agency)
        return f"{name} · {full if full and len(full) < 28 else info.agency.upper()}"
    return name


def short_category(category: str, lang: str) -> str:
    from bparchive.filing import category_label

    return category_label(category, lang) if category else ""


class ResultsTable(DataTable[Any]):
    """Search results, one row per message."""

    DEFAULT_CSS = """
    ResultsTable { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "", show=False),
        Binding("k", "cursor_up", "", show=False),
        Binding("home,g", "scroll_top", "", show=False),
        Binding("end,G", "scroll_bottom", "", show=False),
    ]

    @dataclass
    class NearEnd(Message):
        """The cursor or scroll is near the last loaded row."""

    def __init__(self, i18n: I18n, **kw: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kw)
        self.i18n = i18n
        self.rows_by_key: dict[str, Any] = {}
        self.ordered: list[Any] = []
        self._width = 0

    def on_mount(self) -> None:
        t = self.i18n
        for key in COLUMNS:
            self.add_column(
                Text(t(f"col.{key}"), style="bold"), key=key, width=self._widths(80)[key]
            )
        self.watch(self, "scroll_y", self._scrolled, init=False)

    def _widths(self, total: int) -> dict[str, int]:
        # Six columns with one cell of padding each side; the subject takes what is left.
        avail = max(total - 2 * len(COLUMNS) - 2, 40)
        mark, date = 5, 10
        rest = avail - mark - date
        frm = max(10, int(rest * 0.24))
        cat = max(8, int(rest * 0.16))
        ref = max(9, int(rest * 0.17))
        subj = max(12, rest - frm - cat - ref)
        return {
            "mark": mark,
            "date": date,
            "from": frm,
            "subject": subj,
            "category": cat,
            "ref": ref,
        }

    def on_resize(self) -> None:
        width = self.size.width
        if width and width != self._width:
            self._width = width
            widths = self._widths(width)
            for key, col in self.columns.items():
                col.width = widths[str(key.value)]
                col.auto_width = False
            self._require_update_dimensions = True
            self.refresh()

    def mark(self, row: Any) -> Text:
        out = Text(end="")
        if row.secret:
            out.append(self.i18n("mark.secret")[:3], style="bold white on red")
        elif row.urgency:
            out.append("!", style="bold yellow")
        if row.attachments:
            n = len(row.attachments)
            out.append(
                "▪" + (str(n) if n > 1 else ""),
                style="bold" if any(a.get("matched") for a in row.attachments) else "",
            )
        return out

    def cells(self, row: Any) -> list[Text]:
        lang = self.i18n.language
        style = "bold" if row.unread else ""
        return [
            self.mark(row),
            render.cell(render.date_vi(row.date)),
            render.cell(sender(row), style),
            render.cell(row.subject, style),
            render.cell(short_category(row.category, lang), "italic"),
            render.cell(row.refs[0] if row.refs else ""),
        ]

    def show(self, rows: list[Any], *, append: bool = False) -> None:
        """Show ``rows`` (replacing the list, or adding those not shown yet)."""
        if not append:
            self.clear()
            self.rows_by_key.clear()
            self.ordered = []
        new = [r for r in rows if str(r.id) not in self.rows_by_key]
        for r in new:
            self.rows_by_key[str(r.id)] = r
            self.ordered.append(r)
        for r in new:
            self.add_row(*self.cells(r), key=str(r.id))
        if not append and self.row_count:
            self.move_cursor(row=0, animate=False)

    def replace_row(self, row: Any) -> None:
        """Redraw one row after a refile or tag."""
        key = str(row.id)
        if key not in self.rows_by_key:
            return
        self.rows_by_key[key] = row
        self.ordered = [row if str(r.id) == key else r for r in self.ordered]
        for col, value in zip(COLUMNS, self.cells(row), strict=True):
            self.update_cell(key, col, value)

    @property
    def current(self) -> Any | None:
        """The row under the cursor."""
        if not self.row_count or self.cursor_row < 0:
            return None
        try:
            key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key.value
        except CellDoesNotExist:  # the table is being rebuilt
            return None
        return self.rows_by_key.get(str(key))

    def watch_cursor_coordinate(self, old: Any, new: Any) -> None:
        super().watch_cursor_coordinate(old, new)
        if self.row_count and new.row > 0 and new.row >= self.row_count - 10:
            self.post_message(self.NearEnd())

    def _scrolled(self, value: float) -> None:
        if self.row_count and value > 0 and value >= self.max_scroll_y - 3:
            self.post_message(self.NearEnd())
