"""The main screen: sidebar, search box, results, a preview of the match, status bar.

Pushed by :class:`bparchive.tui.app.BPArchiveApp` at start. Typing in the search
box runs the query after a short pause in an exclusive thread worker; a newer
keystroke cancels the older search (its result, if it still arrives, is
dropped by sequence number). More rows are fetched when the list nears its end.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static

from bparchive.errors import BPArchiveError, QueryError, StoreError
from bparchive.tui import render
from bparchive.tui.i18n import I18n
from bparchive.tui.keys import localize
from bparchive.tui.messages import SearchCompleted, SearchFailed, SidebarLoaded, SnippetLoaded
from bparchive.tui.widgets.results_table import ResultsTable
from bparchive.tui.widgets.sidebar import Sidebar
from bparchive.tui.widgets.status_bar import StatusBar

#: Everything in the archive (a negation that excludes nothing), newest first.
ALL_QUERY = "-(is:read AND is:unread)"
DEBOUNCE_SECONDS = 0.04
PAGE = 100  # rows fetched each time the list nears its end
FIRST_PAGE_MIN = 20  # the first page only fills the screen: snippets cost per row
RELEVANCE_CAP = 500  # the index re-ranks at most this many hits by relevance
SIDEBAR_MIN_WIDTH = 100


class SearchScreen(Screen[None]):
    """Search as you type over the whole archive."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "/", show=False),
        Binding("escape", "back", "Back", show=False),
        Binding("f2", "toggle_sidebar", "Sidebar"),
        Binding("f4", "toggle_sort", "Sort"),
        Binding("r", "refile", "Refile"),
        Binding("t", "tag", "Tag"),
        Binding("e", "export", "Export"),
    ]

    def __init__(self, i18n: I18n) -> None:
        super().__init__()
        self.i18n = i18n
        self.sort = "relevance"
        self.limit = PAGE
        self.seq = 0
        self.query_text = ""
        self.total = 0
        self.loading_more = False
        self.error: str = ""
        self.converted: str = ""
        self._timer: Timer | None = None
        self._keep: int | None = None
        self.searches_done = 0
        self.completed_seq = 0
        localize(self, i18n)

    def compose(self) -> ComposeResult:
        t = self.i18n
        with Horizontal(id="main"):
            yield Sidebar(t, id="sidebar")
            with Vertical(id="content"):
                yield Input(placeholder=t("search.placeholder"), id="search")
                yield Static(render.literal(t("search.hint")), id="hint", markup=False)
                yield ResultsTable(t, id="results")
                yield Static("", id="preview", markup=False)
        yield StatusBar(t, id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()
        self.start_search()
        data = getattr(self.app, "sidebar_data", None)
        if data is not None:
            self.show_sidebar(data)

    def on_resize(self) -> None:
        sidebar = self.query_one(Sidebar)
        if not getattr(self, "_sidebar_forced", False):
            sidebar.display = self.size.width >= SIDEBAR_MIN_WIDTH

    # -- sidebar -------------------------------------------------------------

    def show_sidebar(self, data: SidebarLoaded) -> None:
        saved: list[dict[str, str]] = []
        try:
            saved = list(self.app.archive.settings.saved_searches)  # type: ignore[attr-defined]
        except BPArchiveError:
            saved = []
        self.query_one(Sidebar).load(data.status, data.folders, data.tags, saved, data.total)

    @on(Sidebar.QueryChosen)
    def _sidebar_query(self, event: Sidebar.QueryChosen) -> None:
        self.set_query(event.query)
        self.query_one(ResultsTable).focus()

    def set_query(self, query: str) -> None:
        """Put ``query`` in the search box and run it now."""
        box = self.query_one("#search", Input)
        with box.prevent(Input.Changed):
            box.value = query
        self.query_text = query
        self.start_search()

    # -- searching -----------------------------------------------------------

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self.start_search)

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self.start_search()
        self.query_one(ResultsTable).focus()

    def effective(self) -> tuple[str, str]:
        """The query and sort order actually run (a blank box lists everything, newest first)."""
        q = self.query_text.strip()
        if not q:
            return ALL_QUERY, "date"
        return q, self.sort

    def start_search(self, *, append: bool = False) -> None:
        """Search again (a new sequence number makes older results stale)."""
        self._timer = None
        self.seq += 1
        if not append:
            self.limit = self.first_page()
        query, sort = self.effective()
        self._search_worker(self.seq, query, sort, self.limit, append)

    def first_page(self) -> int:
        """Rows to fetch for a new query: what the list can show, and a few more."""
        height = self.query_one(ResultsTable).size.height if self.is_mounted else 0
        return max(FIRST_PAGE_MIN, height + 10)

    def rerun(self, keep: int | None = None) -> None:
        """Run the current query again with as many rows as shown, keeping the cursor on ``keep``."""
        table = self.query_one(ResultsTable)
        cur = table.current
        self._keep = keep if keep is not None else (cur.id if cur is not None else None)
        self.seq += 1
        query, sort = self.effective()
        self._search_worker(self.seq, query, sort, max(self.limit, self.first_page()), False)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search_worker(self, seq: int, query: str, sort: str, limit: int, append: bool) -> None:
        from bparchive.tui.app import current_worker_cancelled

        app: Any = self.app
        with app.search_lock:
            if current_worker_cancelled():
                return  # a newer search is queued behind us
            try:
                # Rows without snippets: the preview asks for the one it shows.
                page = app.search_service().search(query, limit=limit, sort=sort, snippets=False)
            except (QueryError, StoreError) as e:
                self.post_message(SearchFailed(seq, query, e))
                return
        if not current_worker_cancelled():
            self.post_message(SearchCompleted(seq, query, page, limit, append))

    def on_search_completed(self, message: SearchCompleted) -> None:
        if message.seq != self.seq:
            return
        t = self.i18n
        page = message.page
        table = self.query_one(ResultsTable)
        self.total = page.total
        self.loading_more = False
        self.limit = message.limit
        self.error = ""
        typed = self.query_text.strip()
        self.converted = page.converted_query if typed and page.converted_query != typed else ""
        table.show(page.rows, append=message.append)
        if self._keep is not None:
            key = str(self._keep)
            self._keep = None
            if key in table.rows_by_key:
                table.move_cursor(row=table.get_row_index(key), animate=False)
        self._show_hint()
        shown = table.row_count
        if not typed:
            results = t("search.recent", total=_n(page.total))
        elif shown < page.total:
            results = t("search.results_shown", total=_n(page.total), shown=_n(shown))
        else:
            results = t("search.results", total=_n(page.total))
        results += f" · {t('sort.' + self.effective()[1])}"
        app: Any = self.app
        app.status_state.results = results
        app.refresh_status()
        self._show_preview()
        self.completed_seq = message.seq
        self.searches_done += 1

    def on_search_failed(self, message: SearchFailed) -> None:
        if message.seq != self.seq:
            return
        self.loading_more = False
        err = message.error
        if isinstance(err, QueryError):
            self.error = self.i18n("search.error", message=render.safe(err))
        else:
            self.error = (
                self.i18n("search.empty_archive")
                if not self.app.archive.paths.db_file.exists()
                else render.safe(err)
            )  # type: ignore[attr-defined]
            self.query_one(ResultsTable).show([])
        self.converted = ""
        self._show_hint()
        self.completed_seq = message.seq
        self.searches_done += 1

    def _show_hint(self) -> None:
        hint = self.query_one("#hint", Static)
        t = self.i18n
        if self.error:
            hint.update(render.literal(self.error, "bold $error"))
        elif self.converted:
            hint.update(
                render.join(
                    (t("search.understood", query=""), "bold"), (self.converted, "bold $accent")
                )
            )
        elif (
            self.sort == "relevance"
            and self.total > RELEVANCE_CAP
            and self.query_one(ResultsTable).row_count >= RELEVANCE_CAP
        ):
            hint.update(render.literal(t("search.relevance_cap", n=RELEVANCE_CAP), "italic"))
        else:
            hint.update(render.literal(t("search.hint"), "dim"))

    @on(ResultsTable.NearEnd)
    def _more(self) -> None:
        table = self.query_one(ResultsTable)
        query, sort = self.effective()
        cap = self.total if sort == "date" else min(self.total, RELEVANCE_CAP)
        if self.loading_more or table.row_count >= cap or self._timer is not None:
            return
        self.loading_more = True
        self.limit = table.row_count + PAGE
        self.seq += 1
        self._search_worker(self.seq, query, sort, self.limit, True)

    # -- preview and opening ---------------------------------------------------

    @on(DataTable.RowHighlighted, "#results")
    def _highlighted(self) -> None:
        self._show_preview()

    def _show_preview(self) -> None:
        row = self.query_one(ResultsTable).current
        preview = self.query_one("#preview", Static)
        if row is None:
            preview.update("")
            return
        query = self.effective()[0]
        if not row.snippet and self.query_text.strip():
            preview.update("")
            self._snippet_worker(query, row.id)
            return
        source = row.snippet_source or ""
        lead = ""
        if source.startswith("attachment:"):
            lead = self.i18n("snippet.in", source=render.safe(source.split(":", 1)[1]))
        preview.update(render.join((lead, "italic"), render.snippet(row.snippet or "")))

    @work(thread=True, exclusive=True, group="snippet", exit_on_error=False)
    def _snippet_worker(self, query: str, mid: int) -> None:
        from bparchive.tui.app import current_worker_cancelled

        app: Any = self.app
        with app.search_lock:
            if current_worker_cancelled():
                return
            try:
                snippet, source = app.search_service().snippet(query, mid)
            except (QueryError, StoreError):
                return
        if not current_worker_cancelled():
            self.post_message(SnippetLoaded(query, mid, snippet, source))

    def on_snippet_loaded(self, message: SnippetLoaded) -> None:
        row = self.query_one(ResultsTable).rows_by_key.get(str(message.mid))
        if row is None or message.query != self.effective()[0]:
            return
        row.snippet = message.snippet or " "
        row.snippet_source = message.source
        current = self.query_one(ResultsTable).current
        if current is not None and current.id == message.mid:
            self._show_preview()

    @on(DataTable.RowSelected, "#results")
    def _open(self, event: DataTable.RowSelected) -> None:
        from bparchive.tui.screens.reader import ReaderScreen

        row = self.query_one(ResultsTable).rows_by_key.get(str(event.row_key.value))
        if row is not None:
            q = self.query_text.strip()
            self.app.push_screen(ReaderScreen(self.i18n, row.id, q))

    # -- actions ---------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        box = self.query_one("#search", Input)
        if box.has_focus or self.focused is self.query_one(Sidebar):
            self.query_one(ResultsTable).focus()
        else:
            box.focus()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        self._sidebar_forced = True
        sidebar.display = not sidebar.display
        if sidebar.display:
            sidebar.focus()

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self.start_search()

    def action_refile(self) -> None:
        row = self.query_one(ResultsTable).current
        if row is not None:
            self.app.refile_message(row.id, row.category)  # type: ignore[attr-defined]

    def action_tag(self) -> None:
        row = self.query_one(ResultsTable).current
        if row is not None:
            self.app.tag_message(row.id, list(row.tags))  # type: ignore[attr-defined]

    def action_export(self) -> None:
        from bparchive.tui.screens.export_modal import ExportModal

        if not self.query_one(ResultsTable).row_count:
            self.notify(self.i18n("export.nothing"), severity="warning", markup=False)
            return
        query = self.query_text.strip() or None
        self.app.push_screen(ExportModal(self.i18n, query))


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")
