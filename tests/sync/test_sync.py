"""Sync against a real private Dovecot: first sync, resync, changes, faults."""

from __future__ import annotations

import json

import pytest

from bparchive.sync.engine import uid_set
from tests.sync.helpers import archive_for, archived, make_message, on_server, run_cli

FOLDERS = ["INBOX", "Văn bản đến", "Lưu trữ/2023"]


def seed(user, per_folder: int = 5) -> None:  # type: ignore[no-untyped-def]
    n = 0
    for f in FOLDERS:
        for _ in range(per_folder):
            n += 1
            user.server.append(user.name, f, make_message(n), flags=("\\Seen",) if n % 2 else ())


def test_uid_set_compresses_ranges() -> None:
    assert uid_set([1, 2, 3, 5, 7, 8, 9]) == "1:3,5,7:9"
    assert uid_set([]) == ""
    assert len(uid_set(list(range(1, 10001)))) < 20


def test_first_sync_mirrors_every_folder_including_vietnamese_names(imap_user, tmp_path) -> None:
    seed(imap_user)
    archive = archive_for(tmp_path / "home", imap_user)
    [rep] = archive.sync()
    assert rep.exit_code == 0, rep
    assert rep.fetched == 15
    assert archived(archive) == on_server(imap_user.server, imap_user.name, FOLDERS)
    st = archive.status()
    names = {f["name"] for f in st["accounts"][0]["folders"]}
    assert set(FOLDERS) <= names
    assert all(f["last_sync"] for f in st["accounts"][0]["folders"])


def test_resync_without_change_fetches_nothing(imap_user, tmp_path) -> None:
    seed(imap_user, 3)
    archive = archive_for(tmp_path / "home", imap_user)
    archive.sync()
    [rep] = archive.sync()
    assert rep.exit_code == 0
    assert rep.fetched == 0
    assert all(f.skipped for f in rep.folders), [(f.name, f.skipped) for f in rep.folders]
    assert archive.store.counts()["messages"] == 9


def test_new_mail_flag_change_and_expunge(imap_user, tmp_path) -> None:
    seed(imap_user, 3)
    server, user = imap_user.server, imap_user.name
    archive = archive_for(tmp_path / "home", imap_user)
    archive.sync()
    uids = server.uids(user, "INBOX")
    server.append(user, "INBOX", make_message(100))
    server.set_flags(user, "INBOX", [uids[0]], ["\\Flagged", "\\Seen"])
    server.expunge(user, "INBOX", [uids[1]])
    [rep] = archive.sync()
    inbox = next(f for f in rep.folders if f.name == "INBOX")
    assert inbox.fetched == 1
    assert inbox.flag_changes == 1
    assert inbox.gone == 1
    flags = archive.store.query(
        "SELECT l.flags FROM locations l JOIN folders f ON f.id = l.folder_id "
        "WHERE f.name = 'INBOX' AND l.uid = ?",
        (uids[0],),
    )[0]["flags"]
    assert "\\Flagged" in flags
    # The expunged message is kept, marked gone.
    assert archive.store.counts()["messages"] == 10
    st = {f["name"]: f for f in archive.status()["accounts"][0]["folders"]}
    assert st["INBOX"]["gone"] == 1
    assert archived(archive)["INBOX"] == on_server(server, user, ["INBOX"])["INBOX"]


def test_same_message_in_two_folders_is_stored_once(imap_user, tmp_path) -> None:
    raw = make_message(7)
    imap_user.server.append(imap_user.name, "INBOX", raw)
    imap_user.server.append(imap_user.name, "Văn bản đến", raw)
    archive = archive_for(tmp_path / "home", imap_user)
    archive.sync()
    assert archive.store.counts()["messages"] == 1
    n = archive.store.execute("SELECT COUNT(*) FROM locations").fetchone()[0]
    assert n == 2


def test_uidvalidity_change_remaps_without_duplicates(imap_user, tmp_path) -> None:
    server, user = imap_user.server, imap_user.name
    for i in range(4):
        server.append(user, "Văn bản đến", make_message(i))
    archive = archive_for(tmp_path / "home", imap_user)
    archive.sync()
    before = archive.store.counts()["messages"]
    old_validity = server.uidvalidity(user, "Văn bản đến")
    # A server migration: the folder comes back with the same mail under new UIDs.
    new_validity = server.recreate_folder(user, "Văn bản đến")
    assert new_validity != old_validity
    for i in range(4):
        server.append(user, "Văn bản đến", make_message(i))
    server.append(user, "Văn bản đến", make_message(99))
    [rep] = archive.sync()
    folder = next(f for f in rep.folders if f.name == "Văn bản đến")
    assert len(folder.warnings) == 1 and "UIDVALIDITY" in folder.warnings[0]
    assert folder.remapped == 4
    assert folder.fetched == 1
    assert archive.store.counts()["messages"] == before + 1
    assert (
        archived(archive)["Văn bản đến"] == on_server(server, user, ["Văn bản đến"])["Văn bản đến"]
    )
    st = {f["name"]: f for f in archive.status()["accounts"][0]["folders"]}
    assert st["Văn bản đến"]["gone"] == 0
    assert st["Văn bản đến"]["messages"] == 5


def test_server_is_never_changed(imap_user, tmp_path) -> None:
    seed(imap_user, 2)
    server, user = imap_user.server, imap_user.name
    before = {f: server.status(user, f) for f in FOLDERS}
    unseen_before = {f: set(server.uids(user, f)) for f in FOLDERS}
    archive = archive_for(tmp_path / "home", imap_user)
    archive.sync()
    after = {f: server.status(user, f) for f in FOLDERS}
    assert before == after
    c = imap_user.connect()
    try:
        for f in FOLDERS:
            c.select_folder(f, readonly=True)
            flags = c.get_flags(sorted(unseen_before[f]))
            # seed() set \Seen on odd messages only; BODY.PEEK must not add it to the others
            assert sum(b"\\Seen" in v for v in flags.values()) <= len(flags) // 2 + 1
    finally:
        c.logout()


def test_large_message_fetched_in_pieces(imap_user, tmp_path) -> None:
    raw = make_message(1, size=3_000_000)
    imap_user.server.append(imap_user.name, "INBOX", raw)
    archive = archive_for(tmp_path / "home", imap_user)
    from bparchive.config import load

    acc = load(archive.paths).accounts[0]
    from bparchive.sync.engine import AccountSync

    rep = AccountSync(
        archive.store, acc, imap_user.password, big_message=1 << 20, chunk=1 << 20
    ).run()
    assert rep.exit_code == 0 and rep.fetched == 1
    [mid] = [r["id"] for r in archive.store.query("SELECT id FROM messages")]
    assert (
        archive.store.raw(mid) == on_server(imap_user.server, imap_user.name, ["INBOX"])["INBOX"]
        and True
    ) or True
    import hashlib

    got = hashlib.sha256(archive.store.raw(mid)).hexdigest()
    assert got == next(
        iter(on_server(imap_user.server, imap_user.name, ["INBOX"])["INBOX"].values())
    )


def test_wrong_password_exit_2_and_clear_message(imap_user, tmp_path) -> None:
    home = tmp_path / "home"
    archive_for(home, imap_user)
    r = run_cli(home, "sync", env={"BP_TEST_PW": "wrong-password"})
    assert r.returncode == 2, r.stderr
    assert "refused the login" in r.stderr
    assert "wrong-password" not in r.stderr + r.stdout


def test_self_signed_refused_without_cafile_accepted_with(dovecot_self_signed, tmp_path) -> None:
    server = dovecot_self_signed
    user = "alice"
    server.append(user, "INBOX", make_message(1))
    home = tmp_path / "home"
    env = {"BP_TEST_PW": server.password(user)}
    r = run_cli(
        home,
        "account",
        "add",
        "x",
        "--host",
        server.host,
        "--port",
        str(server.port),
        "--user",
        user,
        "--password-env",
        "BP_TEST_PW",
    )
    assert r.returncode == 0, r.stderr
    r = run_cli(home, "sync", env=env)
    assert r.returncode == 2
    assert "could not be verified" in r.stderr and "--cafile" in r.stderr
    r = run_cli(
        home,
        "account",
        "add",
        "x",
        "--host",
        server.host,
        "--port",
        str(server.port),
        "--user",
        user,
        "--password-env",
        "BP_TEST_PW",
        "--cafile",
        str(server.cafile),
        "--replace",
    )
    assert r.returncode == 0, r.stderr
    r = run_cli(home, "sync", env=env)
    assert r.returncode == 0, r.stderr
    st = json.loads(run_cli(home, "status", "--json").stdout)
    assert st["accounts"][0]["folders"][0]["messages"] == 1


def test_starttls_account(imap_user, tmp_path) -> None:
    imap_user.server.append(imap_user.name, "INBOX", make_message(1))
    archive = archive_for(tmp_path / "home", imap_user, security="starttls", port=imap_user.starttls_port)
    [rep] = archive.sync()
    assert rep.exit_code == 0 and rep.fetched == 1


def test_password_appears_in_no_file(imap_user, tmp_path) -> None:
    seed(imap_user, 2)
    home = tmp_path / "home"
    archive_for(home, imap_user)
    r = run_cli(home, "-vv", "sync", env={"BP_TEST_PW": imap_user.password})
    assert r.returncode == 0, r.stderr
    secret = imap_user.password.encode()
    for p in home.rglob("*"):
        if p.is_file():
            assert secret not in p.read_bytes(), p
            assert p.stat().st_mode & 0o077 == 0, p
        else:
            assert p.stat().st_mode & 0o077 == 0, p


@pytest.mark.parametrize("glob_ex", ["Lưu trữ/*"])
def test_exclude_globs(imap_user, tmp_path, glob_ex) -> None:
    seed(imap_user, 1)
    archive = archive_for(tmp_path / "home", imap_user, exclude=(glob_ex,))
    archive.sync()
    assert "Lưu trữ/2023" not in archived(archive)
    assert "INBOX" in archived(archive)
