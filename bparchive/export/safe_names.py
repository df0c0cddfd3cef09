"""File names taken from mail, made safe to create inside an export folder.

Who calls it: the export writers (``bparchive export``: attachment names,
subjects and folder names become file and folder names) and the TUI's "save
attachment" action (``safe_component``). A name from a mail is hostile: it
may carry ``../``, an absolute path, a drive letter, a Windows device name, a
control character or an escape sequence, or be too long for the file system.
Nothing written through :class:`SafeWriter` ever lands outside its root, and
no file is ever overwritten: a taken name becomes ``name (2).ext``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from bparchive.errors import BPArchiveError

MAX_BYTES = 200
MAX_EXT_BYTES = 24

# Characters Windows refuses in a file name, and the path separators.
_REFUSED = re.compile(r'[<>:"/\\|?*]')
# Bidi controls that reorder what a person sees (Trojan Source).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{p}{n}" for p in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³")}
)
_DRIVE = re.compile(r"^[A-Za-z]:")


class ExportError(BPArchiveError):
    """An export could not write where it was asked to."""

    title = "Export error"


def _printable(ch: str) -> bool:
    o = ord(ch)
    if o < 0x20 or o == 0x7F or 0x80 <= o < 0xA0 or ch in _BIDI:
        return False
    return unicodedata.category(ch) not in ("Cs", "Co", "Cn")


def _cap(name: str, max_bytes: int) -> str:
    """Cut ``name`` to ``max_bytes`` of UTF-8, keeping a short extension."""
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8")) + 1 > MAX_EXT_BYTES:
        stem, ext = name, ""
    tail = ("." + ext) if ext else ""
    room = max_bytes - len(tail.encode("utf-8"))
    out = stem.encode("utf-8")[:room].decode("utf-8", "ignore")
    # A cut may leave a lone combining mark: drop it so the name stays NFC-stable.
    while out and unicodedata.combining(out[-1]):
        out = out[:-1]
    return out.rstrip(" .") + tail


def safe_component(name: str, *, fallback: str = "file", max_bytes: int = MAX_BYTES) -> str:
    """One file or folder name, safe to create on Linux, macOS and Windows.

    Keeps the last path component only (``../../etc/passwd`` → ``passwd``),
    drops a drive letter, control and bidi characters, replaces the characters
    Windows refuses (``<>:"/\\|?*``) with ``_``, strips leading dots and
    trailing dots and spaces, prefixes Windows device names (``CON.txt`` →
    ``_CON.txt``), normalises to NFC and caps the UTF-8 length keeping the
    extension.

    Args:
        name: The untrusted name (an attachment name, a subject, a folder name).
        fallback: Used when nothing usable is left (it is made safe too).
        max_bytes: Longest result in UTF-8 bytes (most file systems allow 255).

    Returns:
        A non-empty name with no path separator that is neither ``.`` nor ``..``.
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = "".join(ch for ch in text if _printable(ch) or ch in "\t")
    text = text.replace("\t", " ")
    parts = [p for p in re.split(r"[/\\]", text) if p.strip(" .")]
    text = parts[-1] if parts else ""
    text = _DRIVE.sub("", text)
    text = _REFUSED.sub("_", text)
    text = text.strip().lstrip(".").rstrip(" .").strip()
    if text.split(".", 1)[0].rstrip(" ").upper() in _DEVICES:
        text = "_" + text
    text = _cap(text, max_bytes)
    if not text or text in (".", ".."):
        if fallback in ("", "file", name):
            return "file"
        return safe_component(fallback, fallback="file", max_bytes=max_bytes)
    return text


def safe_title(text: str, *, fallback: str = "file", max_bytes: int = MAX_BYTES) -> str:
    """A subject or other title as a file name: slashes are text here, not paths.

    ``V/v báo cáo`` → ``V-v báo cáo`` (where :func:`safe_component` would keep
    only the part after the last slash). Runs of white space become one space.

    Args:
        text: The untrusted title.
        fallback: Used when nothing usable is left.
        max_bytes: Longest result in UTF-8 bytes.

    Returns:
        A name as :func:`safe_component` returns.
    """
    text = re.sub(r"[/\\]", "-", str(text or ""))
    text = re.sub(r"\s+", " ", text).strip()
    return safe_component(text, fallback=fallback, max_bytes=max_bytes)


def numbered(name: str, n: int) -> str:
    """``report.pdf`` → ``report (n).pdf`` (``n`` ≥ 2), capped like :func:`safe_component`."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8")) + 1 > MAX_EXT_BYTES:
        stem, ext = name, ""
    suffix = f" ({n})" + ("." + ext if ext else "")
    room = MAX_BYTES - len(suffix.encode("utf-8"))
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(" .")
    return stem + suffix


def _checked(name: str) -> str:
    """A name bparchive built itself: refuse it unless it is one plain component."""
    bad = (
        not name
        or name in (".", "..")
        or "/" in name
        or "\\" in name
        or any(not _printable(ch) for ch in name)
        or len(name.encode("utf-8")) > 255
    )
    if bad:
        raise ExportError(f"Unsafe file name {name!r}.")
    return name


def _fold(name: str) -> str:
    """The key two names collide under on a case-insensitive, normalising file system."""
    return unicodedata.normalize("NFC", name).casefold()


class SafeWriter:
    """Writes files below one root, never outside it and never over another file.

    Every name is passed through :func:`safe_component`; directories are made
    one component at a time and checked not to be symbolic links; files are
    created with ``O_EXCL`` (and ``O_NOFOLLOW``), and the resolved final path
    must lie under the root. Names that differ only by case or Unicode
    normalisation count as taken (the export may be copied to Windows or
    macOS). The SHA-256 of every file written is kept for the manifest.

    Args:
        root: The export folder (created when absent).
    """

    def __init__(self, root: Path) -> None:
        root = Path(root)
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise ExportError(f"Cannot create the export folder {root}: {e.strerror or e}") from e
        self.root = root.resolve()
        self.files: list[tuple[str, str]] = []  # (relative POSIX path, sha256)
        self._taken: dict[Path, set[str]] = {}

    def _taken_in(self, directory: Path) -> set[str]:
        taken = self._taken.get(directory)
        if taken is None:
            taken = {_fold(p.name) for p in directory.iterdir()} if directory.exists() else set()
            self._taken[directory] = taken
        return taken

    def _inside(self, path: Path) -> Path:
        resolved = path.resolve()
        if resolved != self.root and not resolved.is_relative_to(self.root):
            raise ExportError(f"Refusing to write outside the export folder: {path}")
        return resolved

    def directory(self, parts: Sequence[str], *, exact: bool = False) -> Path:
        """The folder ``root/parts…`` (created), each part made safe.

        Args:
            parts: Folder names, outermost first (untrusted).
            exact: The parts are already safe and must be used as they are
                (Maildir's ``cur``/``new``/``tmp`` and encoded folder names).

        Returns:
            The resolved folder path.
        """
        d = self.root
        for raw in parts:
            part = _checked(raw) if exact else safe_component(raw, fallback="folder")
            d = d / part
            if d.is_symlink():
                raise ExportError(f"Refusing to write through a symbolic link: {d}")
            if not d.exists():
                try:
                    d.mkdir(mode=0o700)
                except FileExistsError:
                    pass
                except OSError as e:
                    raise ExportError(f"Cannot create folder {d}: {e.strerror or e}") from e
                self._taken_in(d.parent).add(_fold(part))
            elif not d.is_dir():
                raise ExportError(f"{d} exists and is not a folder.")
            d = self._inside(d)
        return d

    def write(
        self,
        directory: Path,
        name: str,
        data: bytes | Iterable[bytes],
        *,
        fallback: str = "file",
        exact: bool = False,
    ) -> Path:
        """Create a new file in ``directory`` (from :meth:`directory`) with ``data``.

        A taken name gets `` (2)``, `` (3)``… before its extension.

        Args:
            directory: A folder returned by :meth:`directory` (or the root).
            name: The wished-for file name (untrusted).
            data: The bytes, or an iterable of byte pieces (written as they come).
            fallback: Name used when nothing of ``name`` is usable.
            exact: ``name`` was built by bparchive (a Maildir file name with its
                ``:2,`` suffix) and is used as it is; a taken name is an error.

        Returns:
            The path written.

        Raises:
            ExportError: The folder is outside the root, or the file cannot be written.
        """
        directory = self._inside(directory)
        base = _checked(name) if exact else safe_component(name, fallback=fallback)
        taken = self._taken_in(directory)
        n = 1
        while True:
            candidate = base if n == 1 else numbered(base, n)
            n += 1
            if exact and n > 2:
                raise ExportError(f"{directory / base} exists already.")
            if _fold(candidate) in taken:
                continue
            path = directory / candidate
            if self._inside(path).parent != directory:
                raise ExportError(f"Refusing to write outside the export folder: {path}")
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            flags |= getattr(os, "O_BINARY", 0)
            try:
                fd = os.open(path, flags, 0o600)
            except FileExistsError:
                taken.add(_fold(candidate))
                continue
            except OSError as e:
                if e.errno == errno.ENAMETOOLONG:
                    raise ExportError(f"File name too long for this file system: {path}") from e
                raise ExportError(f"Cannot create {path}: {e.strerror or e}") from e
            taken.add(_fold(candidate))
            break
        h = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as f:
                for piece in [data] if isinstance(data, bytes | bytearray) else data:
                    h.update(piece)
                    f.write(piece)
        except OSError as e:
            with contextlib.suppress(OSError):
                path.unlink()
            if e.errno == errno.ENOSPC:
                raise ExportError(f"The disk is full while writing {path}.") from e
            raise ExportError(f"Cannot write {path}: {e.strerror or e}") from e
        self.files.append((path.relative_to(self.root).as_posix(), h.hexdigest()))
        return path

    def write_manifest(self, name: str = "MANIFEST.sha256") -> Path:
        """Write ``sha256sum``-style lines for every file written (``sha256sum -c`` checks it)."""
        lines = "".join(f"{sha}  {rel}\n" for rel, sha in sorted(self.files))
        entries = list(self.files)
        path = self.write(self.root, name, lines.encode("utf-8"))
        self.files = entries  # the manifest does not list itself
        return path
