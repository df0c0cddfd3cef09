"""The private Dovecot the suite relies on really behaves like a real IMAP server.

Who runs it: pytest, through ``scripts/test``. If these fail, every sync test
built on ``tests/dovecot.py`` is suspect, so they check TLS verification,
STARTTLS, Vietnamese folder names on the wire, UIDs and UIDVALIDITY, crash and
restart, IDLE, CONDSTORE, bulk loading and that the system config stays untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import ssl
import time
from pathlib import Path

import pytest
from cryptography import x509
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from tests.dovecot import DovecotServer, ImapUser, make_certificates

VI_INBOX = "Văn bản đến"
VI_NESTED = "Lưu trữ/2023"


def _message(n: int, subject: str = "Công văn") -> bytes:
    return (
        f"From: van-thu@example.gov.vn\r\nTo: can-bo@example.gov.vn\r\n"
        f"Subject: =?utf-8?b?{subject.encode().hex()}?=\r\nMessage-ID: <m{n}@example.gov.vn>\r\n"
        f"Date: Mon, 01 Jan 2024 08:00:00 +0700\r\n\r\nNội dung số {n}\r\n"
    ).encode()


def _tree_fingerprint(root: Path) -> dict[str, tuple[int, str]]:
    result: dict[str, tuple[int, str]] = {}
    if not root.exists():
        return result
    for path in sorted(root.rglob("*")):
        if path.is_file() and os.access(path, os.R_OK):
            result[str(path)] = (
                path.stat().st_mtime_ns,
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
    return result


# ----------------------------------------------------------------- TLS


def test_imaps_login_verified_with_cafile(dovecot: DovecotServer) -> None:
    with dovecot.connect("alice", security="tls") as client:
        sock = client._imap.sock
        assert isinstance(sock, ssl.SSLSocket)
        assert sock.getpeercert()["subjectAltName"] == (
            ("DNS", "localhost"),
            ("IP Address", "127.0.0.1"),
        )
        caps = set(client.capabilities())
    assert {b"IDLE", b"CONDSTORE", b"QRESYNC", b"UIDPLUS", b"MOVE"} <= caps
    assert dovecot.imap_url == f"imaps://127.0.0.1:{dovecot.port}"
    assert dovecot.startup_seconds is not None and dovecot.startup_seconds < 10


def test_imaps_without_the_test_ca_is_refused(dovecot: DovecotServer) -> None:
    system_only = ssl.create_default_context()
    with pytest.raises(ssl.SSLCertVerificationError):
        IMAPClient(dovecot.host, dovecot.port, ssl=True, ssl_context=system_only, timeout=10)


def test_self_signed_server_trusted_only_through_its_own_cert(
    dovecot_self_signed: DovecotServer, tmp_path: Path
) -> None:
    server = dovecot_self_signed
    other_ca = make_certificates(tmp_path / "other").ca_cert
    wrong = ssl.create_default_context(cafile=str(other_ca))
    with pytest.raises(ssl.SSLCertVerificationError):
        IMAPClient(server.host, server.port, ssl=True, ssl_context=wrong, timeout=10)
    assert server.cafile == server.certificates.self_signed_cert
    with server.connect("bob") as client:
        assert client.list_folders()


def test_certificates_chain_to_the_test_ca(tmp_path: Path) -> None:
    certs = make_certificates(tmp_path)
    ca = x509.load_pem_x509_certificate(certs.ca_cert.read_bytes())
    leaf = x509.load_pem_x509_certificate(certs.server_cert.read_bytes())
    leaf.verify_directly_issued_by(ca)
    own = x509.load_pem_x509_certificate(certs.self_signed_cert.read_bytes())
    with pytest.raises((ValueError, Exception)):
        own.verify_directly_issued_by(ca)
    assert oct(certs.server_key.stat().st_mode & 0o777) == "0o600"


def test_starttls_upgrades_the_plain_port(dovecot: DovecotServer) -> None:
    with dovecot.connect("alice", security="starttls") as client:
        assert isinstance(client._imap.sock, ssl.SSLSocket)
        assert client.select_folder("INBOX")[b"EXISTS"] == 0


def test_plaintext_login_allowed_on_the_private_plain_port(dovecot: DovecotServer) -> None:
    with dovecot.connect("bob", security="plain") as client:
        assert not isinstance(client._imap.sock, ssl.SSLSocket)
        assert b"AUTH=PLAIN" in client.capabilities() or client.list_folders()


def test_wrong_password_is_refused_quickly(dovecot: DovecotServer) -> None:
    with dovecot.connect(security="tls") as client:
        start = time.monotonic()
        with pytest.raises(LoginError):
            client.login("alice", "not-the-password")
        assert time.monotonic() - start < 1.9  # Dovecot waits 2 s by default
    start = time.monotonic()
    with dovecot.connect("alice") as client:  # no auth penalty after the failure
        assert client.list_folders()
    assert time.monotonic() - start < 1.5


# --------------------------------------------------------------- mail


def test_vietnamese_folders_round_trip_in_modified_utf7(dovecot: DovecotServer) -> None:
    dovecot.create_folder("alice", VI_INBOX)
    uid = dovecot.append("alice", VI_NESTED, _message(1))
    assert uid == 1
    with dovecot.connect("alice") as client:
        typ, raw = client._imap.list()
        assert typ == "OK"
        wire = b"\n".join(line for line in raw if isinstance(line, bytes))
        assert b'"V&AQM-n b&HqM-n &AREevw-n"' in wire
        assert b'"L&AbA-u tr&Hu8-/2023"' in wire
        names = {name for _flags, _sep, name in client.list_folders()}
        assert {VI_INBOX, "Lưu trữ", VI_NESTED, "INBOX"} <= names
        client.select_folder(VI_NESTED, readonly=True)
        body = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    assert body == _message(1)
    assert (dovecot.maildir_path("alice", VI_NESTED) / "cur").is_dir()


def test_append_list_fetch_flags_expunge(dovecot: DovecotServer) -> None:
    when = dt.datetime(2023, 5, 17, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    uids = [
        dovecot.append("alice", "INBOX", _message(n), flags=[r"\Seen"], internaldate=when)
        for n in range(1, 4)
    ]
    assert uids == [1, 2, 3]
    dovecot.set_flags("alice", "INBOX", [2], [r"\Flagged"])
    dovecot.expunge("alice", "INBOX", [1])
    assert dovecot.uids("alice", "INBOX") == [2, 3]
    with dovecot.connect("alice") as client:
        client.select_folder("INBOX", readonly=True)
        data = client.fetch([2, 3], ["FLAGS", "INTERNALDATE", "BODY.PEEK[]"])
    assert data[2][b"FLAGS"] == (b"\\Flagged",)
    assert data[3][b"FLAGS"] == (b"\\Seen",)
    assert data[3][b"INTERNALDATE"].astimezone(dt.UTC) == when.astimezone(dt.UTC).replace(
        tzinfo=dt.UTC
    ) or data[3][b"INTERNALDATE"].replace(tzinfo=None) == when.astimezone().replace(tzinfo=None)
    assert data[3][b"BODY[]"] == _message(3)
    assert [uid for uid, _raw in dovecot.iter_messages("alice", "INBOX")] == [2, 3]
    assert dovecot.status("alice", "INBOX")["MESSAGES"] == 2


def test_recreate_folder_changes_uidvalidity(dovecot: DovecotServer) -> None:
    dovecot.append("bob", VI_INBOX, _message(1))
    before = dovecot.uidvalidity("bob", VI_INBOX)
    after = dovecot.recreate_folder("bob", VI_INBOX)
    assert after != before
    assert dovecot.uidvalidity("bob", VI_INBOX) == after
    assert dovecot.uids("bob", VI_INBOX) == []
    assert dovecot.append("bob", VI_INBOX, _message(2)) == 1


def test_users_are_separate_and_new_users_work(dovecot: DovecotServer) -> None:
    dovecot.append("alice", "INBOX", _message(1))
    password = dovecot.add_user("carol")
    with dovecot.connect("carol") as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    assert dovecot.password("carol") == password
    assert dovecot.status("bob", "INBOX")["MESSAGES"] == 0


def test_imap_user_on_the_session_server(imap_user: ImapUser) -> None:
    with imap_user.connect(security="tls") as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    imap_user.server.append(imap_user.name, "INBOX", _message(7))
    assert imap_user.server.uids(imap_user.name, "INBOX") == [1]


# ----------------------------------------------------- server lifecycle


def test_kill_cuts_clients_and_restart_keeps_ports_and_mail(dovecot: DovecotServer) -> None:
    dovecot.append("alice", VI_NESTED, _message(1))
    ports, old_pid = (dovecot.port, dovecot.starttls_port), dovecot.pid
    client = dovecot.connect("alice")
    client.select_folder(VI_NESTED)
    dovecot.kill()
    assert not dovecot.running
    with pytest.raises((OSError, IMAPClient.AbortError, IMAPClient.Error)):
        client.noop()
    with pytest.raises(OSError):
        IMAPClient(dovecot.host, dovecot.port, ssl=False, timeout=2)
    dovecot.restart()
    assert (dovecot.port, dovecot.starttls_port) == ports
    assert dovecot.pid != old_pid
    assert dovecot.uids("alice", VI_NESTED) == [1]
    assert dovecot.append("alice", VI_NESTED, _message(2)) == 2


def test_stop_then_start_again(dovecot: DovecotServer) -> None:
    dovecot.append("bob", "INBOX", _message(1))
    client = dovecot.connect("bob")
    client.select_folder("INBOX")
    dovecot.stop()
    assert not dovecot.running
    with pytest.raises((OSError, IMAPClient.AbortError, IMAPClient.Error)):
        client.noop()
    with pytest.raises(OSError):
        IMAPClient(dovecot.host, dovecot.starttls_port, ssl=False, timeout=2)
    dovecot.start()
    assert dovecot.uids("bob", "INBOX") == [1]
    assert "starting up" in dovecot.log_text()


def test_system_dovecot_config_is_never_touched() -> None:
    etc = Path("/etc/dovecot")
    before = _tree_fingerprint(etc)
    with DovecotServer() as server:
        server.append("alice", VI_INBOX, _message(1))
        server.restart()
        config = server.config_path.read_text()
        assert "/etc/dovecot" not in config
        assert f"base_dir = {server.root}/run" in config
        shown = server.doveadm("config", "-n", check=False)
        assert "/run/dovecot" not in shown.stdout
        root = server.root
    assert _tree_fingerprint(etc) == before
    assert not root.exists()


def test_processes_run_unprivileged(dovecot: DovecotServer) -> None:
    with dovecot.connect("alice") as client:
        client.select_folder("INBOX")
        pgid = dovecot.pid
        assert pgid is not None
        by_name: dict[str, set[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.getpgid(int(entry.name)) != pgid:
                    continue
                status = (entry / "status").read_text()
            except (OSError, ProcessLookupError):
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            uid = int(fields["Uid"].split()[1])
            by_name.setdefault(fields["Name"].strip(), set()).add(uid)
    assert "imap" in by_name and "imap-login" in by_name
    assert 0 not in by_name["imap"]
    assert 0 not in by_name["imap-login"]


# ------------------------------------------------------- IMAP features


def test_idle_reports_new_mail(dovecot: DovecotServer) -> None:
    with dovecot.connect("alice") as client:
        client.select_folder("INBOX")
        client.idle()
        try:
            dovecot.append("alice", "INBOX", _message(1))
            deadline = time.monotonic() + 10
            seen: list[tuple[object, ...]] = []
            while time.monotonic() < deadline and not any(b"EXISTS" in r for r in seen):
                seen.extend(client.idle_check(timeout=1))
        finally:
            client.idle_done()
    assert (1, b"EXISTS") in seen


def test_condstore_modseq_moves_on_flag_change(dovecot: DovecotServer) -> None:
    uid = dovecot.append("alice", "INBOX", _message(1))
    with dovecot.connect("alice") as client:
        client.enable("QRESYNC")
        first = int(client.select_folder("INBOX", readonly=True)[b"HIGHESTMODSEQ"])
        dovecot.add_flags("alice", "INBOX", [uid], [r"\Seen"])
        client.unselect_folder()
        second = int(client.select_folder("INBOX", readonly=True)[b"HIGHESTMODSEQ"])
        changed = client.fetch([uid], ["FLAGS"], modifiers=[f"CHANGEDSINCE {first}"])
    assert second > first
    assert b"\\Seen" in changed[uid][b"FLAGS"]


# ---------------------------------------------------------- bulk loads


def test_load_messages_writes_maildir_and_dovecot_indexes_it(dovecot: DovecotServer) -> None:
    when = dt.datetime(2022, 3, 1, 7, 0, tzinfo=dt.UTC)
    messages = [_message(n) for n in range(300)]
    assert (
        dovecot.load_messages("bob", VI_NESTED, messages, flags=[r"\Seen"], internaldate=when)
        == 300
    )
    assert dovecot.uids("bob", VI_NESTED) == list(range(1, 301))
    with dovecot.connect("bob") as client:
        client.select_folder(VI_NESTED, readonly=True)
        data = client.fetch([1, 300], ["FLAGS", "INTERNALDATE", "BODY.PEEK[]"])
    assert data[300][b"BODY[]"] == messages[299]
    assert set(data[1][b"FLAGS"]) - {b"\\Recent"} == {b"\\Seen"}
    assert data[1][b"INTERNALDATE"].astimezone(dt.UTC) == when
    assert dovecot.append("bob", VI_NESTED, _message(999)) == 301
    with pytest.raises(ValueError):
        dovecot.load_messages("bob", "INBOX", [b"x"], flags=["$Label1"])


def test_load_maildir_copies_a_maildir_with_subfolders(
    dovecot: DovecotServer, tmp_path: Path
) -> None:
    src = tmp_path / "Maildir"
    for box in (src, src / ".Lưu trữ.2023"):
        for sub in ("cur", "new", "tmp"):
            (box / sub).mkdir(parents=True)
    (src / "cur" / "1.a.host:2,S").write_bytes(_message(1))
    (src / "new" / "2.b.host").write_bytes(_message(2))
    (src / ".Lưu trữ.2023" / "cur" / "3.c.host:2,FS").write_bytes(_message(3))
    counts = dovecot.load_maildir("alice", src)
    assert counts == {"INBOX": 2, VI_NESTED: 1}
    with dovecot.connect("alice") as client:
        client.select_folder(VI_NESTED, readonly=True)
        flags = client.fetch([1], ["FLAGS"])[1][b"FLAGS"]
    assert set(flags) - {b"\\Recent"} == {b"\\Seen", b"\\Flagged"}
    tree = tmp_path / "tree"
    (tree / "Hồ sơ" / "cur").mkdir(parents=True)
    (tree / "Hồ sơ" / "cur" / "4.d.host:2,").write_bytes(_message(4))
    assert dovecot.load_maildir("bob", tree, folder="Nhập") == {"Nhập/Hồ sơ": 1}


# ------------------------------------------------------------ fixtures


def test_tmp_home_is_fresh_private_and_exported(tmp_home: Path) -> None:
    assert tmp_home.is_dir() and not any(tmp_home.iterdir())
    assert tmp_home.stat().st_mode & 0o777 == 0o700
    assert os.environ["BPARCHIVE_HOME"] == str(tmp_home)


def test_corpora_dir_is_beside_the_repository(corpora_dir: Path) -> None:
    assert corpora_dir.is_dir()
    assert corpora_dir.resolve().parent.name == "shared"
    assert any(corpora_dir.iterdir())
