"""Import mail that staff saved on their own computers: mbox, Maildir, .eml.

Called by ``services.import_path`` (``bparchive import PATH --account NAME``).
Messages are stored byte for byte as they were before mbox escaping; an
imported folder's locations are keyed by content, so importing the same file
twice adds nothing.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from bparchive.errors import ImportError_
from bparchive.progress import CancelToken, Progress, ProgressEvent, null_progress
from bparchive.store import Store, utcnow

log = logging.getLogger(__name__)

LOCAL_UIDVALIDITY = 0
_FROM_ESCAPED = re.compile(rb"^>+From ")
# "From sender date" — the date part, when present, has a time or a year, so
# an unescaped body line such as "From Russia with love" is not a separator.
_FROM_LINE = re.compile(rb"^From \S+(?:\s*$|.*(?:\d{1,2}:\d{2}|\b(?:19|20)\d{2}\b))")
# Some writers (old Netscape, Content-Length users) put no empty line before
# the separator: then only an unmistakable From_ line counts (nothing after the
# sender, or an asctime date).
_FROM_STRICT = re.compile(
    rb"^From \S+(?:\s*$|\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug"
    rb"|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d(?::\d\d)? (?:[A-Z]{3,4} )?\d{4}\s*$)"
)
_MAILDIR_FLAGS = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered", "S": "\\Seen", "T": "\\Deleted"}
BATCH = 200


@dataclass
class ImportReport:
    """What one import did."""

    path: str
    kind: str
    seen: int = 0
    added: int = 0          # new message contents
    new_locations: int = 0  # new (folder, message) pairs
    folders: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)


@dataclass
class Found:
    folder: str
    raw: bytes
    flags: str = ""
    source: str = ""


def detect(path: Path) -> str:
    """``mbox``, ``maildir``, ``emldir`` or ``eml``."""
    if path.is_dir():
        if (path / "cur").is_dir() or (path / "new").is_dir():
            return "maildir"
        if any(p.is_dir() and (p / "cur").is_dir() for p in path.iterdir()):
            return "maildir"
        return "emldir"
    if not path.exists():
        raise ImportError_(f"{path}: no such file or folder.")
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.startswith(b"From "):
        return "mbox"
    if path.suffix.lower() in (".mbox", ".mbx") or path.name.lower() in ("mbox", "inbox"):
        return "mbox"
    if re.match(rb"^[\x21-\x39\x3b-\x7e]+:", head) or path.suffix.lower() == ".eml":
        return "eml"
    raise ImportError_(
        f"{path}: not recognised as mail (expected an mbox file, a Maildir, a folder of .eml files "
        "or one .eml file)."
    )


def read_mbox(f: BinaryIO, folder: str) -> Iterator[Found]:
    """Split an mbox (mboxo or mboxrd) into messages; Content-Length is ignored.

    A line starting ``From `` separates messages when it opens the file or
    follows an empty line. One level of ``>From`` quoting is removed (mboxrd),
    and the empty line the mbox writer added after each message is dropped.
    """
    lines: list[bytes] = []
    first = True
    prev_blank = True
    for line in f:
        if first:
            first = False
            if line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if _FROM_LINE.match(line):
                prev_blank = False
                continue
        if (prev_blank and _FROM_LINE.match(line)) or _FROM_STRICT.match(line):
            if lines:
                yield Found(folder, _finish_mbox_message(lines, separator=True))
            lines = []
            prev_blank = False
            continue
        prev_blank = line in (b"\n", b"\r\n")
        if _FROM_ESCAPED.match(line):
            line = line[1:]
        lines.append(line)
    if lines:
        msg = _finish_mbox_message(lines, separator=False)
        if msg.strip():
            yield Found(folder, msg)



def _finish_mbox_message(lines: list[bytes], *, separator: bool) -> bytes:
    # The line ending just before the next From_ line belongs to the mbox
    # framing (MimeKit's reference offsets agree); the message's own bytes end
    # before it. The last message of the file keeps its bytes to the end.
    if lines and separator:
        last = lines[-1]
        if last.endswith(b"\r\n"):
            lines[-1] = last[:-2]
        elif last.endswith(b"\n"):
            lines[-1] = last[:-1]
    return b"".join(lines)


def _decode_maildir_name(name: str) -> str:
    from imapclient.imap_utf7 import decode

    try:
        return str(decode(name.encode("ascii")))
    except (UnicodeError, ValueError):
        return name


def _maildir_folders(root: Path) -> list[tuple[str, Path]]:
    """Every folder of a Maildir: Maildir++ (``.A.B`` → ``A/B``) or nested (``A/B/cur``)."""
    out: list[tuple[str, Path]] = []
    for dirpath, dirnames, _files in os.walk(root):
        d = Path(dirpath)
        dirnames[:] = sorted(n for n in dirnames if n not in ("cur", "new", "tmp"))
        if not ((d / "cur").is_dir() or (d / "new").is_dir()):
            continue
        rel = d.relative_to(root).parts
        if not rel:
            name = "INBOX"
        else:
            parts: list[str] = []
            for p in rel:
                if p.startswith(".") and len(p) > 1:
                    parts.extend(_decode_maildir_name(x) for x in p[1:].split(".") if x)
                else:
                    parts.append(_decode_maildir_name(p))
            name = "/".join(parts)
        out.append((name, d))
    return out


def read_maildir(root: Path) -> Iterator[Found]:
    """Messages of a Maildir and all its subfolders, with their flags."""
    for name, d in _maildir_folders(root):
        for sub in ("cur", "new"):
            sd = d / sub
            if not sd.is_dir():
                continue
            for fp in sorted(sd.iterdir()):
                if not fp.is_file():
                    continue
                flags = ""
                if ":2," in fp.name:
                    letters = fp.name.rsplit(":2,", 1)[1]
                    flags = " ".join(sorted(_MAILDIR_FLAGS[c] for c in letters if c in _MAILDIR_FLAGS))
                yield Found(name, fp.read_bytes(), flags, str(fp))


def read_emldir(root: Path) -> Iterator[Found]:
    """Every ``.eml`` file under ``root``; the folder is its relative directory."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = Path(dirpath).relative_to(root)
        folder = "/".join(rel.parts) or root.name or "import"
        for fn in sorted(filenames):
            if fn.lower().endswith((".eml", ".msg.txt")) or fn.lower().endswith(".eml.txt"):
                fp = Path(dirpath) / fn
                yield Found(folder, fp.read_bytes(), "", str(fp))


def import_path(
    store: Store,
    path: Path,
    account: str,
    *,
    progress: Progress = null_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import ``path`` into ``account`` (created as a local account if new)."""
    path = Path(path)
    kind = detect(path)
    if kind == "mbox":
        with path.open("rb") as f:
            return import_messages(store, read_mbox(f, path.stem or "mbox"), account, kind=kind,
                                   source=str(path), progress=progress, cancel=cancel)
    if kind == "maildir":
        source: Iterator[Found] = read_maildir(path)
    elif kind == "emldir":
        source = read_emldir(path)
    else:
        source = iter([Found("import", path.read_bytes(), "", str(path))])
    return import_messages(store, source, account, kind=kind, source=str(path),
                           progress=progress, cancel=cancel)


def import_messages(
    store: Store,
    messages: Iterable[Found],
    account: str,
    *,
    kind: str = "messages",
    source: str = "",
    progress: Progress = null_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Store ``messages`` (each with its folder and flags) in ``account``, batch by batch."""
    cancel = cancel or CancelToken()
    report = ImportReport(source, kind)
    with store.transaction():
        row = store.execute("SELECT kind FROM accounts WHERE name = ?", (account,)).fetchone()
        if row is None:
            store.ensure_account(account, "local")
    # Into an IMAP account, imported folders live apart from the server's.
    prefix = "" if row is None or row[0] == "local" else "Imported/"
    folder_ids: dict[str, int] = {}
    batch: list[Found] = []
    for found in messages:
        cancel.check()
        batch.append(found)
        if len(batch) >= BATCH:
            _commit(store, account, prefix, batch, folder_ids, report)
            batch = []
            progress(ProgressEvent(stage="import", account=account, done=report.seen))
    if batch:
        _commit(store, account, prefix, batch, folder_ids, report)
    progress(ProgressEvent(stage="import", account=account, done=report.seen, total=report.seen))
    if report.seen == 0:
        report.problems.append("no message found")
    return report


def _commit(
    store: Store, account: str, prefix: str, batch: list[Found], folder_ids: dict[str, int],
    report: ImportReport,
) -> None:
    with store.transaction():
        for found in batch:
            report.seen += 1
            if not found.raw.strip():
                report.problems.append(f"{found.source or found.folder}: empty message skipped")
                continue
            if found.folder not in folder_ids:
                fs = store.ensure_folder(account, prefix + found.folder)
                store.update_folder(fs.id, uidvalidity=LOCAL_UIDVALIDITY)
                folder_ids[found.folder] = fs.id
            fid = folder_ids[found.folder]
            mid, created = store.put_message(found.raw)
            report.added += int(created)
            # Local folders key locations by content (uid = message id): re-importing adds nothing.
            if store.add_location(mid, fid, LOCAL_UIDVALIDITY, mid, flags=found.flags, size=len(found.raw)):
                report.new_locations += 1
                report.folders[found.folder] = report.folders.get(found.folder, 0) + 1
            report.ids.append(mid)
        for fid in folder_ids.values():
            # A local folder has no server: last_sync is the last import.
            store.update_folder(fid, last_sync=utcnow(), on_server=0)
