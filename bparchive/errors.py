"""One exception tree for bparchive.

Every error carries a message a person can act on (``str(err)``) and a short
``title``. The CLI maps them to exit codes; the TUI shows them in a notice.
"""

from __future__ import annotations


class BPArchiveError(Exception):
    """Base of every error bparchive raises on purpose."""

    title = "Error"
    exit_code = 2

    def __init__(self, message: str, *, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class ConfigError(BPArchiveError):
    """The configuration file is missing, unreadable or invalid."""

    title = "Configuration error"


class PasswordError(BPArchiveError):
    """No password could be obtained for an account."""

    title = "Password unavailable"


class StoreError(BPArchiveError):
    """The archive database is unusable (corrupt, locked, disk full, wrong version)."""

    title = "Archive error"


class DiskFullError(StoreError):
    """The file system holding the archive has no room left."""

    title = "Disk full"


class CorruptError(StoreError):
    """Stored bytes that cannot be read back (damaged file, tampering)."""

    title = "Damaged archive"


class NotFoundError(BPArchiveError):
    """An id, account or folder that does not exist was asked for."""

    title = "Not found"
    exit_code = 1


class SyncError(BPArchiveError):
    """Base of IMAP errors."""

    title = "Sync error"


class ConnectError(SyncError):
    """The server could not be reached (DNS, refused, timeout, dropped)."""

    title = "Cannot reach the server"


class AuthError(SyncError):
    """The server refused the credentials."""

    title = "Login refused"


class CertificateError(SyncError):
    """The server's TLS certificate could not be verified."""

    title = "Certificate refused"


class FolderError(SyncError):
    """One folder failed; the others go on."""

    title = "Folder failed"


class ImportError_(BPArchiveError):
    """A file given to ``bparchive import`` cannot be read as mail."""

    title = "Import error"


class QueryError(BPArchiveError):
    """A search query is malformed; ``position`` points at the problem."""

    title = "Query error"

    def __init__(self, message: str, *, query: str = "", position: int | None = None) -> None:
        super().__init__(message)
        self.query = query
        self.position = position


class Cancelled(BPArchiveError):
    """The user cancelled a long operation."""

    title = "Cancelled"
    exit_code = 1
