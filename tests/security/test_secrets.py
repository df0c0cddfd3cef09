"""No password on disk or in any output, at any log level, after success or failure."""

from __future__ import annotations

import secrets
from pathlib import Path

from tests.security.helpers import cli
from tests.sync.helpers import make_message


def _files(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.is_file()]


def test_password_never_written_nor_printed(imap_user, tmp_path: Path) -> None:
    imap_user.server.load_messages(imap_user.name, "INBOX", [make_message(i) for i in range(5)])
    home = tmp_path / "home"
    good = imap_user.password.encode()
    wrong = f"Wr0ng-{secrets.token_hex(8)}".encode()
    outputs: list[bytes] = []
    r = cli(
        home,
        "-vv",
        "account",
        "add",
        "work",
        "--host",
        imap_user.host,
        "--port",
        str(imap_user.port),
        "--user",
        imap_user.name,
        "--cafile",
        str(imap_user.cafile),
        "--password-env",
        "BP_TEST_PW",
    )
    assert r.returncode == 0
    outputs += [r.stdout, r.stderr]
    r = cli(home, "-vv", "sync", env={"BP_TEST_PW": good.decode()})
    assert r.returncode == 0, r.stderr
    outputs += [r.stdout, r.stderr]
    r = cli(home, "-vv", "sync", env={"BP_TEST_PW": wrong.decode()})
    assert r.returncode == 2 and b"refused the login" in r.stderr, r.stderr
    outputs += [r.stdout, r.stderr]
    for args in (
        ["status", "--json"],
        ["status"],
        ["doctor"],
        ["doctor", "--json"],
        ["account", "list", "--json"],
        ["search", "báo cáo", "--json"],
        ["show", "1", "--json"],
        ["reindex"],
    ):
        r = cli(home, "-vv", *args, env={"BP_TEST_PW": good.decode()})
        outputs += [r.stdout, r.stderr]
    for out in outputs:
        assert good not in out and wrong not in out
    log = home / "state" / "bparchive.log"
    assert log.exists() and log.stat().st_size > 0
    for p in _files(home):
        data = p.read_bytes()
        assert good not in data, f"password found in {p}"
        assert wrong not in data, f"wrong password found in {p}"
