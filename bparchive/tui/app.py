"""The Textual application: ``BPArchiveApp`` and ``run_app``.

``bparchive`` with no command (cli.py) and ``bparchive demo`` (cli_tui.py)
call :func:`run_app`; tests and the latency benchmark build
:class:`BPArchiveApp` directly and drive it with Pilot. The app owns what all
screens share: the archive, the search service (used only from workers, under
a lock), the sync worker and its cancel token, the network check, and the
status-bar state. All work on the archive runs in thread workers that call
the services (STYLE habit 5); the event loop never waits on SQLite, Whoosh
or the network.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState, get_current_worker

from bparchive.errors import BPArchiveError, Cancelled, StoreError
from bparchive.progress import CancelToken
from bparchive.tui import render
from bparchive.tui.commands import ArchiveCommands
from bparchive.tui.i18n import I18n, detect_language
from bparchive.tui.keys import localize
from bparchive.tui.messages import (
    ConnectivityChecked,
    SidebarLoaded,
    SyncFinished,
    SyncProgressed,
)
from bparchive.tui.widgets.status_bar import StatusBar, StatusState

NETWORK_TIMEOUT = 3.0
NETWORK_RECHECK_SECONDS = 60.0


class BPArchiveApp(App[None]):
    """The bparchive terminal interface over one archive."""

    CSS_PATH = "app.tcss"
    TITLE = "bparchive"
    COMMANDS = App.COMMANDS | {ArchiveCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", show=False),
        Binding("f1", "help", "Help"),
        Binding("f5", "sync", "Sync"),
        Binding("ctrl+x", "cancel_sync", "Cancel sync", show=False),
        Binding("f6", "report", "Report"),
        Binding("a", "add_account", "Account", show=False),
    ]

    def __init__(
        self,
        archive: Any,
        *,
        language: str | None = None,
        check_network: bool = True,
        first_run_form: bool = True,
    ) -> None:
        super().__init__()
        self.archive = archive
        setting = "auto"
        with contextlib.suppress(BPArchiveError):
            setting = archive.settings.language
        self.i18n = I18n(language or detect_language(setting))
        self.check_network = check_network
        self.first_run_form = first_run_form
        self.status_state = StatusState()
        self.search_lock = threading.Lock()
        self.archive_lock = threading.Lock()
        self._search_service: Any = None
        self.sync_token: CancelToken | None = None
        self.last_sync_reports: list[Any] = []
        self.last_sync_error: Exception | None = None
        self.title = self.i18n("app.title")
        localize(self, self.i18n)

    # -- start and stop --------------------------------------------------

    def on_mount(self) -> None:
        from bparchive.tui.screens.search import SearchScreen

        theme = "textual-dark"
        with contextlib.suppress(BPArchiveError):
            theme = self.archive.settings.theme
        if self.console.color_system in ("standard", "windows") and theme == "textual-dark":
            theme = "ansi-dark"  # 16 colours: the ANSI palette reads better than approximations
        if theme in self.available_themes:
            self.theme = theme
        self.push_screen(SearchScreen(self.i18n))
        self.load_sidebar()
        self.check_connectivity()
        if self.check_network:
            self.set_interval(NETWORK_RECHECK_SECONDS, self.check_connectivity)
        if self.first_run_form and self._no_account():
            self.action_add_account()

    def _no_account(self) -> bool:
        try:
            if self.archive.settings.accounts:
                return False
        except BPArchiveError:
            return False
        return not self.archive.paths.db_file.exists()

    def on_unmount(self) -> None:
        if self.sync_token is not None:
            self.sync_token.cancel()
        with self.search_lock:
            if self._search_service is not None:
                self._search_service.close()
                self._search_service = None

    # -- shared services (called from worker threads) -------------------

    def search_service(self) -> Any:
        """The SearchService, opened on first use (caller holds ``search_lock``)."""
        if self._search_service is None:
            from bparchive.services.search import SearchService

            self._search_service = SearchService(self.archive)
        return self._search_service

    # -- status bar --------------------------------------------------------

    def refresh_status(self) -> None:
        """Redraw every status bar from ``status_state``."""
        for screen in self.screen_stack:
            for bar in screen.query(StatusBar):
                bar.show_state(self.status_state)

    # -- errors --------------------------------------------------------------

    def show_error(self, error: BaseException, *, title: str | None = None) -> None:
        """A clear notification for an error; its text is shown literally."""
        head = title or getattr(error, "title", None) or self.i18n("error.generic")
        self.notify(
            render.safe(error), title=render.safe(head), severity="error", markup=False, timeout=12
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.show_error(event.worker.error)

    # -- sidebar data --------------------------------------------------------

    @work(thread=True, exclusive=True, group="sidebar", exit_on_error=False)
    def load_sidebar(self) -> None:
        """Gather accounts, virtual folders and tag counts, then post SidebarLoaded."""
        folders: list[dict[str, Any]] = []
        tags: dict[str, int] = {}
        with self.archive_lock:
            try:
                status = self.archive.status()
            except BPArchiveError as e:
                self.call_from_thread(self.show_error, e)
                status = {"accounts": []}
            if self.archive.paths.db_file.exists():
                try:
                    from bparchive.services import filing
                except ImportError:
                    filing = None  # type: ignore[assignment]
                if filing is not None:
                    folders = list(filing.virtual_folders(self.archive))
                    tags = _tag_dict(filing.tag_counts(self.archive))
        total = sum(int(c.get("count") or 0) for c in folders)
        if not folders:
            total = sum(
                sum(f.get("messages") or 0 for f in a.get("folders", []))
                for a in status["accounts"]
            )
        self.post_message(SidebarLoaded(status, folders, tags, total))

    def on_sidebar_loaded(self, message: SidebarLoaded) -> None:
        self.status_state.total = message.total
        self.status_state.remote_accounts = len(self._remote_accounts())
        self.sidebar_data = message
        for screen in self.screen_stack:
            handler = getattr(screen, "show_sidebar", None)
            if handler is not None:
                handler(message)
        self.refresh_status()

    # -- network -------------------------------------------------------------

    def _remote_accounts(self) -> list[Any]:
        try:
            return [a for a in self.archive.settings.accounts if not a.is_local]
        except BPArchiveError:
            return []

    @work(thread=True, exclusive=True, group="network", exit_on_error=False)
    def check_connectivity(self) -> None:
        """TCP-connect to each IMAP host (no login) and post ConnectivityChecked."""
        accounts = self._remote_accounts()
        result: dict[str, bool] = {}
        for acc in accounts:
            if not self.check_network:
                result[acc.name] = False
                continue
            try:
                with socket.create_connection((acc.host, acc.port), timeout=NETWORK_TIMEOUT):
                    result[acc.name] = True
            except OSError:
                result[acc.name] = False
        self.post_message(ConnectivityChecked(result))

    def on_connectivity_checked(self, message: ConnectivityChecked) -> None:
        self.status_state.reachable = message.reachable
        self.status_state.remote_accounts = len(message.reachable)
        self.refresh_status()

    # -- sync ------------------------------------------------------------------

    def action_sync(self) -> None:
        """Sync every IMAP account in the background."""
        if self.sync_token is not None:
            self.notify(self.i18n("sync.running"), markup=False)
            return
        if not self._remote_accounts():
            self.notify(self.i18n("sync.no_account"), severity="warning", markup=False)
            return
        self.sync_token = CancelToken()
        self.status_state.syncing = True
        self.status_state.progress = None
        self.refresh_status()
        self.notify(self.i18n("sync.started"), markup=False, timeout=3)
        self._sync_worker(self.sync_token)

    def action_cancel_sync(self) -> None:
        if self.sync_token is not None:
            self.sync_token.cancel()
            self.notify(self.i18n("sync.cancelling"), markup=False, timeout=3)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync_worker(self, token: CancelToken) -> None:
        arch = self.archive.clone()
        finished = SyncFinished()
        try:
            finished.reports = list(
                arch.sync(
                    progress=lambda ev: self.post_message(SyncProgressed(ev)),
                    cancel=token,
                    trigger="tui",
                )
            )
            finished.cancelled = token.cancelled
        except Cancelled:
            finished.cancelled = True
        except BPArchiveError as e:
            finished.error = e
        except Exception as e:  # a bug below: say so, and keep the app usable
            finished.error = e
            raise
        finally:
            arch.close()
            self.post_message(finished)

    def on_sync_progressed(self, message: SyncProgressed) -> None:
        self.status_state.progress = message.event
        self.refresh_status()

    def on_sync_finished(self, message: SyncFinished) -> None:
        t = self.i18n
        self.sync_token = None
        self.status_state.syncing = False
        self.status_state.progress = None
        self.last_sync_reports = message.reports
        self.last_sync_error = message.error
        if message.error is not None:
            self.show_error(
                message.error,
                title=t("sync.failed_title") + ": " + getattr(message.error, "title", ""),
            )
        elif message.cancelled:
            self.notify(t("sync.cancelled"), severity="warning", markup=False)
        new = 0
        for rep in message.reports:
            if rep.fatal_kind == "cancelled":
                continue
            if rep.fatal:
                self.notify(
                    t(
                        "sync.account_failed",
                        account=render.safe(rep.account),
                        message=render.safe(rep.fatal),
                    ),
                    title=t("sync.failed_title")
                    + (f": {t('kind.' + rep.fatal_kind)}" if rep.fatal_kind else ""),
                    severity="error",
                    markup=False,
                    timeout=15,
                )
                continue
            for f in rep.folders:
                new += f.fetched
                if f.error:
                    self.notify(
                        t(
                            "sync.folder_failed",
                            account=render.safe(rep.account),
                            folder=render.safe(f.name),
                            message=render.safe(f.error),
                        ),
                        severity="warning",
                        markup=False,
                        timeout=10,
                    )
        if message.reports and not all(r.fatal for r in message.reports):
            self.notify(t("sync.done", new=new), markup=False)
        self.refresh_status()
        self.load_sidebar()
        self.check_connectivity()
        self.refresh_results()

    # -- changes to messages ---------------------------------------------------

    def refresh_results(self, keep: int | None = None) -> None:
        """Run the search screen's current query again (after a sync, refile or tag)."""
        from bparchive.tui.screens.search import SearchScreen

        for screen in self.screen_stack:
            if isinstance(screen, SearchScreen):
                screen.rerun(keep=keep)

    def refile_message(
        self, mid: int, current: str, done: Callable[[], None] | None = None
    ) -> None:
        """Ask for a category and refile ``mid`` under it."""
        from bparchive.tui.screens.refile_modal import RefileModal

        def chosen(category: str | None) -> None:
            if category and category != current:
                self._refile_worker(mid, category, done)

        self.push_screen(RefileModal(self.i18n, current), chosen)

    @work(thread=True, group="write", exit_on_error=False)
    def _refile_worker(self, mid: int, category: str, done: Callable[[], None] | None) -> None:
        from bparchive.filing import category_label
        from bparchive.services import filing

        with self.archive_lock:
            filing.refile(self.archive, mid, category)
        self.call_from_thread(
            self._changed,
            mid,
            done,
            self.i18n("refile.done", id=mid, label=category_label(category, self.i18n.language)),
        )

    def tag_message(
        self, mid: int, tags: list[str], done: Callable[[], None] | None = None
    ) -> None:
        """Ask for tag changes (and a status) and apply them to ``mid``."""
        from bparchive.tui.screens.tag_modal import TagModal

        def chosen(change: tuple[list[str], list[str]] | None) -> None:
            if change and (change[0] or change[1]):
                self._tag_worker(mid, change[0], change[1], done)

        self.push_screen(TagModal(self.i18n, tags), chosen)

    @work(thread=True, group="write", exit_on_error=False)
    def _tag_worker(
        self, mid: int, add: list[str], remove: list[str], done: Callable[[], None] | None
    ) -> None:
        from bparchive.services import filing

        with self.archive_lock:
            now = filing.tag(self.archive, mid, add, remove)
        text = self.i18n("tag.done", id=mid, tags=", ".join(render.safe(t) for t in now) or "—")
        self.call_from_thread(self._changed, mid, done, text)

    def _changed(self, mid: int, done: Callable[[], None] | None, note: str) -> None:
        self.notify(note, markup=False, timeout=4)
        self.refresh_results(keep=mid)
        self.load_sidebar()
        if done is not None:
            done()

    # -- navigation --------------------------------------------------------------

    def search_screen(self) -> Any:
        from bparchive.tui.screens.search import SearchScreen

        for screen in self.screen_stack:
            if isinstance(screen, SearchScreen):
                return screen
        return None

    def run_query(self, query: str) -> None:
        """Show the search screen with ``query`` in the search box."""
        screen = self.search_screen()
        if screen is None:
            return
        while self.screen is not screen:
            self.pop_screen()
        screen.set_query(query)

    def run_on_search(self, method: str) -> None:
        screen = self.search_screen()
        if screen is not None and self.screen is screen:
            getattr(screen, method)()

    def action_help(self) -> None:
        from bparchive.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.i18n))

    def action_report(self) -> None:
        from bparchive.tui.screens.report import ReportScreen

        if not isinstance(self.screen, ReportScreen):
            self.push_screen(ReportScreen(self.i18n))

    def action_add_account(self) -> None:
        from bparchive.tui.screens.account_modal import AccountModal

        def added(acc: Any) -> None:
            if acc is not None:
                self.notify(self.i18n("acct.saved", name=render.safe(acc.name)), markup=False)
                self.load_sidebar()
                self.check_connectivity()

        if not isinstance(self.screen, AccountModal):
            self.push_screen(AccountModal(self.i18n), added)


def _tag_dict(value: Any) -> dict[str, int]:
    """tag_counts() as {tag: count}, whatever plain shape it comes in."""
    if isinstance(value, dict):
        return {str(k): int(v) for k, v in value.items()}
    out: dict[str, int] = {}
    for item in value or ():
        if isinstance(item, dict):
            out[str(item.get("tag"))] = int(item.get("count") or 0)
        else:
            k, v = item
            out[str(k)] = int(v)
    return out


def run_app(archive: Any) -> None:
    """Open the TUI on ``archive`` (blocks until the person quits)."""
    app = BPArchiveApp(archive)
    try:
        app.run()
    finally:
        with contextlib.suppress(StoreError):
            archive.close()


def current_worker_cancelled() -> bool:
    """Whether the worker running this code was cancelled (a newer one replaced it)."""
    try:
        return get_current_worker().is_cancelled
    except RuntimeError:
        return False
