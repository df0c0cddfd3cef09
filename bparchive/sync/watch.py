"""``bparchive sync --watch``: stay running and keep the archive current.

Where the server has IDLE, a listener thread per account holds an IDLE on
INBOX and wakes the main loop when mail arrives; every account is also synced
on its schedule (regulation Điều 8: the clerk checks the agency box at 07:00,
09:00, 11:00, 13:30, 15:00 and 16:30; staff before 09:00 and before 15:00).
Syncs run one at a time in the main loop, so the store has one writer.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from bparchive.config import Account
from bparchive.errors import BPArchiveError
from bparchive.progress import CancelToken, Progress, null_progress
from bparchive.sync import connection

log = logging.getLogger(__name__)

IDLE_RENEW = 25 * 60  # RFC 2177: re-issue IDLE before 29 minutes


def next_run(schedule: Sequence[str], now: datetime) -> datetime:
    """The first scheduled time strictly after ``now`` (local wall-clock times ``HH:MM``)."""
    candidates = []
    for day in (0, 1):
        base = (now + timedelta(days=day)).replace(second=0, microsecond=0)
        for t in schedule:
            hh, mm = (int(x) for x in t.split(":"))
            at = base.replace(hour=hh, minute=mm)
            if at > now:
                candidates.append(at)
    if not candidates:  # empty schedule: once a day at this time
        return now + timedelta(days=1)
    return min(candidates)


class IdleListener(threading.Thread):
    """Holds an IDLE on INBOX; puts the account name on ``events`` when something happens."""

    def __init__(self, acc: Account, password: str, events: queue.Queue[str], cancel: CancelToken) -> None:
        super().__init__(name=f"idle-{acc.name}", daemon=True)
        self.acc = acc
        self.password = password
        self.events = events
        self.cancel = cancel
        self.supported: bool | None = None
        self.ready = threading.Event()

    def run(self) -> None:
        delay = 1.0
        while not self.cancel.cancelled:
            client = None
            try:
                client = connection.connect(self.acc, self.password)
                if b"IDLE" not in client.capabilities():
                    self.supported = False
                    self.ready.set()
                    return
                self.supported = True
                client.select_folder("INBOX", readonly=True)
                while not self.cancel.cancelled:
                    client.idle()
                    self.ready.set()
                    started = datetime.now()
                    got: list[Any] = []
                    while not self.cancel.cancelled and not got:
                        got = client.idle_check(timeout=1)
                        if (datetime.now() - started).total_seconds() > IDLE_RENEW:
                            break
                    client.idle_done()
                    if got:
                        self.events.put(self.acc.name)
                delay = 1.0
            except BPArchiveError as e:
                log.warning("IDLE for %s: %s", self.acc.name, e)
            except Exception as e:  # connection dropped: reconnect with backoff
                log.warning("IDLE for %s lost: %s", self.acc.name, connection.translate(self.acc, e))
            finally:
                if client is not None:
                    connection.logout(client)
            self.ready.set()
            if self.cancel.wait(delay):
                return
            delay = min(delay * 2, 300)


def watch(
    archive: Any,
    names: Sequence[str] = (),
    *,
    progress: Progress = null_progress,
    report: Callable[[list[Any]], Any] | None = None,
    cancel: CancelToken | None = None,
    use_idle: bool = True,
    clock: Callable[[], datetime] = datetime.now,
    listening: threading.Event | None = None,
) -> None:
    """Sync now, then on IDLE events and on each account's schedule, until cancelled.

    ``listening`` (optional) is set once every IDLE listener is in IDLE.
    """
    from bparchive import secrets

    cancel = cancel or CancelToken()
    accounts = archive.accounts_for(names)
    events: queue.Queue[str] = queue.Queue()
    listeners: list[IdleListener] = []

    def run_sync(which: Sequence[str], trigger: str) -> None:
        try:
            reports = archive.sync(which, progress=progress, cancel=cancel, trigger=trigger)
        except BPArchiveError as e:
            log.error("sync failed: %s", e)
            return
        if report is not None:
            report(reports)

    run_sync([a.name for a in accounts], "watch-start")
    if use_idle:
        for acc in accounts:
            try:
                listener = IdleListener(acc, secrets.get_password(acc), events, cancel)
            except BPArchiveError as e:
                log.warning("no IDLE for %s: %s", acc.name, e)
                continue
            listener.start()
            listeners.append(listener)
    if listening is not None:
        for listener in listeners:
            listener.ready.wait(timeout=30)
        listening.set()
    due = {a.name: next_run(a.effective_schedule(archive.settings), clock()) for a in accounts}
    try:
        while not cancel.cancelled:
            now = clock()
            soonest = min(due.values()) if due else now + timedelta(hours=1)
            wait = max(0.0, min((soonest - now).total_seconds(), 1.0))
            try:
                name = events.get(timeout=wait)
            except queue.Empty:
                name = None
            if cancel.cancelled:
                break
            if name is not None:
                pending = {name}
                while True:  # merge a burst of events into one sync per account
                    try:
                        pending.add(events.get_nowait())
                    except queue.Empty:
                        break
                run_sync(sorted(pending), "idle")
            now = clock()
            ripe = [n for n, t in due.items() if t <= now]
            if ripe:
                run_sync(ripe, "schedule")
                for acc in accounts:
                    if acc.name in ripe:
                        due[acc.name] = next_run(acc.effective_schedule(archive.settings), clock())
    except KeyboardInterrupt:
        cancel.cancel()
    finally:
        cancel.cancel()
        for listener in listeners:
            listener.join(timeout=5)


__all__ = ["IdleListener", "next_run", "watch"]
