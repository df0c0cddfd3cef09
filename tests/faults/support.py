"""Shared helpers of the fault-injection suite (``tests/faults``).

Who calls it: the tests in this folder. It builds a corpus whose every message
carries one unique subject word (so an ``id``-agnostic search can find each
one), starts real ``python -m bparchive`` subprocesses, watches the archive
database from outside, and checks the three end-state promises: ``doctor`` is
clean, the archive equals the server, the index equals the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bparchive.demo.generator import generate
from tests.sync.helpers import archived, on_server, run_cli

__all__ = [
    "Corpus",
    "DbState",
    "assert_archive_equals_server",
    "assert_doctor_clean",
    "assert_index_equals_store",
    "db_state",
    "descendants",
    "kill_tree_leftovers",
    "run_cli",
    "set_settings",
    "start_cli",
    "tagged_corpus",
    "wait_until",
]


@dataclass(frozen=True)
class Corpus:
    """Messages per folder plus the unique subject word of every distinct message."""

    folders: dict[str, list[bytes]]
    token_by_sha: dict[str, str]

    @property
    def distinct(self) -> int:
        return len(self.token_by_sha)

    @property
    def locations(self) -> int:
        return sum(len(v) for v in self.folders.values())

    def load(self, server, user: str) -> None:  # type: ignore[no-untyped-def]
        """Bulk-load every folder into ``user``'s mailbox on ``server``."""
        for folder, raws in self.folders.items():
            server.load_messages(user, folder, raws)


def _tag(raw: bytes, token: str) -> bytes:
    """Prefix the Subject of ``raw`` (inside the header block only) with ``token``."""
    end = raw.find(b"\r\n\r\n")
    head, rest = raw[:end], raw[end:]
    lines = head.split(b"\r\n")
    for i, line in enumerate(lines):
        if line[:8].lower() == b"subject:":
            lines[i] = b"Subject: " + token.encode() + b" " + line[8:].lstrip()
            return b"\r\n".join(lines) + rest
    return b"\r\n".join([*lines, b"Subject: " + token.encode()]) + rest


def tagged_corpus(count: int, seed: int) -> Corpus:
    """``generate(count, seed)`` (with attachments) with one unique word per subject."""
    folders: dict[str, list[bytes]] = {}
    tokens: dict[bytes, str] = {}
    token_by_sha: dict[str, str] = {}
    for m in generate(count, seed):
        if m.raw not in tokens:
            tokens[m.raw] = f"zkq{seed:02d}x{len(tokens):05d}"
        token = tokens[m.raw]
        raw = _tag(m.raw, token)
        token_by_sha[hashlib.sha256(raw).hexdigest()] = token
        folders.setdefault(m.folder, []).append(raw)
    return Corpus(folders, token_by_sha)


def set_settings(home: Path, **values: int) -> None:
    """Prepend a ``[settings]`` table to the home's config (batch size, workers)."""
    cfg = home / "config.toml"
    body = "".join(f"{k} = {v}\n" for k, v in values.items())
    cfg.write_text("[settings]\n" + body + cfg.read_text(encoding="utf-8"), encoding="utf-8")


def start_cli(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``python -m bparchive --home HOME ARGS`` in the background."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "bparchive", "--home", str(home), *args],
        env=e,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(pred: Callable[[], bool], timeout: float = 60.0, step: float = 0.005) -> bool:
    """Poll ``pred`` until it is true or ``timeout`` seconds passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return False


@dataclass(frozen=True)
class DbState:
    """What an outside reader sees of the pipeline's progress."""

    locations: int = 0
    messages: int = 0
    ingested: int = 0
    indexed: int = 0


def db_state(db: Path) -> DbState:
    """Count locations, messages, ingested and indexed messages (read-only, never blocks long)."""
    if not db.exists():
        return DbState()
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute(
                "SELECT (SELECT COUNT(*) FROM locations), (SELECT COUNT(*) FROM messages), "
                "(SELECT COUNT(*) FROM messages WHERE ingest_state != 0), "
                "(SELECT COUNT(*) FROM messages WHERE index_state = 1)"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return DbState()
    return DbState(*row)


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (read from /proc)."""
    parent_of: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[0] != "Z":
            parent_of[int(entry)] = int(fields[1])
    out: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp in parent_of.items() if pp in frontier} - out
        out |= frontier
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


def kill_tree_leftovers(pids: set[int], grace: float = 10.0) -> set[int]:
    """Wait for the children of a killed process to exit; SIGKILL and return those that did not."""
    wait_until(lambda: not any(_alive(p) for p in pids), timeout=grace, step=0.05)
    left = {p for p in pids if _alive(p)}
    for p in left:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def assert_doctor_clean(home: Path, *, quick: bool = False) -> dict:
    """``bparchive doctor --json`` exits 0 and reports no problem; return its JSON."""
    args = ["doctor", "--json"] + (["--quick"] if quick else [])
    r = run_cli(home, *args)
    assert r.returncode == 0, f"doctor failed (exit {r.returncode}):\n{r.stdout}\n{r.stderr}"
    report = json.loads(r.stdout)
    assert report["ok"] and not report["problems"], report
    return report


def assert_archive_equals_server(
    home: Path,
    server,
    user: str,
    folders: list[str],
    account: str = "work",  # type: ignore[no-untyped-def]
) -> None:
    """Per folder, the archived {uid: sha256} equals what the server holds."""
    from bparchive.services import Archive

    archive = Archive(home)
    try:
        mine = archived(archive, account)
        theirs = {k: v for k, v in on_server(server, user, folders).items() if v}
        assert mine == theirs
        dup = archive.store.execute(
            "SELECT COUNT(*) FROM (SELECT folder_id, uidvalidity, uid FROM locations "
            "GROUP BY 1, 2, 3 HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        assert dup == 0
    finally:
        archive.close()


def assert_index_equals_store(home: Path, token_by_sha: dict[str, str]) -> None:
    """No drift, nothing pending, and every message is found by its unique subject word."""
    from bparchive.index.from_store import drift
    from bparchive.services import Archive
    from bparchive.services.search import SearchService

    archive = Archive(home)
    try:
        store = archive.store
        d = drift(store, archive.paths.index_dir)
        assert d.ok and d.stale == 0, d
        pending = store.execute(
            "SELECT COUNT(*) FROM messages WHERE ingest_state = 0 OR index_state = 0"
        ).fetchone()[0]
        assert pending == 0
        rows = store.query("SELECT id, sha256 FROM messages")
        assert {r["sha256"] for r in rows} <= set(token_by_sha)
        svc = SearchService(archive)
        try:
            for r in rows:
                page = svc.search(f"subject:{token_by_sha[r['sha256']]}", limit=5)
                assert [x.id for x in page.rows] == [r["id"]], (r, page.rows)
        finally:
            svc.close()
    finally:
        archive.close()
