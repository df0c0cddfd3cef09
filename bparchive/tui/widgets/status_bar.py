"""The status bar: online or offline, sync progress, counts.

One per screen; the app keeps the state (:class:`StatusState`) and every bar
draws it. Account names and folder names in progress lines are literal text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.widgets import Static

from bparchive.tui import render
from bparchive.tui.i18n import I18n


@dataclass
class StatusState:
    """What the status bar shows (owned by the app)."""

    reachable: dict[str, bool] | None = None  # None: not checked yet
    remote_accounts: int = 0
    progress: Any = None  # the latest ProgressEvent of a running sync
    syncing: bool = False
    total: int | None = None
    results: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class StatusBar(Static):
    """One line at the bottom of each screen."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    StatusBar.-offline { background: $warning 30%; }
    """

    def __init__(self, i18n: I18n, **kw: Any) -> None:
        super().__init__("", markup=False, **kw)
        self.i18n = i18n

    def on_mount(self) -> None:
        state = getattr(self.app, "status_state", None)
        if state is not None:
            self.show_state(state)

    def show_state(self, st: StatusState) -> None:
        t = self.i18n
        if st.remote_accounts == 0:
            net, offline = t("net.local"), False
        elif st.reachable is None:
            net, offline = t("net.checking"), False
        else:
            up = sum(1 for v in st.reachable.values() if v)
            if up == len(st.reachable):
                net, offline = t("net.online"), False
            elif up == 0:
                net, offline = t("net.offline"), True
            else:
                net, offline = t("net.partial", up=up, total=len(st.reachable)), True
        self.set_class(offline, "-offline")
        parts: list[Any] = [(net, "bold" if offline else "")]
        if st.syncing and st.progress is not None:
            ev = st.progress
            total = f"/{ev.total}" if ev.total is not None else ""
            if ev.stage == "sync":
                line = t(
                    "bar.sync",
                    account=render.safe(ev.account),
                    folder=render.safe(ev.folder),
                    done=ev.done,
                    total=total,
                )
            else:
                line = t("bar.stage", stage=ev.stage, done=ev.done, total=total)
            parts += ["  │  ", (line + t("bar.cancel_hint"), "bold")]
        elif st.syncing:
            parts += ["  │  ", (t("sync.started") + t("bar.cancel_hint"), "bold")]
        if st.results:
            parts += ["  │  ", st.results]
        if st.total is not None:
            parts += ["  │  ", t("bar.messages", n=f"{st.total:,}".replace(",", "."))]
        self.update(render.join(*parts))
