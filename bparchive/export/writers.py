"""The export formats: Maildir++, mboxrd, .eml files and the category folder tree.

Who calls it: :func:`bparchive.export.export_messages` (``bparchive export``,
the TUI's export action). The first three formats are the handover of a
mailbox (regulation Điều 15): every file holds the stored bytes of a message,
unchanged, and importing the export into a new archive gives back the same
messages byte for byte. ``tree`` is for people (Điều 16.2): one folder per
category, year and month, each message as ``.eml`` with its attachments
beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bparchive.export.safe_names import SafeWriter, safe_component, safe_title

RawSource = Callable[[], Iterable[bytes]]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUOTE = re.compile(rb"^>*From ")
# IMAP system flags → Maildir info letters (they must be written in ASCII order).
_MAILDIR_LETTERS = {
    "\\draft": "D",
    "\\flagged": "F",
    "\\answered": "R",
    "\\seen": "S",
    "\\deleted": "T",
}
# Characters a Maildir++ folder name cannot hold: "." is its hierarchy
# separator, "/" the file system's; the rest Windows refuses.
_MAILDIR_UNSAFE = re.compile(r'[./\\<>:"|?*\x00-\x1f\x7f]')
NO_DATE_FOLDER = "Không rõ ngày"


@dataclass
class Location:
    """One folder a message is (or was) in."""

    account: str
    folder: str
    delimiter: str
    flags: str


@dataclass
class Item:
    """What a writer needs to know about one message."""

    id: int
    sha256: str
    date: datetime | None
    subject: str
    category: str
    category_label: str
    locations: list[Location] = field(default_factory=list)


# -- helpers --------------------------------------------------------------


def from_line(date: datetime | None) -> bytes:
    """The mbox separator line ``From bparchive@localhost Mon Jul  1 08:00:00 2024``.

    The date is the message's in UTC (asctime form, English names whatever the
    locale); a missing or out-of-range date gives the Unix epoch.
    """
    d = (date or datetime(1970, 1, 1, tzinfo=UTC)).astimezone(UTC)
    if not 1000 <= d.year <= 9999:
        d = datetime(1970, 1, 1, tzinfo=UTC)
    stamp = (
        f"{_DAYS[d.weekday()]} {_MONTHS[d.month - 1]} {d.day:2d} "
        f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} {d.year}"
    )
    return f"From bparchive@localhost {stamp}\n".encode("ascii")


def mboxrd_quote(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Add one ``>`` to every line matching ``^>*From `` (mboxrd), streaming.

    Lines are split on ``\\n`` only, as mbox readers split them.
    """
    carry = b""
    for piece in pieces:
        data = carry + piece
        lines = data.split(b"\n")
        carry = lines.pop()
        out = []
        for line in lines:
            out.append(b">" + line if _QUOTE.match(line) else line)
            out.append(b"\n")
        if out:
            yield b"".join(out)
    if carry:
        yield b">" + carry if _QUOTE.match(carry) else carry


def maildir_info(flags: str) -> str:
    """IMAP flags (``\\Seen \\Flagged``) → the Maildir ``:2,`` suffix (``:2,FS``)."""
    letters = {_MAILDIR_LETTERS[f.lower()] for f in flags.split() if f.lower() in _MAILDIR_LETTERS}
    return ":2," + "".join(sorted(letters))


def folder_parts(folder: str, delimiter: str) -> list[str]:
    """A server folder name split into its hierarchy levels."""
    sep = delimiter or "/"
    return [p for p in folder.split(sep) if p] or ["INBOX"]


def maildir_dirname(parts: list[str]) -> str:
    """Maildir++ directory of a folder: ``.A.B``, names in IMAP modified UTF-7.

    Dovecot, Courier, mutt and ``bparchive import`` read this layout. A dot,
    a slash or a character Windows refuses inside one level becomes ``_``
    (Maildir++ has no escape for them).
    """
    from imapclient.imap_utf7 import encode

    enc = []
    for p in parts:
        clean = _MAILDIR_UNSAFE.sub("_", p) or "_"
        enc.append(encode(clean).decode("ascii"))
    return "." + ".".join(enc)


def _is_inbox(parts: list[str]) -> bool:
    return len(parts) == 1 and parts[0].upper() == "INBOX"


def _date_prefix(item: Item) -> str:
    return item.date.strftime("%Y-%m-%d") if item.date else "0000-00-00"


# -- formats ----------------------------------------------------------------


class Format:
    """Base of the writers: ``add`` one message, ``finish`` at the end."""

    def __init__(self, w: SafeWriter) -> None:
        self.w = w
        self.files = 0
        self.attachments = 0
        self.problems: list[str] = []

    def add(self, item: Item, raw: RawSource) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish(self) -> None:
        """Called once after the last message."""


class MaildirFormat(Format):
    """``DEST/<account>/`` is a Maildir++ root: INBOX in ``cur``, folders in ``.A.B/cur``.

    Every folder a message is (or was) in gets a copy, with the flags stored
    for that folder in the ``:2,`` suffix.
    """

    def __init__(self, w: SafeWriter) -> None:
        super().__init__(w)
        self._dirs: dict[tuple[str, str], Path] = {}
        self._seq = 0

    def _cur(self, account: str, parts: list[str]) -> Path:
        key = (account, "\x00".join(parts))
        d = self._dirs.get(key)
        if d is None:
            where = [safe_component(account, fallback="account")]
            if not _is_inbox(parts):
                where.append(maildir_dirname(parts))
            base = self.w.directory(where, exact=True)
            for sub in ("cur", "new", "tmp"):
                self.w.directory([*where, sub], exact=True)
            if len(where) > 1 and not (base / "maildirfolder").exists():
                self.w.write(base, "maildirfolder", b"", exact=True)
                self.files += 1
            d = base / "cur"
            self._dirs[key] = d
        return d

    def add(self, item: Item, raw: RawSource) -> None:
        locs = item.locations or [Location("bparchive", "INBOX", "/", "")]
        seen: set[tuple[str, str]] = set()
        for loc in locs:
            parts = folder_parts(loc.folder, loc.delimiter)
            key = (loc.account, "\x00".join(parts))
            if key in seen:
                continue
            seen.add(key)
            cur = self._cur(loc.account, parts)
            self._seq += 1
            stamp = int(item.date.timestamp()) if item.date else 0
            name = f"{max(stamp, 0)}.M{item.id}Q{self._seq}.bparchive{maildir_info(loc.flags)}"
            self.w.write(cur, name, raw(), exact=True)
            self.files += 1


class MboxFormat(Format):
    """One mboxrd file per folder: ``DEST/<account>/<A>/<B>.mbox``.

    Messages are separated by one ``\\n`` before each ``From`` line after the
    first, and none after the last: ``bparchive import`` (and Python's
    ``mailbox``) then read each message back exactly.
    """

    def __init__(self, w: SafeWriter) -> None:
        super().__init__(w)
        self._folders: dict[tuple[str, tuple[str, ...]], list[tuple[Item, RawSource]]] = {}

    def add(self, item: Item, raw: RawSource) -> None:
        locs = item.locations or [Location("bparchive", "INBOX", "/", "")]
        for loc in locs:
            key = (loc.account, tuple(folder_parts(loc.folder, loc.delimiter)))
            bucket = self._folders.setdefault(key, [])
            if not bucket or bucket[-1][0].id != item.id:
                bucket.append((item, raw))

    def finish(self) -> None:
        for (account, parts), items in self._folders.items():
            d = self.w.directory([account, *parts[:-1]])
            self.w.write(d, safe_component(parts[-1], fallback="folder") + ".mbox", _mbox(items))
            self.files += 1


def _mbox(items: list[tuple[Item, RawSource]]) -> Iterator[bytes]:
    for n, (item, raw) in enumerate(items):
        if n:
            yield b"\n"
        yield from_line(item.date)
        yield from mboxrd_quote(raw())


class EmlFormat(Format):
    """``DEST/<account>/<A>/<B>/<date> <id> <subject>.eml``, one file per folder a message is in."""

    def add(self, item: Item, raw: RawSource) -> None:
        locs = item.locations or [Location("bparchive", "INBOX", "/", "")]
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for loc in locs:
            parts = tuple(folder_parts(loc.folder, loc.delimiter))
            if (loc.account, parts) in seen:
                continue
            seen.add((loc.account, parts))
            d = self.w.directory([loc.account, *parts])
            name = safe_title(f"{_date_prefix(item)} {item.id} {item.subject}", max_bytes=180)
            self.w.write(d, name + ".eml", raw())
            self.files += 1


class TreeFormat(Format):
    """``DEST/<category>/<year>/<month>/<id> <subject>.eml`` plus ``<id> <attachment name>``.

    Attachments are decoded from the stored message again
    (:func:`bparchive.mail.parse_message`); their names go through
    :func:`safe_component`, so none escapes the folder or replaces another file.
    """

    def __init__(self, w: SafeWriter, parse: Callable[[bytes], object] | None = None) -> None:
        super().__init__(w)
        if parse is None:
            from bparchive.mail import parse_message

            parse = parse_message
        self._parse = parse

    def add(self, item: Item, raw: RawSource) -> None:
        where = [item.category_label or item.category or "Khác"]
        if item.date:
            where += [f"{item.date.year:04d}", f"{item.date.month:02d}"]
        else:
            where.append(NO_DATE_FOLDER)
        d = self.w.directory([safe_title(p, fallback="Khác") for p in where])
        data = b"".join(raw())
        self.w.write(d, safe_title(f"{item.id} {item.subject}", max_bytes=180) + ".eml", data)
        self.files += 1
        parsed = self._parse(data)
        for part in getattr(parsed, "attachments", ()):
            if part.truncated:
                self.problems.append(
                    f"message {item.id}: attachment {part.filename or part.path} not written "
                    "(a size or part limit was reached while reading it)"
                )
                continue
            name = safe_component(part.filename, fallback=_fallback_name(part))
            self.w.write(d, f"{item.id} {name}", part.payload)
            self.files += 1
            self.attachments += 1


def _fallback_name(part: object) -> str:
    import mimetypes

    ctype = str(getattr(part, "content_type", "") or "application/octet-stream")
    ext = mimetypes.guess_extension(ctype, strict=False) or ".bin"
    return f"attachment-{getattr(part, 'index', 0) + 1}{ext}"


FORMATS = ("maildir", "mbox", "eml", "tree")


def make_format(fmt: str, w: SafeWriter) -> Format:
    """The writer for ``fmt`` (one of :data:`FORMATS`)."""
    classes: dict[str, type[Format]] = {
        "maildir": MaildirFormat,
        "mbox": MboxFormat,
        "eml": EmlFormat,
        "tree": TreeFormat,
    }
    return classes[fmt](w)
