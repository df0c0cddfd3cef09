"""The connection cut after a partial FETCH response, through a real TCP proxy.

The proxy (``tests/faults/proxy.py``) forwards the TLS stream to the private
Dovecot untouched and closes both sides after N bytes of server→client data,
so the client holds half a literal when the link dies. Promises checked: a
clear error, no partial message stored (every stored SHA-256 is one the server
has), ``doctor`` clean, and a later sync completes byte-exact.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bparchive.services import Archive
from tests.faults.proxy import CuttingProxy
from tests.faults.support import assert_archive_equals_server, assert_doctor_clean, run_cli
from tests.sync.helpers import account_for, archive_for, make_message


def _server_shas(server, user: str, folder: str = "INBOX") -> set[str]:  # type: ignore[no-untyped-def]
    return {hashlib.sha256(raw).hexdigest() for _uid, raw in server.iter_messages(user, folder)}


def _stored(home: Path) -> list[tuple[str, int]]:
    archive = Archive(home)
    try:
        rows = archive.store.query("SELECT id, sha256 FROM messages")
        out = []
        for r in rows:
            raw = archive.store.raw(r["id"])
            assert hashlib.sha256(raw).hexdigest() == r["sha256"]
            out.append((r["sha256"], len(raw)))
        return out
    finally:
        archive.close()


def _point_at(home: Path, user, port: int) -> None:  # type: ignore[no-untyped-def]
    archive = Archive(home)
    archive.add_account(account_for(user, port=port), replace=True)
    archive.close()


def test_cut_mid_fetch_on_every_connection_then_later_sync(imap_user, tmp_path: Path) -> None:
    server, user = imap_user.server, imap_user.name
    server.load_messages(user, "INBOX", [make_message(i, size=30_000) for i in range(40)])
    home = tmp_path / "home"
    with CuttingProxy((server.host, server.port), lambda k: 150_000) as proxy:
        archive_for(home, imap_user, port=proxy.port).close()
        r = run_cli(home, "sync", env={"BP_TEST_PW": imap_user.password}, timeout=120)
    assert proxy.cuts >= 2, proxy.server_bytes  # the first cut and at least one retry
    assert r.returncode in (1, 2), r.stdout + r.stderr
    assert "FAILED" in r.stderr and "connection to 127.0.0.1 was lost" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    wanted = _server_shas(server, user)
    for sha, _size in _stored(home):
        assert sha in wanted, "a message not on the server (a partial one?) was stored"
    assert_doctor_clean(home)
    status = run_cli(home, "status", "--json")
    assert "was lost" in status.stdout  # the folder remembers why it failed

    _point_at(home, imap_user, server.port)
    r = run_cli(home, "sync", env={"BP_TEST_PW": imap_user.password}, timeout=120)
    assert r.returncode == 0, r.stderr
    assert_archive_equals_server(home, server, user, ["INBOX"])
    assert_doctor_clean(home)


def test_cut_inside_a_large_message_fetched_in_pieces(imap_user, tmp_path: Path) -> None:
    """A >8 MB message is spooled in 4 MB pieces: a cut after the first piece stores nothing of it."""
    server, user = imap_user.server, imap_user.name
    small = [make_message(i, size=5_000) for i in range(10)]
    big = make_message(99, size=10 << 20, subject="thư rất lớn")
    server.load_messages(user, "INBOX", [*small, big])
    home = tmp_path / "home"
    with CuttingProxy((server.host, server.port), lambda k: 6 << 20) as proxy:
        archive_for(home, imap_user, port=proxy.port).close()
        r = run_cli(home, "sync", env={"BP_TEST_PW": imap_user.password}, timeout=180)
    assert proxy.cuts >= 1
    assert r.returncode in (1, 2), r.stdout + r.stderr
    assert "FAILED" in r.stderr and "was lost" in r.stderr, r.stderr
    stored = _stored(home)
    assert sorted(s for s, _ in stored) == sorted(hashlib.sha256(m).hexdigest() for m in small)
    assert not [p for p in (home).rglob("tmp*") if p.is_file()], "spool file left behind"
    assert_doctor_clean(home)

    _point_at(home, imap_user, server.port)
    r = run_cli(home, "sync", env={"BP_TEST_PW": imap_user.password}, timeout=180)
    assert r.returncode == 0, r.stderr
    assert_archive_equals_server(home, server, user, ["INBOX"])
    big_id = Archive(home).store.message_id_for_sha(hashlib.sha256(big).hexdigest())
    raw = run_cli_bytes(home, "show", str(big_id), "--raw")
    assert raw == big


def test_one_cut_is_recovered_within_the_same_run(imap_user, tmp_path: Path) -> None:
    server, user = imap_user.server, imap_user.name
    server.load_messages(user, "INBOX", [make_message(i, size=30_000) for i in range(40)])
    home = tmp_path / "home"
    with CuttingProxy((server.host, server.port), lambda k: 150_000 if k == 0 else None) as proxy:
        archive_for(home, imap_user, port=proxy.port).close()
        r = run_cli(home, "sync", env={"BP_TEST_PW": imap_user.password}, timeout=120)
    assert proxy.cuts == 1 and proxy.connections >= 2
    assert r.returncode == 0, r.stderr
    assert_archive_equals_server(home, server, user, ["INBOX"])
    assert_doctor_clean(home)


def run_cli_bytes(home: Path, *args: str) -> bytes:
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "bparchive", "--home", str(home), *args],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
