"""A sync killed with SIGKILL, or cut off by the server going away, resumes exactly."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.sync.helpers import archive_for, archived, make_message, on_server, run_cli

FOLDERS = ["INBOX", "Văn bản đến"]


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(con.execute("SELECT COUNT(*) FROM locations").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _start_sync(home: Path, password: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, BP_TEST_PW=password)
    return subprocess.Popen(
        [sys.executable, "-m", "bparchive", "--home", str(home), "sync"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _wait_until(pred, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.005)
    return False


def _set_batch(home: Path, n: int) -> None:
    cfg = home / "config.toml"
    cfg.write_text(f"[settings]\nbatch_size = {n}\n" + cfg.read_text(encoding="utf-8"), encoding="utf-8")


def test_kill_9_at_several_moments_then_resume(imap_user, tmp_path) -> None:
    server, user = imap_user.server, imap_user.name
    for fi, folder in enumerate(FOLDERS):
        server.load_messages(user, folder, [make_message(fi * 1000 + i, size=2000) for i in range(150)])
    home = tmp_path / "home"
    archive_for(home, imap_user).close()
    _set_batch(home, 7)
    db = home / "archive.sqlite3"
    killed_at = []
    for threshold in (1, 40, 120, 200, 280):
        proc = _start_sync(home, imap_user.password)
        reached = _wait_until(lambda t=threshold, p=proc: _count(db) >= t or p.poll() is not None)
        assert reached
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            killed_at.append(_count(db))
        # After every kill the archive is consistent.
        r = run_cli(home, "doctor", "--json")
        assert r.returncode == 0, r.stdout + r.stderr
    assert len(killed_at) >= 3, killed_at
    r = run_cli(home, "sync", env={"BP_TEST_PW": imap_user.password})
    assert r.returncode == 0, r.stderr
    from bparchive.services import Archive

    archive = Archive(home)
    assert archived(archive) == on_server(server, user, FOLDERS)
    dup = archive.store.execute(
        "SELECT COUNT(*) FROM (SELECT folder_id, uid FROM locations GROUP BY 1, 2 HAVING COUNT(*) > 1)"
    ).fetchone()[0]
    assert dup == 0
    assert archive.store.counts()["messages"] == 300


def test_server_stopped_mid_sync_then_resume(dovecot, tmp_path) -> None:
    server, user = dovecot, "alice"
    server.load_messages(user, "INBOX", [make_message(i, size=20_000) for i in range(3000)])

    class U:
        host, port, name, cafile = server.host, server.port, user, server.cafile
        password = server.password(user)

    home = tmp_path / "home"
    archive_for(home, U).close()
    _set_batch(home, 5)
    db = home / "archive.sqlite3"
    proc = _start_sync(home, U.password)
    assert _wait_until(lambda: _count(db) >= 20 or proc.poll() is not None)
    server.kill()  # every Dovecot process at once, connections cut mid-FETCH
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode in (1, 2), err
    text = err.decode()
    assert "FAILED" in text and ("lost" in text or "refused" in text or "answer" in text), text
    partial = _count(db)
    assert 0 < partial < 3000
    server.start()
    r = run_cli(home, "sync", env={"BP_TEST_PW": U.password})
    assert r.returncode == 0, r.stderr
    from bparchive.services import Archive

    archive = Archive(home)
    assert archived(archive) == on_server(server, user, ["INBOX"])
    st = archive.status()["accounts"][0]["folders"]
    assert [f["error"] for f in st if f["name"] == "INBOX"] == [None]
