"""TLS verification is on by default: an unknown CA is refused, never silently trusted."""

from __future__ import annotations

from pathlib import Path

from tests.security.helpers import cli


def _add(home: Path, user, *extra: str) -> None:  # type: ignore[no-untyped-def]
    r = cli(
        home,
        "account",
        "add",
        "work",
        "--host",
        user.host,
        "--port",
        str(user.port),
        "--user",
        user.name,
        "--password-env",
        "BP_TEST_PW",
        *extra,
    )
    assert r.returncode == 0, r.stderr


def test_no_cafile_means_the_test_ca_is_not_trusted(imap_user, tmp_path: Path) -> None:
    home = tmp_path / "home"
    _add(home, imap_user)
    r = cli(home, "sync", env={"BP_TEST_PW": imap_user.password})
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert "certificate" in err.lower() and "could not be verified" in err, err
    assert "never turn verification off" in err
    assert (
        not (home / "archive.sqlite3").exists()
        or b"spare" not in (home / "archive.sqlite3").read_bytes()
    )


def test_self_signed_server_refused_with_the_ca_of_another(
    dovecot_self_signed, tmp_path: Path
) -> None:
    from tests.dovecot import make_certificates

    other_ca = make_certificates(tmp_path / "other").ca_cert
    server = dovecot_self_signed

    class U:
        host, port, name = server.host, server.port, "alice"

    home = tmp_path / "home"
    _add(home, U, "--cafile", str(other_ca))
    r = cli(home, "sync", env={"BP_TEST_PW": server.password("alice")})
    assert r.returncode == 2
    assert "could not be verified" in r.stderr.decode()


def test_the_right_cafile_is_accepted(imap_user, tmp_path: Path) -> None:
    home = tmp_path / "home"
    _add(home, imap_user, "--cafile", str(imap_user.cafile))
    r = cli(home, "sync", env={"BP_TEST_PW": imap_user.password})
    assert r.returncode == 0, r.stderr
