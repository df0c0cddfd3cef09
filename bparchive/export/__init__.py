"""Export stored messages: Maildir, mbox, .eml (byte-exact) and the category tree.

Who calls it: ``services.filing.export`` (``bparchive export``, the TUI's
export action), which picks the message ids (all, or a search's hits). This
package reads a :class:`~bparchive.store.Store` only; it never changes it.

Public API:

- ``export_messages(store, ids, dest, fmt, *, include_secret=False, progress, cancel)
  -> ExportReport``
- ``FORMATS``; ``safe_component(name, *, fallback)`` (also used by the TUI's
  "save attachment"); ``SafeWriter``; ``ExportError``
- ``from_line``, ``mboxrd_quote``, ``maildir_info``, ``maildir_dirname`` (format details)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bparchive.export.safe_names import ExportError, SafeWriter, safe_component, safe_title
from bparchive.export.writers import (
    FORMATS,
    Item,
    Location,
    from_line,
    maildir_dirname,
    maildir_info,
    make_format,
    mboxrd_quote,
)
from bparchive.progress import CancelToken, Progress, ProgressEvent, null_progress
from bparchive.store import Store

MANIFEST = "MANIFEST.sha256"
_BATCH = 500


@dataclass
class ExportReport:
    """What an export wrote.

    Attributes:
        written: Messages exported.
        skipped_secret: Messages left out because they carry a secret mark.
        files: Files written (messages, attachments, mbox files; not the manifest).
        manifest_path: ``MANIFEST.sha256`` (``sha256sum -c`` format) at the root of DEST.
        attachments: Attachment files written (``tree`` only).
        problems: What could not be written, for people.
    """

    written: int
    skipped_secret: int
    files: int
    manifest_path: Path
    attachments: int = 0
    problems: list[str] = field(default_factory=list)


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _items(store: Store, ids: Sequence[int]) -> Iterator[tuple[Item, bool]]:
    """(Item, secret) for each id, in the order given, a batch of queries at a time."""
    from bparchive.filing import category_label

    for start in range(0, len(ids), _BATCH):
        chunk = list(ids[start : start + _BATCH])
        marks = ",".join("?" * len(chunk))
        rows = {
            r["id"]: r
            for r in store.query(
                f"SELECT m.id, m.sha256, m.first_seen, p.date, p.subject, "
                f"COALESCE(f.manual_category, f.category, 'khac') AS category, "
                f"COALESCE(f.secret, 0) AS secret FROM messages m "
                f"LEFT JOIN parsed p ON p.message_id = m.id "
                f"LEFT JOIN filing f ON f.message_id = m.id WHERE m.id IN ({marks})",
                chunk,
            )
        }
        locs: dict[int, list[Location]] = {}
        for r in store.query(
            f"SELECT l.message_id, fo.account, fo.name, fo.delimiter, l.flags, l.gone_at "
            f"FROM locations l JOIN folders fo ON fo.id = l.folder_id "
            f"WHERE l.message_id IN ({marks}) ORDER BY fo.account, fo.name, l.gone_at IS NOT NULL",
            chunk,
        ):
            locs.setdefault(r["message_id"], []).append(
                Location(r["account"], r["name"], r["delimiter"] or "/", r["flags"] or "")
            )
        for mid in chunk:
            r = rows.get(mid)
            if r is None:
                continue
            cat = r["category"] or "khac"
            item = Item(
                id=mid,
                sha256=r["sha256"],
                date=_date(r["date"]),
                subject=r["subject"] or "",
                category=cat,
                category_label=category_label(cat),
                locations=locs.get(mid, []),
            )
            yield item, bool(r["secret"])


def export_messages(
    store: Store,
    ids: Sequence[int],
    dest: Path,
    fmt: str,
    *,
    include_secret: bool = False,
    progress: Progress = null_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Write the messages ``ids`` to ``dest`` in format ``fmt``, then the manifest.

    Args:
        store: The archive's store (only read).
        ids: Message ids, in the order to write them.
        dest: The export folder: absent or empty (never written into otherwise).
        fmt: ``maildir``, ``mbox``, ``eml`` or ``tree``.
        include_secret: Also export messages that carry a secret mark.
        progress: Receives ``export`` events.
        cancel: Stops the export between messages (what was written stays).

    Returns:
        The counts and the manifest path.

    Raises:
        ExportError: Unknown format, DEST not empty, or a file could not be written.
        Cancelled: ``cancel`` was set.
    """
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    cancel = cancel or CancelToken()
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ExportError(
            f"{dest} is not an empty folder. Export into a new or empty folder, so that no file "
            "is mixed with or replaces another."
        )
    writer = SafeWriter(dest)
    out = make_format(fmt, writer)
    written = skipped = 0
    total = len(ids)
    for n, (item, secret) in enumerate(_items(store, ids), start=1):
        cancel.check()
        if secret and not include_secret:
            skipped += 1
            continue

        def raw(mid: int = item.id) -> Iterator[bytes]:
            return store.iter_raw(mid)

        out.add(item, raw)
        written += 1
        if n % 50 == 0 or n == total:
            progress(ProgressEvent(stage="export", done=n, total=total))
    cancel.check()
    out.finish()
    manifest = writer.write_manifest(MANIFEST)
    progress(ProgressEvent(stage="export", done=total, total=total))
    return ExportReport(
        written=written,
        skipped_secret=skipped,
        files=out.files,
        manifest_path=manifest,
        attachments=out.attachments,
        problems=out.problems,
    )


__all__ = [
    "FORMATS",
    "MANIFEST",
    "ExportError",
    "ExportReport",
    "SafeWriter",
    "export_messages",
    "from_line",
    "maildir_dirname",
    "maildir_info",
    "mboxrd_quote",
    "safe_component",
    "safe_title",
]
