"""mbox and Maildir++ writers, and the mbox reader used by ``bparchive demo``."""

from __future__ import annotations

import gzip
import mailbox as stdlib_mailbox
import os
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from imapclient import imap_utf7

from bparchive.demo.generator import GeneratedMessage
from bparchive.demo.writers import (
    maildir_folder_path,
    mutf7_encode,
    read_mbox,
    write_maildir,
    write_mbox,
)

TZ = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    "name", ["INBOX", "Lưu trữ", "Văn bản đến", "Thùng rác", "A&B", "Tiếng Việt ~ 2024", "日本"]
)
def test_mutf7_matches_imapclient(name: str) -> None:
    assert mutf7_encode(name) == imap_utf7.encode(name).decode("ascii")


def test_mbox_round_trip_is_byte_exact(
    plain_mailbox: list[GeneratedMessage], tmp_path: Path
) -> None:
    path = tmp_path / "box.mbox.gz"
    entries = write_mbox(path, plain_mailbox)
    assert entries < len(plain_mailbox)  # copies in a second folder are merged
    assert list(read_mbox(path)) == plain_mailbox
    with gzip.open(path) as fh:
        plain = tmp_path / "box.mbox"
        plain.write_bytes(fh.read())
    assert len(stdlib_mailbox.mbox(plain)) == entries
    write_mbox(tmp_path / "again.mbox.gz", plain_mailbox)
    assert (tmp_path / "again.mbox.gz").read_bytes() == path.read_bytes()


def test_mbox_quotes_from_lines_reversibly(tmp_path: Path) -> None:
    raw = b"From: a@b.vn\r\nSubject: x\r\n\r\nFrom here on\r\n>From quoted\r\nbody\r\n"
    msgs = [
        GeneratedMessage(
            "Văn bản đến", raw, ("\\Flagged", "\\Seen"), datetime(2024, 5, 2, 8, 0, tzinfo=TZ)
        ),
        GeneratedMessage("INBOX", raw + b"x\r\n", (), datetime(2024, 5, 3, 8, 0, tzinfo=TZ)),
    ]
    path = tmp_path / "q.mbox"
    write_mbox(path, msgs)
    text = path.read_bytes()
    assert b"\n>From here on\n>>From quoted\n" in text
    assert b"X-Folder: =?utf-8?B?" in text and b"X-Status: F\n" in text
    assert list(read_mbox(path)) == msgs


def test_maildir_plus_plus_layout(plain_mailbox: list[GeneratedMessage], tmp_path: Path) -> None:
    counts = write_maildir(tmp_path, plain_mailbox)
    assert sum(counts.values()) == len(plain_mailbox)
    assert (tmp_path / "cur").is_dir()
    archive = tmp_path / ".L&AbA-u tr&Hu8-.2023"
    assert maildir_folder_path(tmp_path, "Lưu trữ/2023") == archive
    assert (archive / "maildirfolder").exists()
    assert len(list(archive.joinpath("cur").iterdir())) == counts["Lưu trữ/2023"]
    for folder, n in counts.items():
        files = sorted(maildir_folder_path(tmp_path, folder).joinpath("cur").iterdir())
        assert len(files) == n
    files = sorted((tmp_path / "cur").iterdir())
    by_name = {f.name: f for f in files}
    inbox = [m for m in plain_mailbox if m.folder == "INBOX"]
    for m, f in zip(
        inbox,
        sorted(by_name.values(), key=lambda p: int(p.name.split(".M")[1].split("P")[0])),
        strict=True,
    ):
        assert f.read_bytes() == m.raw.replace(b"\r\n", b"\n")
        assert int(f.stat().st_mtime) == int(m.internaldate.timestamp())
        assert (
            f.name.endswith(":2," + ("S" if "\\Seen" in m.flags else ""))
            or "F" in f.name
            or "R" in f.name
        )
        assert f",S={f.stat().st_size},W={len(m.raw)}:" in f.name


def _doveadm(conf: Path, *args: str) -> str:
    done = subprocess.run(
        ["doveadm", "-c", str(conf), *args], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(
    not (shutil.which("dovecot") and shutil.which("doveadm") and os.geteuid() == 0),
    reason="needs Dovecot and root (to run it as nobody)",
)
def test_dovecot_reads_the_maildir(plain_mailbox: list[GeneratedMessage]) -> None:
    # Dovecot drops to "nobody", who cannot enter pytest's 0700 tmp_path.
    with tempfile.TemporaryDirectory(prefix="bparchive-dovecot-") as tmp:
        _check_dovecot(plain_mailbox, Path(tmp))


def _check_dovecot(plain_mailbox: list[GeneratedMessage], tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    counts = write_maildir(root, plain_mailbox)
    for sub in ("run", "state", "home", "idx"):
        (tmp_path / sub).mkdir()
    conf = tmp_path / "dovecot.conf"
    conf.write_text(
        f"base_dir = {tmp_path}/run\nstate_dir = {tmp_path}/state\nlog_path = {tmp_path}/log\n"
        f"mail_location = maildir:{root}:INDEX={tmp_path}/idx\n"
        "protocols =\nlisten = 127.0.0.1\nssl = no\n"
        "default_internal_user = root\ndefault_login_user = root\n"
        "namespace inbox {\n  inbox = yes\n  separator = /\n}\n"
        f"userdb {{\n  driver = static\n  args = uid=nobody gid=nogroup home={tmp_path}/home\n}}\n"
        "passdb {\n  driver = static\n  args = password=x\n}\n"
    )
    tmp_path.chmod(0o755)
    shutil.chown(tmp_path / "idx", "nobody", "nogroup")
    shutil.chown(tmp_path / "home", "nobody", "nogroup")
    for dirpath, _dirs, files in os.walk(root):
        shutil.chown(dirpath, "nobody", "nogroup")
        for f in files:
            shutil.chown(os.path.join(dirpath, f), "nobody", "nogroup")
    subprocess.run(["dovecot", "-c", str(conf)], check=True, timeout=30)
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "run" / "auth-userdb").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        out = _doveadm(conf, "mailbox", "status", "-u", "bench", "messages", "*")
        seen = {}
        for line in out.splitlines():
            name, _, value = line.rpartition(" messages=")
            seen[name] = int(value)
        assert seen == counts
        flagged = _doveadm(conf, "search", "-u", "bench", "mailbox", "Văn bản đến", "FLAGGED")
        expected = sum(
            1 for m in plain_mailbox if m.folder == "Văn bản đến" and "\\Flagged" in m.flags
        )
        assert len(flagged.splitlines()) == expected
    finally:
        subprocess.run(["doveadm", "-c", str(conf), "stop"], timeout=30, check=False)
