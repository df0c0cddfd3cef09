"""Disk full: the archive home on a small tmpfs, filled while sync/import runs.

Needs root (``mount -t tmpfs``); skipped with the reason otherwise. Checks: a
clear error naming the full disk (no traceback), SQLite ``integrity_check`` ok
while the disk is still full, and once there is room (the filler deleted, or
the file system grown) the same command completes, ``doctor`` is clean, the
archive equals the server and the index equals the store.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import random
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.support import (
    assert_archive_equals_server,
    assert_doctor_clean,
    assert_index_equals_store,
    run_cli,
)
from tests.sync.helpers import archive_for

MB = 1 << 20


@contextlib.contextmanager
def small_fs(where: Path, size_mb: int) -> Iterator[Path]:
    """A tmpfs of ``size_mb`` mounted on ``where`` (unmounted afterwards)."""
    if os.geteuid() != 0:
        pytest.skip("disk-full tests mount a tmpfs: they need root (CI runs as root)")
    where.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()}); no small file system to fill")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def _free(path: Path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def _fill(path: Path, leave: int) -> Path:
    """Write a filler file so that about ``leave`` bytes stay free."""
    filler = path / "filler.bin"
    with filler.open("wb") as fh:
        chunk = b"\0" * MB
        while _free(path) - len(chunk) > leave:
            fh.write(chunk)
            fh.flush()
        rest = _free(path) - leave
        if rest > 0:
            fh.write(b"\0" * rest)
    return filler


def _messages(n: int, seed: int) -> list[tuple[bytes, str]]:
    """Messages with a ~100 KB random (incompressible) attachment and a unique subject word."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        token = f"zdf{seed}x{i:04d}"
        blob = base64.encodebytes(rng.randbytes(100_000)).replace(b"\n", b"\r\n")
        raw = (
            (
                f"From: Văn thư <vanthu@binhphuoc.gov.vn>\r\nTo: ubnd@binhphuoc.gov.vn\r\n"
                f"Subject: {token} công văn số {i}\r\nMessage-ID: <df{seed}.{i}@binhphuoc.gov.vn>\r\n"
                f"Date: Mon, 1 Jul 2024 08:00:00 +0700\r\nMIME-Version: 1.0\r\n"
                f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n'
                f"--b{i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nKính gửi các đơn vị, thư số {i}.\r\n"
                f"--b{i}\r\nContent-Type: application/octet-stream\r\n"
                f'Content-Disposition: attachment; filename="du-lieu-{i}.bin"\r\n'
                f"Content-Transfer-Encoding: base64\r\n\r\n"
            ).encode()
            + blob
            + f"--b{i}--\r\n".encode()
        )
        out.append((raw, token))
    return out


def _integrity(db: Path) -> str:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


def _disk_full_complaint(r: subprocess.CompletedProcess[str]) -> str | None:
    """None when the run failed with a clear disk-full message, else what was wrong."""
    text = (r.stdout + r.stderr).lower()
    if r.returncode == 0:
        return "the run succeeded although the disk was full"
    if "traceback" in text:
        return "a traceback instead of a clear error:\n" + r.stderr[-3000:]
    if not ("full" in text and ("disk" in text or "space" in text)):
        return "the error does not say the disk is full:\n" + r.stdout + r.stderr
    return None


def _assert_clear_disk_full(r: subprocess.CompletedProcess[str]) -> None:
    complaint = _disk_full_complaint(r)
    assert complaint is None, complaint


@pytest.mark.slow
@pytest.mark.parametrize("leave_mb", [0.3, 1.5, 3.2])
def test_sync_into_a_full_disk_then_room(imap_user, tmp_path: Path, leave_mb: float) -> None:
    msgs = _messages(40, seed=int(leave_mb * 10))
    imap_user.server.load_messages(imap_user.name, "INBOX", [m for m, _ in msgs])
    tokens = {hashlib.sha256(m).hexdigest(): t for m, t in msgs}
    with small_fs(tmp_path / "fs", 24) as fs:
        home = fs / "home"
        archive_for(home, imap_user).close()
        filler = _fill(fs, int(leave_mb * MB))
        r = run_cli(home, "sync", env={"BP_TEST_PW": imap_user.password}, timeout=180)
        _assert_clear_disk_full(r)
        db = home / "archive.sqlite3"
        if db.exists():
            assert _integrity(db) == "ok"
        filler.unlink()
        r = run_cli(home, "sync", env={"BP_TEST_PW": imap_user.password}, timeout=180)
        assert r.returncode == 0, r.stdout + r.stderr
        assert _integrity(db) == "ok"
        assert_doctor_clean(home)
        assert_archive_equals_server(home, imap_user.server, imap_user.name, ["INBOX"])
        assert_index_equals_store(home, tokens)


@pytest.mark.slow
def test_import_into_a_full_disk_then_grow_the_fs(tmp_path: Path) -> None:
    msgs = _messages(30, seed=7)
    box_path = tmp_path / "eml"
    box_path.mkdir()
    for i, (raw, _t) in enumerate(msgs):
        (box_path / f"{i:03d}.eml").write_bytes(raw)
    tokens = {hashlib.sha256(m).hexdigest(): t for m, t in msgs}
    with small_fs(tmp_path / "fs", 3) as fs:
        home = fs / "home"
        r = run_cli(home, "import", str(box_path), "--account", "old", timeout=180)
        _assert_clear_disk_full(r)
        db = home / "archive.sqlite3"
        if db.exists():
            assert _integrity(db) == "ok"
        subprocess.run(["mount", "-o", "remount,size=64m", str(fs)], check=True)
        r = run_cli(home, "import", str(box_path), "--account", "old", timeout=180)
        assert r.returncode == 0, r.stdout + r.stderr
        assert _integrity(db) == "ok"
        assert_doctor_clean(home)
        assert_index_equals_store(home, tokens)


@pytest.mark.slow
def test_disk_fills_up_after_the_download_during_ingest_and_index(
    imap_user, tmp_path: Path
) -> None:
    """The filler is written while the sync runs, once every message is fetched."""
    from tests.faults.support import db_state, start_cli, wait_until

    msgs = _messages(40, seed=99)
    imap_user.server.load_messages(imap_user.name, "INBOX", [m for m, _ in msgs])
    tokens = {hashlib.sha256(m).hexdigest(): t for m, t in msgs}
    with small_fs(tmp_path / "fs", 24) as fs:
        home = fs / "home"
        archive_for(home, imap_user).close()
        db = home / "archive.sqlite3"
        proc = start_cli(home, "sync", env={"BP_TEST_PW": imap_user.password})
        assert wait_until(lambda: db_state(db).locations >= 40 or proc.poll() is not None, 120)
        filler = _fill(fs, 16 * 1024)
        out, err = proc.communicate(timeout=180)
        r = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        if r.returncode == 0:
            pytest.fail(f"the run finished before the disk filled up; nothing tested\n{out}{err}")
        complaint = _disk_full_complaint(r)  # checked last: recovery is verified first
        assert _integrity(db) == "ok"
        filler.unlink()
        r = run_cli(home, "sync", env={"BP_TEST_PW": imap_user.password}, timeout=180)
        assert r.returncode == 0, r.stdout + r.stderr
        assert_doctor_clean(home)
        assert_archive_equals_server(home, imap_user.server, imap_user.name, ["INBOX"])
        assert_index_equals_store(home, tokens)
        assert complaint is None, complaint
