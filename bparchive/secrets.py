"""Passwords: from the system keyring, an environment variable, or a command.

bparchive never writes a password anywhere: not in the config, the archive,
the logs or an error message. When no keyring backend exists (a server
reached over SSH), the error names the two other ways.
"""

from __future__ import annotations

import os
import shlex
import subprocess

from bparchive.config import Account
from bparchive.errors import PasswordError

KEYRING_SERVICE = "bparchive"


def _keyring_username(acc: Account) -> str:
    return f"{acc.user}@{acc.host}"


def _other_ways(acc: Account) -> str:
    return (
        f"Use an environment variable (bparchive account add {acc.name} … --password-env VAR) "
        f'or a command (--password-command "pass show mail/{acc.name}").'
    )


def _keyring_module():  # type: ignore[no-untyped-def]
    try:
        import keyring
        from keyring.backends import fail
    except ImportError as e:  # pragma: no cover - keyring is a dependency
        raise PasswordError("The keyring package is not installed.") from e
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or "fail" in type(backend).__module__:
        return None
    return keyring


def get_password(acc: Account) -> str:
    """Return the password for ``acc`` from its configured source.

    Raises:
        PasswordError: with a message that says what to do.
    """
    if acc.password_env:
        value = os.environ.get(acc.password_env)
        if not value:
            raise PasswordError(
                f"Account {acc.name}: the environment variable {acc.password_env} is not set."
            )
        return value
    if acc.password_command:
        try:
            argv = shlex.split(acc.password_command)
        except ValueError as e:
            raise PasswordError(f"Account {acc.name}: cannot parse the password command: {e}") from e
        try:
            proc = subprocess.run(
                argv, capture_output=True, timeout=60, check=False, stdin=subprocess.DEVNULL
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise PasswordError(
                f"Account {acc.name}: the password command could not run: {type(e).__name__}: {e}"
            ) from e
        if proc.returncode != 0:
            # stderr may help; stdout might hold a secret and is never shown.
            err = proc.stderr.decode("utf-8", "replace").strip()[:300]
            raise PasswordError(
                f"Account {acc.name}: the password command exited with {proc.returncode}"
                + (f": {err}" if err else ".")
            )
        value = proc.stdout.decode("utf-8", "replace").split("\n", 1)[0].rstrip("\r")
        if not value:
            raise PasswordError(f"Account {acc.name}: the password command printed nothing.")
        return value
    if acc.keyring:
        kr = _keyring_module()
        if kr is None:
            raise PasswordError(
                f"Account {acc.name}: no system keyring is available on this machine "
                f"(common on a server reached over SSH). {_other_ways(acc)}"
            )
        value = kr.get_password(KEYRING_SERVICE, _keyring_username(acc))
        if not value:
            raise PasswordError(
                f"Account {acc.name}: no password in the keyring for {_keyring_username(acc)}. "
                f"Store one with: keyring set {KEYRING_SERVICE} {_keyring_username(acc)}"
            )
        return value
    raise PasswordError(f"Account {acc.name} has no password source. {_other_ways(acc)}")


def store_in_keyring(acc: Account, password: str) -> None:
    """Save a password in the system keyring (the only place bparchive puts one)."""
    kr = _keyring_module()
    if kr is None:
        raise PasswordError(f"No system keyring is available on this machine. {_other_ways(acc)}")
    kr.set_password(KEYRING_SERVICE, _keyring_username(acc), password)
