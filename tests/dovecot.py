"""A private Dovecot IMAP server for the test-suite and the benchmarks.

Who calls it and why: ``tests/conftest.py`` builds its ``dovecot`` fixtures on
:class:`DovecotServer`, and ``bench/`` loads generated mailboxes into one to time
``bparchive sync`` against ``mbsync``. IMAP behaviour is always tested against a
real server, never a mock.

The server lives entirely under its own temporary folder: its own
``dovecot.conf``, runtime directory, state directory, log file, users
(passwd-file), Maildirs and TLS material (a test CA and a server certificate
for 127.0.0.1/localhost signed by it, plus a separate self-signed certificate).
The system's ``/etc/dovecot`` is never read nor written: Dovecot is always
started with ``-c`` pointing at the private config.

It listens on two free ports of 127.0.0.1: IMAPS (implicit TLS, like 993) and
plain IMAP offering STARTTLS (like 143). Plaintext authentication is allowed on
the plain port in this private config only, so tests can try ``security=plain``.

Running unprivileged where possible:

* as a normal user, every Dovecot process runs as that user (the "rootless"
  setup: no chroot, internal and login user = current user) and the mail users
  get the current uid/gid;
* as root (CI), the login and internal processes use Debian's ``dovenull`` and
  ``dovecot`` users (``nobody`` when they do not exist), and the mail users get
  ``nobody``'s uid/gid because Dovecot refuses mail access as uid 0. The server
  folder is then made traversable (0755) so those users can reach it; files
  written directly into a Maildir are chowned to the mail user.

Typical use::

    with DovecotServer() as server:
        server.create_folder("alice", "Văn bản đến")
        uid = server.append("alice", "Văn bản đến", raw_bytes, flags=[r"\\Seen"])
        client = server.connect("alice")  # IMAPS, certificate verified with server.cafile
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import grp
import imaplib
import ipaddress
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

__all__ = [
    "DEFAULT_USERS",
    "HOST",
    "DovecotError",
    "DovecotServer",
    "ImapUser",
    "TestCertificates",
    "dovecot_binary",
    "make_certificates",
]

HOST = "127.0.0.1"
"""The only address the private server listens on."""

DEFAULT_USERS: Mapping[str, str] = {"alice": "alice-secret-1", "bob": "bob-secret-2"}
"""Users every server starts with, and their passwords."""

Security = Literal["tls", "starttls", "plain"]
TlsMode = Literal["ca", "self-signed"]
_T = TypeVar("_T")

_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]")
_MAILDIR_FLAGS = {
    "\\draft": "D",
    "\\flagged": "F",
    "\\answered": "R",
    "\\seen": "S",
    "\\deleted": "T",
}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.@+-]+$")


class DovecotError(RuntimeError):
    """The private Dovecot could not be set up, started or stopped."""


def dovecot_binary() -> str | None:
    """Return the path of the ``dovecot`` executable, or None when it is not installed."""
    found = shutil.which("dovecot")
    if found:
        return found
    for candidate in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _doveadm_binary() -> str:
    found = shutil.which("doveadm")
    if found:
        return found
    for candidate in ("/usr/bin/doveadm", "/usr/local/bin/doveadm"):
        if os.access(candidate, os.X_OK):
            return candidate
    raise DovecotError("doveadm is not installed (Debian package dovecot-core)")


# --------------------------------------------------------------------------- TLS


@dataclass(frozen=True)
class TestCertificates:
    """PEM files made by :func:`make_certificates`.

    Attributes:
        ca_cert: The test CA's certificate: the ``cafile`` clients trust.
        server_cert: Server certificate for 127.0.0.1 and localhost, signed by the CA.
        server_key: Private key of ``server_cert``.
        self_signed_cert: A self-signed certificate for 127.0.0.1 and localhost,
            unrelated to the CA (also usable as its own ``cafile``).
        self_signed_key: Private key of ``self_signed_cert``.
    """

    __test__ = False  # not a pytest test class

    ca_cert: Path
    server_cert: Path
    server_key: Path
    self_signed_cert: Path
    self_signed_key: Path


def _names() -> tuple[x509.SubjectAlternativeName, x509.Name]:
    san = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
    )
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    return san, subject


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def make_certificates(directory: Path) -> TestCertificates:
    """Create a test CA, a server certificate signed by it and a self-signed one.

    Keys are ECDSA P-256 (fast to make); certificates are valid from one day ago
    for thirty days and name ``localhost`` and ``127.0.0.1``.

    Args:
        directory: Where the PEM files are written (created when missing).

    Returns:
        The paths of the files written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    not_before, not_after = now - dt.timedelta(days=1), now + dt.timedelta(days=30)
    san, subject = _names()

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "bparchive tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, "bparchive test CA"),
        ]
    )
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )

    self_key = ec.generate_private_key(ec.SECP256R1())
    self_ski = x509.SubjectKeyIdentifier.from_public_key(self_key.public_key())
    self_cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(self_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(self_ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(self_ski),
            critical=False,
        )
        .sign(self_key, hashes.SHA256())
    )

    pem = serialization.Encoding.PEM
    files = TestCertificates(
        ca_cert=directory / "ca.pem",
        server_cert=directory / "server.pem",
        server_key=directory / "server.key",
        self_signed_cert=directory / "self-signed.pem",
        self_signed_key=directory / "self-signed.key",
    )
    files.ca_cert.write_bytes(ca_cert.public_bytes(pem))
    files.server_cert.write_bytes(server_cert.public_bytes(pem))
    files.self_signed_cert.write_bytes(self_cert.public_bytes(pem))
    _write_key(files.server_key, server_key)
    _write_key(files.self_signed_key, self_key)
    return files


# ------------------------------------------------------------------ accounts


@dataclass(frozen=True)
class _Identity:
    """Who the Dovecot processes and the mail users run as."""

    internal_user: str
    internal_group: str
    login_user: str
    mail_uid: int
    mail_gid: int
    as_root: bool


def _identity() -> _Identity:
    uid = os.geteuid()
    if uid != 0:
        user = pwd.getpwuid(uid).pw_name
        group = grp.getgrgid(os.getegid()).gr_name
        return _Identity(user, group, user, uid, os.getegid(), as_root=False)

    def existing(*names: str) -> pwd.struct_passwd:
        for name in names:
            with contextlib.suppress(KeyError):
                return pwd.getpwnam(name)
        raise DovecotError(f"none of the users {names} exists on this system")

    internal = existing("dovecot", "nobody")
    login = existing("dovenull", "nobody")
    mail = existing("nobody")
    return _Identity(
        internal_user=internal.pw_name,
        internal_group=grp.getgrgid(internal.pw_gid).gr_name,
        login_user=login.pw_name,
        mail_uid=mail.pw_uid,
        mail_gid=mail.pw_gid,
        as_root=True,
    )


_live: set[DovecotServer] = set()
_atexit_registered = False


def _kill_leftovers() -> None:
    """At interpreter exit, close servers a test forgot to stop (no orphaned Dovecot)."""
    for server in list(_live):
        with contextlib.suppress(Exception):
            server.close()


def _track(server: DovecotServer, alive: bool) -> None:
    global _atexit_registered
    if alive:
        if not _atexit_registered:
            atexit.register(_kill_leftovers)
            _atexit_registered = True
        _live.add(server)
    else:
        _live.discard(server)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ImapUser:
    """One user on a running :class:`DovecotServer`, as handed to a test.

    Attributes:
        server: The server the user lives on.
        name: Login name.
        password: Its password.
    """

    server: DovecotServer
    name: str
    password: str

    @property
    def host(self) -> str:
        """Always ``127.0.0.1``."""
        return self.server.host

    @property
    def port(self) -> int:
        """The IMAPS port."""
        return self.server.port

    @property
    def starttls_port(self) -> int:
        """The plain/STARTTLS port."""
        return self.server.starttls_port

    @property
    def cafile(self) -> Path:
        """The CA file that verifies the server."""
        return self.server.cafile

    def connect(self, *, security: Security = "tls") -> IMAPClient:
        """A new logged-in client connection for this user."""
        return self.server.connect(self.name, security=security)


# -------------------------------------------------------------------- server


class DovecotServer:
    """A private Dovecot on 127.0.0.1 with its own config, users, Maildirs and TLS.

    Nothing happens in the constructor beyond choosing paths; :meth:`start`
    writes the files and starts Dovecot. Use it as a context manager, or call
    :meth:`close` (which stops the server and removes a folder it created).

    The helper methods act on the server as a real client would (IMAPClient
    over the plain port, one cached admin connection per user) or, for bulk
    loads, write files straight into the Maildir and let Dovecot index them.

    Args:
        root: Folder for everything the server owns. Default: a new short folder
            under the system temporary directory (Unix socket paths must stay
            short), removed by :meth:`close`.
        users: User names and passwords to create; defaults to :data:`DEFAULT_USERS`.
        tls: ``"ca"`` serves a certificate signed by the test CA (``cafile`` is
            the CA); ``"self-signed"`` serves the self-signed certificate
            (``cafile`` is that certificate itself).
        certificates: Reuse existing test certificates instead of making new ones.
        spare_users: How many extra users (``spare1`` …) to create up front for
            :meth:`take_user`.
    """

    def __init__(
        self,
        root: Path | None = None,
        *,
        users: Mapping[str, str] | None = None,
        tls: TlsMode = "ca",
        certificates: TestCertificates | None = None,
        spare_users: int = 0,
    ) -> None:
        if tls not in ("ca", "self-signed"):
            raise ValueError(f"tls must be 'ca' or 'self-signed', not {tls!r}")
        self._own_root = root is None
        self._root = root
        self._users: dict[str, str] = dict(DEFAULT_USERS if users is None else users)
        self._spare = [f"spare{n}" for n in range(1, spare_users + 1)]
        for name in self._spare:
            self._users.setdefault(name, secrets.token_urlsafe(12))
        self._extra = 0
        for name in self._users:
            self._check_user_name(name)
        self._tls: TlsMode = tls
        self._certs = certificates
        self._ident = _identity()
        self._imaps_port = 0
        self._imap_port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._admins: dict[str, IMAPClient] = {}
        self._written = 0
        self.startup_seconds: float | None = None
        """Seconds the last :meth:`start` took until the server answered."""

    # ---------------------------------------------------------------- paths

    @property
    def root(self) -> Path:
        """The folder holding the config, users, Maildirs, TLS files and log."""
        if self._root is None:
            raise DovecotError("the server has not been started yet")
        return self._root

    @property
    def config_path(self) -> Path:
        """The private ``dovecot.conf``."""
        return self.root / "dovecot.conf"

    @property
    def log_path(self) -> Path:
        """The Dovecot log file."""
        return self.root / "dovecot.log"

    @property
    def certificates(self) -> TestCertificates:
        """The TLS files (available once started)."""
        if self._certs is None:
            raise DovecotError("the server has not been started yet")
        return self._certs

    @property
    def cafile(self) -> Path:
        """The file a client must trust to verify this server's certificate."""
        certs = self.certificates
        return certs.ca_cert if self._tls == "ca" else certs.self_signed_cert

    @property
    def host(self) -> str:
        """Always ``127.0.0.1``."""
        return HOST

    @property
    def port(self) -> int:
        """The IMAPS (implicit TLS) port."""
        return self._imaps_port

    @property
    def imaps_port(self) -> int:
        """The IMAPS (implicit TLS) port, same as :attr:`port`."""
        return self._imaps_port

    @property
    def starttls_port(self) -> int:
        """The plain IMAP port, which offers STARTTLS and also allows plaintext login."""
        return self._imap_port

    @property
    def imap_url(self) -> str:
        """``imaps://127.0.0.1:PORT``."""
        return f"imaps://{HOST}:{self._imaps_port}"

    @property
    def users(self) -> dict[str, str]:
        """A copy of the user names and passwords."""
        return dict(self._users)

    def password(self, user: str) -> str:
        """Return the password of ``user``."""
        return self._users[user]

    @property
    def pid(self) -> int | None:
        """PID of the Dovecot master process, or None when not running."""
        return self._proc.pid if self.running and self._proc else None

    @property
    def running(self) -> bool:
        """Whether the master process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def home(self, user: str) -> Path:
        """The home folder of ``user`` (its Maildirs are under it)."""
        return self.root / "home" / user

    def maildir_path(self, user: str, folder: str) -> Path:
        """The Maildir (folder with cur/new/tmp) that holds ``folder`` of ``user``.

        INBOX is ``~/inbox``; any other folder is ``~/mail/<name parts>/mbox``
        (``LAYOUT=fs`` with UTF-8 names on disk).
        """
        if folder.upper() == "INBOX":
            return self.home(user) / "inbox"
        parts = [p for p in folder.split("/") if p]
        if not parts or any(p in (".", "..") for p in parts):
            raise ValueError(f"bad folder name {folder!r}")
        return self.home(user).joinpath("mail", *parts, "mbox")

    def log_text(self) -> str:
        """Everything Dovecot has logged so far (empty when nothing yet)."""
        parts = []
        for path in (self.root / "dovecot.stderr", self.log_path):
            with contextlib.suppress(FileNotFoundError):
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
        return "".join(parts)

    # --------------------------------------------------------------- set-up

    @staticmethod
    def _check_user_name(name: str) -> None:
        if not _SAFE_NAME.match(name):
            raise ValueError(f"user name {name!r} must match {_SAFE_NAME.pattern}")

    def _prepare(self) -> None:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="bpdc-"))
        root = self._root
        root.mkdir(parents=True, exist_ok=True)
        # Unix sockets live in base_dir: their paths must stay under ~100 bytes.
        if len(str(root / "run" / "login" / "imap-urlauth-login")) > 100:
            raise DovecotError(f"server folder {root} is too long for Unix socket paths")
        if self._ident.as_root:
            # dovecot/dovenull/nobody must reach the users file and the Maildirs.
            root.chmod(0o755)
        for sub in ("run", "state", "home"):
            (root / sub).mkdir(exist_ok=True)
        if self._ident.as_root:
            os.chown(root / "home", self._ident.mail_uid, self._ident.mail_gid)
        if self._certs is None:
            self._certs = make_certificates(root / "tls")
        if not self._imaps_port:
            self._imaps_port, self._imap_port = _free_port(), _free_port()
            while self._imap_port == self._imaps_port:
                self._imap_port = _free_port()
        self._write_users()
        self.config_path.write_text(self._config_text(), encoding="utf-8")

    def _write_users(self) -> None:
        """One passwd-file per user (``users.d/NAME``).

        Dovecot re-reads a changed passwd-file at most once a second, so a
        user added right after another would be refused; a new file per user
        is read the first time that user logs in.
        """
        ident = self._ident
        users_dir = self.root / "users.d"
        users_dir.mkdir(exist_ok=True)
        users_dir.chmod(0o755 if ident.as_root else 0o700)
        for name, password in self._users.items():
            path = users_dir / name
            if path.exists():
                continue
            line = f"{name}:{{PLAIN}}{password}:{ident.mail_uid}:{ident.mail_gid}::{self.home(name)}::\n"
            tmp = path.with_suffix(".tmp")
            tmp.write_text(line, encoding="utf-8")
            # Test passwords only; the auth process (unprivileged) must read them.
            tmp.chmod(0o644 if ident.as_root else 0o600)
            tmp.replace(path)

    def _config_text(self) -> str:
        ident, root, certs = self._ident, self.root, self.certificates
        cert, key = (
            (certs.server_cert, certs.server_key)
            if self._tls == "ca"
            else (certs.self_signed_cert, certs.self_signed_key)
        )
        users = root / "users.d" / "%n"
        no_chroot = ""
        if not ident.as_root:
            no_chroot = "".join(
                f"service {name} {{\n  chroot =\n}}\n"
                for name in ("anvil", "imap-login", "imap-urlauth-login", "pop3-login")
            )
        return f"""\
# Private Dovecot for bparchive tests: generated by tests/dovecot.py. Never the system config.
base_dir = {root}/run
state_dir = {root}/state
instance_name = bparchive-test-{os.getpid()}-{self._imaps_port}
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
debug_log_path = {root}/dovecot.log
protocols = imap
listen = {HOST}
shutdown_clients = yes

default_internal_user = {ident.internal_user}
default_internal_group = {ident.internal_group}
default_login_user = {ident.login_user}
first_valid_uid = {ident.mail_uid}
last_valid_uid = {ident.mail_uid}
first_valid_gid = {0 if ident.mail_gid == 0 else 1}

ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
# Only in this private config: lets tests exercise security=plain.
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_verbose = yes

mail_location = maildir:~/mail:LAYOUT=fs:UTF-8:DIRNAME=mbox:INBOX=~/inbox
mail_plugins =
mail_fsync = never
mail_max_userip_connections = 200
mailbox_idle_check_interval = 1 secs

passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%n {users}
}}

# No auth penalty (anvil delays logins after a failure): tests fail logins on purpose.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}

service imap-login {{
  inet_listener imap {{
    address = {HOST}
    port = {self._imap_port}
  }}
  inet_listener imaps {{
    address = {HOST}
    port = {self._imaps_port}
    ssl = yes
  }}
}}
{no_chroot}"""

    # ------------------------------------------------------------ lifecycle

    def start(self, timeout: float = 20.0) -> DovecotServer:
        """Write the private files and start Dovecot; return once it greets.

        Waits until the plain port answers with an ``* OK`` greeting and the
        IMAPS port accepts connections. When a port turned out to be taken
        before the first successful start, new ports are chosen (three tries).

        Args:
            timeout: Seconds to wait for the greeting.

        Returns:
            The server itself.

        Raises:
            DovecotError: Dovecot is missing, exited, or did not answer in time
                (the message carries the end of its log).
        """
        if self.running:
            return self
        binary = dovecot_binary()
        if binary is None:
            raise DovecotError("dovecot is not installed (Debian package dovecot-imapd)")
        first_start = self.startup_seconds is None
        for attempt in range(3):
            begin = time.monotonic()
            self._prepare()
            self._launch(binary)
            try:
                self._wait_ready(timeout)
            except DovecotError:
                busy = "Address already in use" in self.log_text()
                self._terminate_group(signal.SIGKILL)
                if busy and first_start and attempt < 2:
                    self._imaps_port = self._imap_port = 0
                    continue
                raise
            self.startup_seconds = time.monotonic() - begin
            _track(self, alive=True)
            return self
        raise DovecotError("unreachable")  # pragma: no cover

    def _launch(self, binary: str) -> None:
        pidfile = self.root / "run" / "master.pid"
        with contextlib.suppress(FileNotFoundError):
            pidfile.unlink()
        with open(self.root / "dovecot.stderr", "ab") as err:
            self._proc = subprocess.Popen(
                [binary, "-F", "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=err,
                start_new_session=True,
            )

    def _wait_ready(self, timeout: float) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                raise DovecotError(
                    f"dovecot exited with status {self._proc.returncode}:\n{self._log_tail()}"
                )
            if self._greets() and self._accepts(self._imaps_port):
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DovecotError(f"dovecot did not answer within {timeout}s:\n{self._log_tail()}")
            # Wait on the process itself: returns at once if it dies.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=min(0.01, remaining))

    def _greets(self) -> bool:
        try:
            with socket.create_connection((HOST, self._imap_port), timeout=2) as sock:
                data = b""
                while b"\r\n" not in data:
                    chunk = sock.recv(4096)
                    if not chunk:
                        return False
                    data += chunk
                return data.startswith(b"* OK")
        except OSError:
            return False

    @staticmethod
    def _accepts(port: int) -> bool:
        try:
            with socket.create_connection((HOST, port), timeout=2):
                return True
        except OSError:
            return False

    def _log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def _terminate_group(self, sig: signal.Signals) -> None:
        proc = self._proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)

    def _drop_admins(self) -> None:
        for client in self._admins.values():
            with contextlib.suppress(Exception):
                client.shutdown()
        self._admins.clear()

    def stop(self, grace: float = 1.5) -> None:
        """Stop Dovecot cleanly (SIGTERM to the master) and wait for it.

        Connected clients get ``* BYE`` from their ``imap`` process at once. The
        master then waits for its helpers, which can hang for seconds on a
        just-started server; after ``grace`` seconds whatever is left of the
        process group is killed. Every Dovecot process is gone when this returns.
        """
        self._drop_admins()
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=grace)
        # Children normally exit with the master; make sure none keeps a port.
        self._terminate_group(signal.SIGKILL)
        self._proc = None
        _track(self, alive=False)

    def kill(self) -> None:
        """Kill every Dovecot process with SIGKILL, as a crash would.

        Open client connections are cut at once. :meth:`restart` (or
        :meth:`start`) brings the server back on the same ports with the same mail.
        """
        self._drop_admins()
        self._terminate_group(signal.SIGKILL)
        self._proc = None
        _track(self, alive=False)

    def restart(self, timeout: float = 20.0) -> DovecotServer:
        """Stop (if running) and start again on the same ports, config and mail."""
        self.stop()
        return self.start(timeout)

    def close(self) -> None:
        """Stop the server at once (SIGKILL) and remove its folder if the server created it.

        Use :meth:`stop` for a clean shutdown (clients get ``BYE``; about 1 s).
        """
        self.kill()
        if self._own_root and self._root is not None and self._root.exists():
            shutil.rmtree(self._root, ignore_errors=True)

    def __enter__(self) -> DovecotServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---------------------------------------------------------------- users

    def add_user(self, name: str, password: str | None = None, *, timeout: float = 5.0) -> str:
        """Add a user and return its password.

        Dovecot re-reads the passwd-file by itself but at most once a second, so
        on a running server this waits (up to ``timeout``) until the new user can
        log in. :meth:`take_user` is instant.
        """
        self._check_user_name(name)
        if name in self._users:
            raise ValueError(f"user {name!r} exists already")
        self._users[name] = password or secrets.token_urlsafe(12)
        if self._root is not None and self.config_path.exists():
            self._write_users()
            if self.running:
                self._wait_login(name, timeout)
        return self._users[name]

    def _wait_login(self, name: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self.connect(security="plain", timeout=5) as client:
                    client.login(name, self._users[name])
                    return
            except LoginError:
                if time.monotonic() >= deadline:
                    raise DovecotError(f"user {name!r} still cannot log in") from None
            if self._proc is not None:  # a condition wait: returns at once if Dovecot dies
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(timeout=0.05)
                if self._proc.poll() is not None:
                    raise DovecotError(f"dovecot exited:\n{self._log_tail()}")

    def take_user(self) -> ImapUser:
        """Hand out a never-used user with an empty mailbox, instantly.

        Spare users (``spare_users`` of the constructor) exist in the passwd-file
        from the start; once they are used up, new ones are added (slower).
        """
        while self._spare:
            name = self._spare.pop(0)
            if name in self._users:
                return ImapUser(self, name, self._users[name])
        self._extra += 1
        name = f"extra{self._extra}"
        return ImapUser(self, name, self.add_user(name))

    # -------------------------------------------------------------- clients

    def ssl_context(self, *, verify: bool = True) -> ssl.SSLContext:
        """An SSL context that trusts :attr:`cafile` (or verifies nothing)."""
        if not verify:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return ctx
        return ssl.create_default_context(cafile=str(self.cafile))

    def connect(
        self,
        user: str | None = None,
        *,
        security: Security = "tls",
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
    ) -> IMAPClient:
        """Open a new client connection, logged in when ``user`` is given.

        Args:
            user: Log in as this user (its password is known); None leaves it
                unauthenticated.
            security: ``tls`` (IMAPS port), ``starttls`` (plain port, then
                STARTTLS) or ``plain`` (plain port, no TLS).
            ssl_context: Default: one that trusts :attr:`cafile`.
            timeout: Socket timeout in seconds.

        Returns:
            The IMAPClient; the caller closes it (``with`` works).
        """
        ctx = ssl_context or self.ssl_context()
        if security == "tls":
            client = IMAPClient(HOST, self._imaps_port, ssl=True, ssl_context=ctx, timeout=timeout)
        elif security in ("starttls", "plain"):
            client = IMAPClient(HOST, self._imap_port, ssl=False, timeout=timeout)
            if security == "starttls":
                client.starttls(ctx)
        else:
            raise ValueError(f"unknown security {security!r}")
        if user is not None:
            client.login(user, self._users[user])
        return client

    def _admin(self, user: str) -> IMAPClient:
        client = self._admins.get(user)
        if client is None:
            if not self.running:
                raise DovecotError("the server is not running")
            client = self.connect(user, security="plain")
            self._admins[user] = client
        return client

    def _with_admin(self, user: str, action: Callable[[IMAPClient], _T]) -> _T:
        """Run ``action(client)``; reconnect once when the cached connection died."""
        try:
            return action(self._admin(user))
        except (OSError, imaplib.IMAP4.abort):
            stale = self._admins.pop(user, None)
            if stale is not None:
                with contextlib.suppress(Exception):
                    stale.shutdown()
            return action(self._admin(user))

    # ---------------------------------------------------------- mail admin

    def list_folders(self, user: str) -> list[str]:
        """Names of all folders of ``user`` (``\\Noselect`` parents included)."""
        return [name for _flags, _sep, name in self._with_admin(user, lambda c: c.list_folders())]

    def create_folder(self, user: str, name: str) -> None:
        """Create ``name`` (``/`` nests; Vietnamese names are fine) unless it exists."""

        def act(c: IMAPClient) -> None:
            if not c.folder_exists(name):
                c.create_folder(name)

        self._with_admin(user, act)

    def delete_folder(self, user: str, name: str) -> None:
        """Delete ``name`` and the messages in it."""

        def act(c: IMAPClient) -> None:
            if c.folder_exists(name):
                with contextlib.suppress(imaplib.IMAP4.error):
                    c.unselect_folder()
                c.delete_folder(name)

        self._with_admin(user, act)

    def append(
        self,
        user: str,
        folder: str,
        raw: bytes,
        flags: Sequence[str | bytes] = (),
        internaldate: dt.datetime | None = None,
    ) -> int:
        """APPEND one message and return the UID the server gave it.

        The folder is created first when missing.
        """
        self.create_folder(user, folder)

        def act(c: IMAPClient) -> int:
            response = c.append(folder, raw, flags=tuple(flags), msg_time=internaldate)
            found = _APPENDUID.search(response if isinstance(response, bytes) else b"")
            if not found:
                raise DovecotError(f"no APPENDUID in {response!r}")
            return int(found.group(2))

        return int(self._with_admin(user, act))

    def uidvalidity(self, user: str, folder: str) -> int:
        """The folder's current UIDVALIDITY."""
        status = self._with_admin(user, lambda c: c.folder_status(folder, [b"UIDVALIDITY"]))
        return int(status[b"UIDVALIDITY"])

    def status(self, user: str, folder: str) -> dict[str, int]:
        """MESSAGES, UIDNEXT, UIDVALIDITY and HIGHESTMODSEQ of ``folder``."""
        items = [b"MESSAGES", b"UIDNEXT", b"UIDVALIDITY", b"HIGHESTMODSEQ"]
        status = self._with_admin(user, lambda c: c.folder_status(folder, items))
        return {k.decode(): int(v) for k, v in status.items()}

    def uids(self, user: str, folder: str) -> list[int]:
        """All UIDs in ``folder``, ascending."""

        def act(c: IMAPClient) -> list[int]:
            c.select_folder(folder, readonly=True)
            return sorted(int(u) for u in c.search("ALL"))

        return list(self._with_admin(user, act))

    def set_flags(
        self, user: str, folder: str, uids: Iterable[int], flags: Sequence[str | bytes]
    ) -> None:
        """Replace the flags of the messages ``uids`` with ``flags``."""
        wanted = list(uids)

        def act(c: IMAPClient) -> None:
            c.select_folder(folder)
            c.set_flags(wanted, tuple(flags), silent=True)

        self._with_admin(user, act)

    def add_flags(
        self, user: str, folder: str, uids: Iterable[int], flags: Sequence[str | bytes]
    ) -> None:
        """Add ``flags`` to the messages ``uids``."""
        wanted = list(uids)

        def act(c: IMAPClient) -> None:
            c.select_folder(folder)
            c.add_flags(wanted, tuple(flags), silent=True)

        self._with_admin(user, act)

    def expunge(self, user: str, folder: str, uids: Iterable[int]) -> None:
        """Delete and expunge exactly the messages ``uids`` (UID EXPUNGE)."""
        wanted = list(uids)
        if not wanted:
            return

        def act(c: IMAPClient) -> None:
            c.select_folder(folder)
            c.add_flags(wanted, [b"\\Deleted"], silent=True)
            c.uid_expunge(wanted)

        self._with_admin(user, act)

    def recreate_folder(self, user: str, folder: str) -> int:
        """Delete and create ``folder`` again (empty), forcing a new UIDVALIDITY.

        Returns:
            The new UIDVALIDITY (always different from the old one).
        """
        old = self.uidvalidity(user, folder) if folder in self.list_folders(user) else None
        self.delete_folder(user, folder)
        self.create_folder(user, folder)
        new = self.uidvalidity(user, folder)
        if new == old:
            raise DovecotError(f"UIDVALIDITY of {folder!r} did not change ({new})")
        return new

    def doveadm(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``doveadm -c <private config> ARGS`` and return the finished process."""
        return subprocess.run(
            [_doveadm_binary(), "-c", str(self.config_path), *args],
            capture_output=True,
            text=True,
            check=check,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )

    # ------------------------------------------------------------ bulk load

    def _chown(self, path: Path) -> None:
        if self._ident.as_root:
            os.chown(path, self._ident.mail_uid, self._ident.mail_gid)

    def _maildir_for_writing(self, user: str, folder: str) -> Path:
        self.create_folder(user, folder)
        self._index(user, folder)  # Dovecot creates the Maildir, owned by the mail user
        target = self.maildir_path(user, folder)
        for sub in ("cur", "new", "tmp"):
            self._makedirs_owned(target / sub)
        return target

    def _makedirs_owned(self, path: Path) -> None:
        """``mkdir -p`` below the user's home, each new folder owned by the mail user."""
        missing = []
        while not path.is_dir():
            missing.append(path)
            path = path.parent
        for new in reversed(missing):
            new.mkdir(exist_ok=True)
            self._chown(new)

    def _unique_base(self) -> str:
        self._written += 1
        return f"{int(time.time())}.M{self._written}P{os.getpid()}Q{secrets.token_hex(4)}.bpdc"

    def _place(self, target: Path, data: bytes, info: str, mtime: float | None) -> None:
        base = self._unique_base()
        tmp = target / "tmp" / base
        tmp.write_bytes(data)
        self._chown(tmp)
        if mtime is not None:
            os.utime(tmp, (mtime, mtime))
        os.rename(tmp, target / "cur" / f"{base},S={len(data)}:2,{info}")

    def _index(self, user: str, folder: str) -> int:
        """Make Dovecot scan ``folder`` (assigning UIDs); return its message count."""

        def act(c: IMAPClient) -> int:
            return int(c.select_folder(folder, readonly=True)[b"EXISTS"])

        return int(self._with_admin(user, act))

    def load_messages(
        self,
        user: str,
        folder: str,
        messages: Iterable[bytes],
        *,
        flags: Sequence[str] = (),
        internaldate: dt.datetime | None = None,
    ) -> int:
        """Bulk-load messages by writing them straight into the Maildir.

        Much faster than APPEND for thousands of messages. Dovecot gives them
        UIDs (in the order written) when the folder is next selected, which
        this method does before returning.

        Args:
            user: Owner of the folder.
            folder: Target folder, created when missing.
            messages: Raw RFC 5322 messages.
            flags: System flags only (``\\Seen``, ``\\Answered``, ``\\Flagged``,
                ``\\Deleted``, ``\\Draft``).
            internaldate: INTERNALDATE for every message (the file's mtime);
                default: now.

        Returns:
            The number of messages in the folder afterwards.
        """
        info = self._maildir_info(flags)
        mtime = internaldate.timestamp() if internaldate is not None else None
        target = self._maildir_for_writing(user, folder)
        for raw in messages:
            self._place(target, raw, info, mtime)
        return self._index(user, folder)

    @staticmethod
    def _maildir_info(flags: Sequence[str]) -> str:
        letters = []
        for flag in flags:
            letter = _MAILDIR_FLAGS.get(str(flag).lower())
            if letter is None:
                raise ValueError(f"only system flags can be bulk-loaded, not {flag!r}")
            letters.append(letter)
        return "".join(sorted(set(letters)))

    def load_maildir(self, user: str, source: Path, folder: str | None = None) -> dict[str, int]:
        """Copy an existing Maildir (or a tree of them) into ``user``'s mail.

        Files are copied straight into the private Maildirs (flags in the file
        names and mtimes, i.e. INTERNALDATEs, are kept) and each folder is then
        selected once so Dovecot indexes it.

        ``source`` may be:

        * one Maildir (has ``cur/`` or ``new/``): loaded into ``folder``
          (default INBOX); its Maildir++ subfolders ``.A.B`` become ``A/B``
          (under ``folder`` when one is given);
        * a folder of Maildirs at any depth: each one becomes the folder named
          by its relative path (``Lưu trữ/2023``), under ``folder`` when given;
          one named ``INBOX`` at the top is INBOX.

        Returns:
            Message count per loaded folder, after indexing.
        """
        source = Path(source)
        plan: list[tuple[Path, str]] = []

        def is_maildir(path: Path) -> bool:
            return (path / "cur").is_dir() or (path / "new").is_dir()

        def under(name: str) -> str:
            return f"{folder}/{name}" if folder else name

        if is_maildir(source):
            plan.append((source, folder or "INBOX"))
            for child in sorted(source.iterdir()):
                if (
                    child.name.startswith(".")
                    and child.name not in (".", "..")
                    and is_maildir(child)
                ):
                    plan.append((child, under(child.name[1:].replace(".", "/"))))
        else:
            for path in sorted(p for p in source.rglob("*") if p.is_dir() and is_maildir(p)):
                rel = path.relative_to(source).as_posix()
                name = "INBOX" if rel.upper() == "INBOX" and not folder else under(rel)
                plan.append((path, name))
        if not plan:
            raise ValueError(f"no Maildir found in {source}")

        counts: dict[str, int] = {}
        for src, name in plan:
            target = self._maildir_for_writing(user, name)
            for sub in ("cur", "new"):
                if not (src / sub).is_dir():
                    continue
                for entry in sorted(os.scandir(src / sub), key=lambda e: e.name):
                    if not entry.is_file():
                        continue
                    info = entry.name.split(":2,", 1)[1] if ":2," in entry.name else ""
                    info = "".join(ch for ch in info if ch in "DFRST")
                    data = Path(entry.path).read_bytes()
                    self._place(target, data, info, entry.stat().st_mtime)
            counts[name] = self._index(user, name)
        return counts

    def iter_messages(self, user: str, folder: str) -> Iterator[tuple[int, bytes]]:
        """Yield ``(uid, raw bytes)`` of every message in ``folder``, by UID."""
        uids = self.uids(user, folder)
        for start in range(0, len(uids), 500):
            chunk = uids[start : start + 500]

            def act(c: IMAPClient, chunk: list[int] = chunk) -> dict[int, bytes]:
                c.select_folder(folder, readonly=True)
                return {int(u): d[b"BODY[]"] for u, d in c.fetch(chunk, ["BODY.PEEK[]"]).items()}

            fetched = self._with_admin(user, act)
            for uid in chunk:
                yield uid, fetched[uid]
