"""Config validation, password sources, the store's invariants, doctor, import hygiene."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bparchive import config
from bparchive.config import Account
from bparchive.errors import ConfigError, PasswordError, StoreError
from bparchive.paths import resolve
from bparchive.secrets import get_password
from bparchive.services import Archive
from bparchive.store import Store


def test_unknown_key_and_bad_values_are_reported_with_file_and_key(tmp_path: Path) -> None:
    paths = resolve(tmp_path)
    paths.ensure()
    paths.config_file.write_text(
        '[accounts.work]\nhost = "h"\nuser = "u"\nsecurty = "tls"\nport = 70000\nkind = "boss"\n'
        '[schedule]\nagency = ["7h"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as e:
        config.load(paths)
    msg = str(e.value)
    assert str(paths.config_file) in msg
    assert "accounts.work.securty" in msg
    assert "accounts.work.port" in msg and "65535" in msg
    assert "accounts.work.kind" in msg
    assert "schedule.agency" in msg and "HH:MM" in msg


def test_add_account_keeps_comments_and_writes_owner_only(tmp_path: Path) -> None:
    paths = resolve(tmp_path)
    paths.ensure()
    paths.config_file.write_text("# my notes\n[settings]\nlanguage = \"vi\"\n", encoding="utf-8")
    config.add_account(paths, Account(name="a", host="h", user="u", password_env="X"))
    text = paths.config_file.read_text(encoding="utf-8")
    assert "# my notes" in text and "[accounts.a]" in text
    assert paths.config_file.stat().st_mode & 0o077 == 0
    assert config.load(paths).account("a").password_env == "X"
    with pytest.raises(ConfigError):
        config.add_account(paths, Account(name="a", host="h", user="u", password_env="X"))


def test_password_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BP_PW", "s3cret")
    assert get_password(Account(name="a", host="h", user="u", password_env="BP_PW")) == "s3cret"
    monkeypatch.delenv("BP_PW")
    with pytest.raises(PasswordError, match="BP_PW is not set"):
        get_password(Account(name="a", host="h", user="u", password_env="BP_PW"))
    script = tmp_path / "pw.sh"
    script.write_text("#!/bin/sh\necho 'from-cmd'\necho second-line\n")
    script.chmod(0o700)
    assert get_password(Account(name="a", host="h", user="u", password_command=str(script))) == "from-cmd"
    with pytest.raises(PasswordError, match="exited with 3"):
        get_password(Account(name="a", host="h", user="u", password_command="sh -c 'exit 3'"))


def test_no_keyring_message_names_the_other_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    with pytest.raises(PasswordError) as e:
        get_password(Account(name="a", host="h", user="u", keyring=True))
    assert "--password-env" in str(e.value) and "--password-command" in str(e.value)


def test_store_dedups_and_keeps_bytes(tmp_path: Path) -> None:
    s = Store(tmp_path / "a.sqlite3")
    raw = b"Message-ID: <a@b>\r\nSubject: x\r\n\r\n" + os.urandom(3_000_000)
    with s.transaction():
        a, created_a = s.put_message(raw)
        b, created_b = s.put_message(raw)
    assert a == b and created_a and not created_b
    assert s.raw(a) == raw
    assert s.message(a)["msgid"] == "<a@b>"
    assert s.execute("SELECT COUNT(*) FROM raw_chunks WHERE message_id = ?", (a,)).fetchone()[0] >= 3
    assert (tmp_path / "a.sqlite3").stat().st_mode & 0o077 == 0


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    s = Store(tmp_path / "a.sqlite3")
    with pytest.raises(RuntimeError), s.transaction():
        s.put_message(b"Subject: x\r\n\r\nhello")
        raise RuntimeError("boom")
    assert s.counts()["messages"] == 0


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    Store(db).close()
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 99")
    con.close()
    with pytest.raises(StoreError, match="newer bparchive"):
        Store(db)


def test_doctor_finds_a_tampered_message(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "home")
    eml = tmp_path / "m.eml"
    eml.write_bytes(b"From: a@b\r\nSubject: Quy\xe1\xba\xbft \xc4\x91\xe1\xbb\x8bnh\r\n\r\nn\xe1\xbb\x99i dung\r\n")
    archive.import_path(eml, "pc")
    assert archive.doctor().ok
    import zstandard

    # Readable bytes, but not the ones whose SHA-256 is recorded.
    archive.store.execute("UPDATE raw_chunks SET data = ?", (zstandard.compress(b"something else"),))
    rep = archive.doctor()
    assert not rep.ok
    assert [p.kind for p in rep.problems] == ["hash"]
    assert "does not match its SHA-256" in rep.problems[0].detail
    # Unreadable bytes: said so, not a traceback.
    archive.store.execute("UPDATE raw_chunks SET data = ?", (b"\x28\xb5\x2f\xfd\x00garbage",))
    rep = archive.doctor()
    assert [p.kind for p in rep.problems] == ["hash"]
    assert "unreadable" in rep.problems[0].detail


def test_doctor_reports_and_repairs_loose_permissions(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "home")
    eml = tmp_path / "m.eml"
    eml.write_bytes(b"From: a@b\r\nSubject: x\r\n\r\nbody\r\n")
    archive.import_path(eml, "pc")
    os.chmod(archive.paths.db_file, 0o644)
    rep = archive.doctor(verify_hashes=False)
    assert any(p.kind == "permissions" for p in rep.problems)
    archive.doctor(repair=True, verify_hashes=False)
    assert archive.paths.db_file.stat().st_mode & 0o077 == 0


def test_search_help_never_imports_textual() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from bparchive.cli import main\n"
        "r = CliRunner().invoke(main, ['search', '--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'whoosh'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, check=True
    ).stdout
    assert not [m for m in json.loads(out) if m.startswith("textual")]


def test_importing_bparchive_does_no_work(tmp_path: Path) -> None:
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "d"), XDG_CONFIG_HOME=str(tmp_path / "c"))
    subprocess.run(
        [sys.executable, "-c", "import bparchive, bparchive.cli, bparchive.services, bparchive.store"],
        check=True, env=env,
    )
    assert not any(tmp_path.iterdir())


def test_messages_stored_by_an_earlier_version_with_zlib_still_read(tmp_path: Path) -> None:
    """Archives written before the switch to Zstandard keep their zlib rows: both read."""
    import hashlib
    import zlib

    s = Store(tmp_path / "a.db")
    raw_new = b"From: a@b\r\nSubject: m\xe1\xbb\x9bi\r\n\r\n" + b"n\xe1\xbb\x99i dung " * 5000
    raw_old = b"From: c@d\r\nSubject: c\xc5\xa9\r\n\r\n" + bytes(range(256)) * 3000
    with s.transaction():
        new_id, created = s.put_message(raw_new)
        assert created
        old_id = s._insert(hashlib.sha256(raw_old).hexdigest(), len(raw_old), 0, [], None)
        comp = zlib.compress(raw_old, 1)
        s.conn.executemany(
            "INSERT INTO raw_chunks VALUES (?,?,?)",
            [(old_id, i, comp[j : j + 4096]) for i, j in enumerate(range(0, len(comp), 4096))],
        )
        s.execute("UPDATE messages SET codec = 'zlib', stored_size = ? WHERE id = ?", (len(comp), old_id))
    assert s.message(new_id)["codec"] == "zstd"
    assert s.raw(new_id) == raw_new
    assert s.raw(old_id) == raw_old
    assert s.message(new_id)["stored_size"] < len(raw_new) // 10


def test_unreadable_stored_bytes_raise_a_clear_error(tmp_path: Path) -> None:
    from bparchive.errors import CorruptError

    s = Store(tmp_path / "a.db")
    with s.transaction():
        mid, _ = s.put_message(b"From: a@b\r\n\r\nbody\r\n")
    s.execute("UPDATE raw_chunks SET data = ? WHERE message_id = ?", (b"\x28\xb5\x2f\xfdgarbage", mid))
    with pytest.raises(CorruptError, match=f"Message {mid}: its stored bytes are unreadable"):
        s.raw(mid)
