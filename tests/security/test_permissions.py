"""0700/0600 on everything under the home after sync, import, search and reindex;
``doctor`` reports (and ``--repair`` fixes) a loosened file or folder."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from tests.security.helpers import cli, import_messages
from tests.sync.helpers import make_message


def _loose(home: Path) -> list[str]:
    bad = []
    for p in [home, *home.rglob("*")]:
        if p.is_symlink():
            continue
        mode = stat.S_IMODE(p.lstat().st_mode)
        want = 0o700 if p.is_dir() else 0o600
        if mode & 0o077 or (p.is_dir() and mode != want):
            bad.append(f"{p} {mode:o}")
    return bad


def test_every_file_is_private_after_each_command(imap_user, tmp_path: Path) -> None:
    imap_user.server.load_messages(
        imap_user.name, "INBOX", [make_message(i, size=3000) for i in range(8)]
    )
    home = tmp_path / "home"
    old = os.umask(0o022)  # a typical user umask: bparchive must not depend on a strict one
    try:
        steps = [
            [
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
            ],
            ["sync"],
            ["search", "báo cáo", "--json"],
            ["reindex"],
            ["reindex", "--reparse"],
            ["status", "--json"],
            ["show", "1", "--text"],
        ]
        for args in steps:
            r = cli(home, *args, env={"BP_TEST_PW": imap_user.password})
            assert r.returncode == 0, (args, r.stderr)
            assert not _loose(home), (args, _loose(home))
        r = import_messages(home, tmp_path, [make_message(100 + i) for i in range(3)])
        assert r.returncode == 0, r.stderr
        assert not _loose(home), ("import", _loose(home))
    finally:
        os.umask(old)


def test_doctor_reports_and_repairs_a_loosened_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert import_messages(home, tmp_path, [make_message(i) for i in range(2)]).returncode == 0
    db = home / "archive.sqlite3"
    os.chmod(db, 0o644)
    os.chmod(home / "index", 0o755)
    r = cli(home, "doctor", "--json", "--quick")
    assert r.returncode == 1
    problems = json.loads(r.stdout)["problems"]
    kinds = {(p["kind"], Path(p["detail"].split(" is ")[0]).name) for p in problems}
    assert ("permissions", "archive.sqlite3") in kinds and ("permissions", "index") in kinds, (
        problems
    )
    r = cli(home, "doctor", "--repair", "--quick")
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE((home / "index").stat().st_mode) == 0o700
    assert cli(home, "doctor", "--quick").returncode == 0
