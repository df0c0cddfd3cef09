"""Helpers for sync tests: messages to append, an archive wired to a test user."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from bparchive.config import Account
from bparchive.services import Archive


def make_message(n: int, *, subject: str | None = None, size: int = 0, msgid: str | None = None) -> bytes:
    subj = subject or f"V/v báo cáo số {n}"
    from email.header import Header

    enc = Header(subj, "utf-8").encode()
    body = f"Kính gửi: Sở TT&TT\r\nNội dung thư số {n}.\r\n".encode()
    if size:
        body += (b"x" * 76 + b"\r\n") * (size // 78)
    mid = msgid or f"<msg{n}@binhphuoc.gov.vn>"
    return (
        f"From: Sở TT&TT <sotttt@binhphuoc.gov.vn>\r\nTo: ubnd@binhphuoc.gov.vn\r\n"
        f"Subject: {enc}\r\nMessage-ID: {mid}\r\nDate: Mon, 1 Jul 2024 08:00:00 +0700\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + body


def account_for(user, name: str = "work", **kw) -> Account:  # type: ignore[no-untyped-def]
    fields = {
        "host": user.host, "port": user.port, "user": user.name, "security": "tls",
        "cafile": str(user.cafile), "kind": "agency", "password_env": "BP_TEST_PW",
    }
    fields.update(kw)
    return Account(name=name, **fields)


def archive_for(home: Path, user, name: str = "work", **kw) -> Archive:  # type: ignore[no-untyped-def]
    os.environ["BP_TEST_PW"] = user.password
    archive = Archive(home)
    archive.add_account(account_for(user, name, **kw))
    return archive


def archived(archive: Archive, account: str = "work") -> dict[str, dict[int, str]]:
    """folder → {uid: sha256} of live locations in the archive."""
    out: dict[str, dict[int, str]] = {}
    for r in archive.store.query(
        "SELECT f.name, l.uid, m.sha256 FROM locations l JOIN folders f ON f.id = l.folder_id "
        "JOIN messages m ON m.id = l.message_id WHERE f.account = ? AND l.gone_at IS NULL",
        (account,),
    ):
        out.setdefault(r["name"], {})[r["uid"]] = r["sha256"]
    return out


def on_server(server, user: str, folders: list[str]) -> dict[str, dict[int, str]]:  # type: ignore[no-untyped-def]
    out: dict[str, dict[int, str]] = {}
    for f in folders:
        out[f] = {uid: hashlib.sha256(raw).hexdigest() for uid, raw in server.iter_messages(user, f)}
    return out


def run_cli(home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bparchive", "--home", str(home), *args],
        capture_output=True, text=True, env=e, timeout=timeout, check=False,
    )
