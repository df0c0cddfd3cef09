"""The report screen: messages per month and per category (textual-plotext charts) and the usage report.

Pushed by F6 / the command palette. Counts come from
``services.filing.virtual_folders``; the period report text from
``services.filing.report`` + ``render_report(rep, "text")``, for the last 12 months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from bparchive.tui import render
from bparchive.tui.i18n import I18n
from bparchive.tui.keys import localize
from bparchive.tui.widgets.bar_chart import BarChart
from bparchive.tui.widgets.status_bar import StatusBar

MONTHS_SHOWN = 12


@dataclass
class ReportLoaded(Message):
    folders: list[dict[str, Any]]
    text: str


def per_month(
    folders: list[dict[str, Any]], months: int = MONTHS_SHOWN
) -> tuple[list[str], list[int]]:
    """The last ``months`` months that have mail, oldest first: labels MM/YY and counts."""
    totals: dict[tuple[int, int], int] = {}
    for c in folders:
        for y in c.get("years", []):
            for m in y.get("months", []):
                key = (int(y["year"]), int(m["month"]))
                totals[key] = totals.get(key, 0) + int(m.get("count") or 0)
    keys = sorted(totals)[-months:]
    return [f"{m:02d}/{y % 100:02d}" for y, m in keys], [totals[k] for k in keys]


def per_category(folders: list[dict[str, Any]], lang: str) -> tuple[list[str], list[int]]:
    rows = sorted(
        (
            (c.get("label_vi") if lang == "vi" else c.get("label_en")) or c["category"],
            int(c.get("count") or 0),
        )
        for c in folders
        if c.get("count")
    )
    rows.sort(key=lambda r: -r[1])
    return [r[0][:22] for r in rows], [r[1] for r in rows]


class ReportScreen(Screen[None]):
    """Charts and the usage report."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back")]

    def __init__(self, i18n: I18n) -> None:
        super().__init__()
        self.i18n = i18n
        self.folders: list[dict[str, Any]] = []
        localize(self, i18n)

    def compose(self) -> ComposeResult:
        t = self.i18n
        yield Static(render.literal(t("report.title"), "bold"), id="report-title", markup=False)
        with Horizontal(id="charts"):
            yield BarChart(t("report.by_month"), id="by-month")
            yield BarChart(t("report.by_category"), horizontal=True, id="by-category")
        with VerticalScroll(id="report-text-box"):
            yield Static(
                render.literal(t("report.loading"), "italic"), id="report-text", markup=False
            )
        yield StatusBar(t)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def load(self) -> None:
        from bparchive.services import filing

        app: Any = self.app
        with app.archive_lock:
            folders = list(filing.virtual_folders(app.archive))
            until = dt.date.today()
            since = (until.replace(day=1) - dt.timedelta(days=365)).replace(day=1)
            text = filing.render_report(filing.report(app.archive, since, until), "text")
        self.post_message(ReportLoaded(folders, str(text)))

    def on_report_loaded(self, message: ReportLoaded) -> None:
        self.folders = message.folders
        labels, values = per_month(message.folders)
        self.query_one("#by-month", BarChart).set_data(labels, values)
        labels, values = per_category(message.folders, self.i18n.language)
        self.query_one("#by-category", BarChart).set_data(labels, values)
        self.query_one("#report-text", Static).update(
            render.literal(message.text, keep_newlines=True)
        )

    def action_back(self) -> None:
        self.app.pop_screen()
