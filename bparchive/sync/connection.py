"""Opening an IMAP connection: TLS verified by default, errors translated.

Called by the sync engine, ``watch`` and the TUI's connection test. Every
imapclient/ssl/socket error leaves this module as a :mod:`bparchive.errors`
error whose message says what to do.
"""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from bparchive.config import Account
from bparchive.errors import AuthError, CertificateError, ConnectError, SyncError

log = logging.getLogger(__name__)
T = TypeVar("T")


def ssl_context(acc: Account) -> ssl.SSLContext:
    """A verifying TLS context: system CAs, or the account's CA file."""
    try:
        ctx = ssl.create_default_context(cafile=acc.cafile or None)
    except (OSError, ssl.SSLError) as e:
        raise CertificateError(f"Account {acc.name}: cannot load the CA file {acc.cafile}: {e}") from e
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def _cert_message(acc: Account, e: BaseException) -> str:
    detail = getattr(e, "verify_message", "") or str(e)
    return (
        f"Account {acc.name}: the certificate of {acc.host}:{acc.port} could not be verified "
        f"({detail}). If this server uses its own certificate authority, trust it with "
        f"`bparchive account add {acc.name} … --cafile /path/to/ca.pem`; never turn verification off."
    )


def translate(acc: Account, e: BaseException, *, during: str = "") -> SyncError:
    """Map a low-level exception to a bparchive error with an actionable message."""
    from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

    where = f" while {during}" if during else ""
    if isinstance(e, SyncError):
        return e
    if isinstance(e, ssl.SSLCertVerificationError):
        return CertificateError(_cert_message(acc, e))
    if isinstance(e, LoginError):
        server = _server_text(e)
        return AuthError(
            f"Account {acc.name}: the server refused the login for {acc.user}"
            + (f" ({server})" if server else "")
            + ". Check the user name and the password source."
        )
    if isinstance(e, socket.timeout | TimeoutError):
        return ConnectError(f"Account {acc.name}: {acc.host}:{acc.port} did not answer in time{where}.")
    if isinstance(e, ssl.SSLError):
        return ConnectError(f"Account {acc.name}: TLS failed with {acc.host}:{acc.port}{where}: {e.reason or e}.")
    if isinstance(e, socket.gaierror):
        return ConnectError(f"Account {acc.name}: cannot resolve {acc.host} (no network?).")
    if isinstance(e, ConnectionRefusedError):
        return ConnectError(f"Account {acc.name}: {acc.host}:{acc.port} refused the connection{where}.")
    if isinstance(e, OSError | EOFError | IMAPClientAbortError | imaplib.IMAP4.abort):
        return ConnectError(f"Account {acc.name}: the connection to {acc.host} was lost{where}: {_server_text(e) or type(e).__name__}.")
    if isinstance(e, IMAPClientError | imaplib.IMAP4.error):
        return SyncError(f"Account {acc.name}: the server answered with an error{where}: {_server_text(e)}")
    return SyncError(f"Account {acc.name}: unexpected error{where}: {type(e).__name__}: {e}")


def _server_text(e: BaseException) -> str:
    text = str(e)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return "".join(c if c.isprintable() else " " for c in text)[:300]


def connect(acc: Account, password: str) -> Any:
    """Connect and log in; return a logged-in ``IMAPClient``.

    Raises:
        ConnectError, CertificateError, AuthError: with a message for a person.
    """
    from imapclient import IMAPClient

    if acc.security == "plain":
        log.warning("Account %s uses a plain-text connection: the password crosses the network unencrypted.", acc.name)
    try:
        if acc.security == "tls":
            client = IMAPClient(acc.host, port=acc.port, ssl=True, ssl_context=ssl_context(acc), timeout=acc.timeout)
        else:
            client = IMAPClient(acc.host, port=acc.port, ssl=False, timeout=acc.timeout)
            if acc.security == "starttls":
                client.starttls(ssl_context(acc))
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt | SystemExit):
            raise
        raise translate(acc, e, during="connecting") from e
    try:
        client.login(acc.user, password)
    except BaseException as e:
        with _quiet():
            client.shutdown()
        if isinstance(e, KeyboardInterrupt | SystemExit):
            raise
        raise translate(acc, e, during="logging in") from e
    return client


def logout(client: Any) -> None:
    """Log out politely; never raises."""
    with _quiet():
        client.logout()
    with _quiet():
        client.shutdown()


@contextmanager
def _quiet() -> Iterator[None]:
    try:
        yield
    except (OSError, EOFError, imaplib.IMAP4.error, ssl.SSLError, AttributeError):
        pass
    except Exception as e:  # imapclient wraps errors in its own classes
        log.debug("ignored error while closing: %r", e)


def call(acc: Account, fn: Callable[[], T], during: str) -> T:
    """Run one IMAP call, translating its errors."""
    try:
        return fn()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:
        raise translate(acc, e, during=during) from e
