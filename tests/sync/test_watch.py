"""``sync --watch``: the Điều 8 schedule and IDLE against the real Dovecot."""

from __future__ import annotations

import threading
import time
from datetime import datetime

from bparchive.config import DEFAULT_SCHEDULE
from bparchive.progress import CancelToken
from bparchive.sync.watch import next_run, watch
from tests.sync.helpers import archive_for, make_message


def test_next_run_follows_the_regulation_schedule() -> None:
    agency = DEFAULT_SCHEDULE["agency"]
    assert agency == ("07:00", "09:00", "11:00", "13:30", "15:00", "16:30")
    assert next_run(agency, datetime(2024, 7, 1, 6, 0)) == datetime(2024, 7, 1, 7, 0)
    assert next_run(agency, datetime(2024, 7, 1, 11, 0)) == datetime(2024, 7, 1, 13, 30)
    assert next_run(agency, datetime(2024, 7, 1, 16, 31)) == datetime(2024, 7, 2, 7, 0)
    personal = DEFAULT_SCHEDULE["personal"]
    # Staff check before 09:00 and before 15:00.
    assert all(t < "09:00" or "09:00" < t < "15:00" for t in personal)
    assert next_run(personal, datetime(2024, 7, 1, 9, 0)).hour < 15


def _wait(pred, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def test_watch_picks_up_new_mail_through_idle(imap_user, tmp_path) -> None:
    server, user = imap_user.server, imap_user.name
    server.append(user, "INBOX", make_message(1))
    archive = archive_for(tmp_path / "home", imap_user)
    cancel = CancelToken()
    runs: list[list] = []
    listening = threading.Event()
    t = threading.Thread(
        target=watch, args=(archive,),
        kwargs={"cancel": cancel, "report": runs.append, "listening": listening}, daemon=True,
    )
    t.start()
    try:
        assert _wait(lambda: len(runs) >= 1)
        assert runs[0][0].fetched == 1
        assert listening.wait(30)
        server.append(user, "INBOX", make_message(2))
        assert _wait(lambda: sum(r[0].fetched for r in runs) >= 2), runs
    finally:
        cancel.cancel()
        t.join(timeout=20)
    assert not t.is_alive()
    triggers = [r["trigger"] for r in archive.reader().query("SELECT trigger FROM sync_runs ORDER BY id")]
    assert triggers[0] == "watch-start" and "idle" in triggers
