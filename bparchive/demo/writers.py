"""Write generated messages to disk as mbox or Maildir++, and read the mbox back.

Called by ``bench/gen_corpus.py`` (corpora for Dovecot, mbsync, notmuch, mu),
by :mod:`bparchive.demo.sample` (the shipped ``demo-mailbox.mbox.gz``) and by
the ``bparchive demo`` command through :func:`read_mbox`.

Maildir layout: Dovecot's default **Maildir++** (``mail_location =
maildir:~/Maildir``): INBOX is the root (``cur/ new/ tmp/``), every other
folder is a dot-directory below it, levels joined by ``.`` and each level in
IMAP modified UTF-7 (RFC 3501 §5.1.3), as Dovecot stores names unless
``UTF8`` is set: ``Lưu trữ/2023`` → ``.L&AbA-u tr&Hu8-.2023``. All messages go
to ``cur/`` with an ``:2,<flags>`` suffix and ``S=``/``W=`` sizes, and the
file's mtime is the INTERNALDATE (Dovecot reads it from there).

mbox: mboxrd (``>From `` quoting is reversible), LF line ends. A message that
appears in several consecutive folders with the same bytes is written once.
Folders and flags travel in headers put in front of the original ones:
``X-Folder:`` (one line per folder, RFC 2047 encoded), and mutt's ``Status:``
(``R``ead, ``O``ld) and ``X-Status:`` (``F``lagged, ``A``nswered, ``D``raft).
:func:`read_mbox` removes exactly those lines and restores the original bytes.
"""

from __future__ import annotations

import base64
import gzip
import os
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from email.header import decode_header, make_header
from pathlib import Path
from typing import BinaryIO

from bparchive.demo.generator import GeneratedMessage
from bparchive.demo.mime import encoded_words

_MAILDIR_FLAGS = {"\\Draft": "D", "\\Flagged": "F", "\\Answered": "R", "\\Seen": "S"}
_FROM_LINE = re.compile(rb"^>*From ")
_ASCTIME = "%a %b %d %H:%M:%S %Y"


def mutf7_encode(name: str) -> str:
    """Encode a folder name in IMAP modified UTF-7 (RFC 3501 §5.1.3).

    Args:
        name: a Unicode folder name (one level or a full path).

    Returns:
        ASCII text: printable ASCII kept (``&`` as ``&-``), other runs as
        ``&`` + base64 of UTF-16BE with ``,`` for ``/`` + ``-``.
    """
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            data = "".join(run).encode("utf-16-be")
            out.append(
                "&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",") + "-"
            )
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def maildir_folder_path(root: Path, folder: str) -> Path:
    """Return the Maildir++ directory of ``folder`` under ``root``."""
    if folder.upper() == "INBOX":
        return root
    return root / ("." + ".".join(mutf7_encode(part) for part in folder.split("/")))


def _make_maildir(path: Path, subfolder: bool) -> None:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    if subfolder:
        (path / "maildirfolder").touch()


def write_maildir(
    root: str | os.PathLike[str], messages: Iterable[GeneratedMessage]
) -> dict[str, int]:
    """Write messages into a Maildir++ tree that Dovecot reads as is.

    Args:
        root: the Maildir root (``~/Maildir``); created if missing.
        messages: messages from :func:`~bparchive.demo.generator.generate`.

    Returns:
        Message count per folder, sorted by folder name.
    """
    base = Path(root)
    _make_maildir(base, False)
    counts: dict[str, int] = {}
    made: set[str] = set()
    for n, msg in enumerate(messages):
        folder_dir = maildir_folder_path(base, msg.folder)
        if msg.folder not in made:
            _make_maildir(folder_dir, folder_dir != base)
            made.add(msg.folder)
        data = msg.raw.replace(b"\r\n", b"\n")
        ts = int(msg.internaldate.timestamp())
        flags = "".join(sorted(_MAILDIR_FLAGS[f] for f in msg.flags if f in _MAILDIR_FLAGS))
        name = f"{ts}.M{n}P0.bparchive-demo,S={len(data)},W={len(msg.raw)}:2,{flags}"
        path = folder_dir / "cur" / name
        path.write_bytes(data)
        os.utime(path, (ts, ts))
        counts[msg.folder] = counts.get(msg.folder, 0) + 1
    return dict(sorted(counts.items()))


def _sender(raw: bytes) -> str:
    m = re.search(rb"^From:[^\r\n]*?<([^>\s]+)>", raw, re.MULTILINE)
    return m.group(1).decode("ascii", "replace") if m else "MAILER-DAEMON"


def _write_entry(out: BinaryIO, group: list[GeneratedMessage]) -> None:
    first = group[0]
    flags = sorted({f for m in group for f in m.flags})
    when = first.internaldate.astimezone(UTC)
    out.write(f"From {_sender(first.raw)} {when.strftime(_ASCTIME)}\n".encode("ascii"))
    for m in group:
        out.write(
            b"X-Folder: " + encoded_words(m.folder).replace("\r\n", "\n").encode("ascii") + b"\n"
        )
    status = ("R" if "\\Seen" in flags else "") + "O"
    xstatus = "".join(
        c for f, c in (("\\Answered", "A"), ("\\Flagged", "F"), ("\\Draft", "D")) if f in flags
    )
    out.write(f"Status: {status}\nX-Status: {xstatus}\n".encode("ascii"))
    for line in first.raw.replace(b"\r\n", b"\n").split(b"\n")[:-1]:
        if _FROM_LINE.match(line):
            out.write(b">")
        out.write(line + b"\n")
    out.write(b"\n")


def write_mbox(path: str | os.PathLike[str], messages: Iterable[GeneratedMessage]) -> int:
    """Write messages to one mboxrd file (gzip-compressed if the name ends in ``.gz``).

    Consecutive items with identical bytes (one message filed in two folders)
    become one entry with two ``X-Folder`` lines. The gzip header carries no
    name and no time, so the same messages give the same file.

    Args:
        path: the output file.
        messages: messages from :func:`~bparchive.demo.generator.generate`.

    Returns:
        The number of mbox entries written.
    """
    target = Path(path)
    entries = 0
    with open(target, "wb") as fh:
        out: BinaryIO = (
            gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=9)  # type: ignore[assignment]
            if target.suffix == ".gz"
            else fh
        )
        try:
            group: list[GeneratedMessage] = []
            for msg in messages:
                if group and msg.raw is not group[0].raw and msg.raw != group[0].raw:
                    _write_entry(out, group)
                    entries += 1
                    group = []
                group.append(msg)
            if group:
                _write_entry(out, group)
                entries += 1
        finally:
            if out is not fh:
                out.close()
    return entries


def read_mbox(path: str | os.PathLike[str]) -> Iterator[GeneratedMessage]:
    """Read a file written by :func:`write_mbox` back into generated messages.

    Args:
        path: an ``.mbox`` or ``.mbox.gz`` file from :func:`write_mbox`.

    Yields:
        One :class:`GeneratedMessage` per folder of each entry, with the
        original CRLF bytes, flags and INTERNALDATE (UTC, same instant).
    """
    target = Path(path)
    opener = gzip.open if target.suffix == ".gz" else open
    with opener(target, "rb") as fh:
        entry: list[bytes] = []
        for line in fh:
            if line.startswith(b"From ") and (not entry or entry[-1] == b"\n"):
                if entry:
                    yield from _parse_entry(entry)
                entry = [line]
            else:
                entry.append(line)
        if entry:
            yield from _parse_entry(entry)


def _parse_entry(lines: list[bytes]) -> Iterator[GeneratedMessage]:
    from_line = lines[0].decode("ascii").rstrip("\n")
    stamp = " ".join(from_line.split(" ")[-5:])
    when = datetime.strptime(stamp, _ASCTIME).replace(tzinfo=UTC)
    body = lines[1:-1] if lines[-1] == b"\n" else lines[1:]
    folders: list[str] = []
    flags: set[str] = set()
    i = 0
    while i < len(body):
        line = body[i]
        if line.startswith(b"X-Folder: "):
            value = line[10:].rstrip(b"\n")
            while i + 1 < len(body) and body[i + 1][:1] in (b" ", b"\t"):
                i += 1
                value += b"\n" + body[i].rstrip(b"\n")
            folders.append(str(make_header(decode_header(value.decode("ascii")))))
        elif line.startswith(b"Status: "):
            flags |= {"\\Seen"} if b"R" in line[8:] else set()
        elif line.startswith(b"X-Status: "):
            codes = line[10:]
            flags |= {
                f
                for c, f in ((b"A", "\\Answered"), (b"F", "\\Flagged"), (b"D", "\\Draft"))
                if c in codes
            }
        else:
            break
        i += 1
    raw_lines = [
        (ln[1:] if _FROM_LINE.match(ln) and ln.startswith(b">") else ln) for ln in body[i:]
    ]
    raw = b"".join(raw_lines).replace(b"\n", b"\r\n")
    for folder in folders or ["INBOX"]:
        yield GeneratedMessage(folder, raw, tuple(sorted(flags)), when)
