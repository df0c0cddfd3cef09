"""Filing services: refile by hand, tags and status, virtual folders, directory, report, export.

Who calls it: ``bparchive file/tag/folders/directory/report/export``
(``cli_filing.py``) and the TUI (the same function names). Plain functions
taking an :class:`~bparchive.services.Archive`; nothing here knows click,
Textual or Rich.

Hand decisions (``refile``) live in ``filing.manual_category`` and
``filing.manual_at``: ingest and ``refile`` by rules never touch them, and
``reindex`` rebuilds the index from the store, so they survive both. Every
change re-indexes the message it touched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bparchive.errors import BPArchiveError, NotFoundError, StoreError
from bparchive.export import ExportReport
from bparchive.progress import CancelToken, Progress, null_progress
from bparchive.report.directory import Contact, build_directory, directory_csv, directory_vcard
from bparchive.report.usage import UsageReport, build_report, render_report
from bparchive.store import Store, utcnow

#: Processing status of regulation Điều 17 (received → assigned by the head → done).
STATUS_TAGS: tuple[str, ...] = ("new", "assigned", "done")
#: Given to :func:`refile` as the category, gives the decision back to the rules.
AUTO = "auto"
_TAG_MAX = 64


class FilingError(BPArchiveError):
    """A filing request cannot be carried out as asked (unknown category, bad tag)."""

    title = "Filing error"
    exit_code = 1


def _require_message(store: Store, mid: int) -> None:
    if store.execute("SELECT 1 FROM messages WHERE id = ?", (mid,)).fetchone() is None:
        raise NotFoundError(
            f"No message with id {mid}. Ids come from `bparchive search` and `bparchive import`."
        )


def _reindex(archive: Any, ids: Sequence[int]) -> None:
    """Mark ``ids`` stale in the store and bring the index up to date."""
    from bparchive.index.from_store import catch_up

    store = archive.store
    with store.transaction():
        store.conn.executemany(
            "UPDATE messages SET index_state = 0 WHERE id = ?", [(i,) for i in ids]
        )
    archive.paths.ensure()
    catch_up(store, archive.paths.index_dir)


# -- refile -----------------------------------------------------------------


def refile(archive: Any, mid: int, category: str) -> None:
    """File message ``mid`` under ``category`` by hand (a person's decision).

    The decision is kept in ``filing.manual_category`` with its time; rules,
    re-ingest and ``reindex`` leave it alone, and ``bparchive show`` then says
    ``rule: manual``. ``category="auto"`` removes the decision.

    Args:
        archive: The open archive.
        mid: Store id of the message.
        category: A category id of :data:`bparchive.filing.CATEGORIES`, or ``auto``.

    Raises:
        FilingError: ``category`` is not a known category id (the message lists them).
        NotFoundError: No message ``mid``.
    """
    from bparchive.filing import CATEGORIES

    cat = (category or "").strip().lower()
    if cat != AUTO and cat not in CATEGORIES:
        valid = ", ".join(CATEGORIES)
        raise FilingError(
            f"Unknown category {category!r}. Valid categories: {valid} "
            f"(or {AUTO!r} to let the rules decide again)."
        )
    store = archive.store
    _require_message(store, mid)
    with store.transaction():
        if cat == AUTO:
            store.execute(
                "UPDATE filing SET manual_category = NULL, manual_at = NULL WHERE message_id = ?",
                (mid,),
            )
        else:
            store.execute(
                "INSERT INTO filing (message_id, manual_category, manual_at) VALUES (?,?,?) "
                "ON CONFLICT(message_id) DO UPDATE SET manual_category = excluded.manual_category, "
                "manual_at = excluded.manual_at",
                (mid, cat, utcnow()),
            )
    _reindex(archive, [mid])


# -- tags -------------------------------------------------------------------


def _clean_tag(tag: str) -> str:
    t = unicodedata.normalize("NFC", str(tag)).strip().lower()
    if not t:
        raise FilingError("A tag cannot be empty.")
    if "," in t or any(unicodedata.category(ch)[0] == "C" for ch in t):
        raise FilingError(f"Tag {tag!r}: commas and control characters are not allowed.")
    if len(t) > _TAG_MAX:
        raise FilingError(f"Tag {tag[:20]!r}…: at most {_TAG_MAX} characters.")
    return t


def tag(archive: Any, mid: int, add: Sequence[str] = (), remove: Sequence[str] = ()) -> list[str]:
    """Add and remove tags of message ``mid``; return its tags afterwards (sorted).

    The processing status of Điều 17 is one of the tags ``new``, ``assigned``
    and ``done``; they exclude each other, so adding one removes the others.
    Removals run before additions.

    Args:
        archive: The open archive.
        mid: Store id of the message.
        add: Tags to add (case-insensitive, stored in lower case).
        remove: Tags to remove (absent ones are ignored).

    Returns:
        The message's tags after the change.

    Raises:
        FilingError: A tag is empty, too long, or holds a comma or control character;
            or more than one status is added at once.
        NotFoundError: No message ``mid``.
    """
    adds = [_clean_tag(t) for t in add]
    removes = [_clean_tag(t) for t in remove]
    statuses = sorted({t for t in adds if t in STATUS_TAGS})
    if len(statuses) > 1:
        raise FilingError(
            f"Only one processing status at a time ({', '.join(STATUS_TAGS)}); got "
            f"{', '.join(statuses)}."
        )
    store = archive.store
    _require_message(store, mid)
    now = utcnow()
    with store.transaction():
        for t in removes:
            store.execute("DELETE FROM tags WHERE message_id = ? AND tag = ?", (mid, t))
        if statuses:
            others = [s for s in STATUS_TAGS if s != statuses[0]]
            store.execute(
                f"DELETE FROM tags WHERE message_id = ? AND tag IN ({','.join('?' * len(others))})",
                (mid, *others),
            )
        for t in adds:
            store.execute(
                "INSERT OR IGNORE INTO tags (message_id, tag, added) VALUES (?,?,?)", (mid, t, now)
            )
    _reindex(archive, [mid])
    return [
        r[0]
        for r in store.execute("SELECT tag FROM tags WHERE message_id = ? ORDER BY tag", (mid,))
    ]


def tag_counts(archive: Any) -> list[tuple[str, int]]:
    """Every tag in use with its number of messages, most used first."""
    if not archive.paths.db_file.exists():
        return []
    store = archive.reader()
    try:
        rows = store.execute(
            "SELECT tag, COUNT(*) FROM tags GROUP BY tag ORDER BY COUNT(*) DESC, tag"
        ).fetchall()
    finally:
        store.close()
    return [(str(t), int(n)) for t, n in rows]


# -- virtual folders ----------------------------------------------------------

# A covering index for the folder counts: with it, counting reads the small
# ``parsed_date`` index and this one, never the wide ``parsed``/``filing`` rows
# (about 30 % less CPU on 100,000 messages; see docs/filing.md, "Speed").
FOLDER_INDEX = "filing_cover"
_FOLDER_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {FOLDER_INDEX} ON filing(message_id, category, manual_category)"
)
_FOLDERS_SQL = """
SELECT COALESCE(f.manual_category, f.category, 'khac') AS cat, substr(p.date, 1, 7) AS ym,
       COUNT(*) AS n
FROM parsed p {hint} LEFT JOIN filing f {filing_hint} ON f.message_id = p.message_id
GROUP BY 1, 2
"""
_YM = re.compile(r"^\d{4}-\d{2}$")
_INDEX_CHECKED: set[Path] = set()  # archives whose folder index this process has ensured


def ensure_folder_index(store: Store) -> bool:
    """Create the covering index of the folder counts when missing; False if it cannot be.

    Idempotent; about 0.3 s the first time on 100,000 messages, nothing after.
    """
    try:
        store.execute(_FOLDER_INDEX_SQL)
    except StoreError:  # read-only or busy archive: the counts are only slower
        return False
    return True


def _has_index(store: Store, name: str) -> bool:
    row = store.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def folder_counts(store: Store) -> list[tuple[str, str | None, int]]:
    """(effective category, ``YYYY-MM`` or None, count) for every message of ``store``."""
    hint = "INDEXED BY parsed_date" if _has_index(store, "parsed_date") else ""
    filing_hint = f"INDEXED BY {FOLDER_INDEX}" if _has_index(store, FOLDER_INDEX) else ""
    sql = _FOLDERS_SQL.format(hint=hint, filing_hint=filing_hint)
    rows: list[tuple[str, str | None, int]] = [
        (str(c), ym, int(n)) for c, ym, n in store.execute(sql).fetchall()
    ]
    # Messages not read yet have no parsed row: "khac", no date, until ingest files them.
    (unread,) = store.execute(
        "SELECT (SELECT COUNT(*) FROM messages) - (SELECT COUNT(*) FROM parsed)"
    ).fetchone()
    if unread > 0:
        rows.append(("khac", None, int(unread)))
    return rows


def virtual_folders(archive: Any) -> list[dict[str, Any]]:
    """Category → year → month with message counts (the TUI's folder tree, ``bparchive folders``).

    The category is the effective one (a hand decision, else the rules'); the
    month is that of the message's date. Categories follow the order of
    :data:`~bparchive.filing.CATEGORIES`, years newest first, months January
    first; messages without a date are counted under ``year: None``.

    Returns:
        ``[{"category", "label_vi", "label_en", "count", "years": [{"year", "count",
        "months": [{"month", "count"}]}]}]`` (only categories that hold messages).
    """
    from bparchive.filing import CATEGORIES

    if not archive.paths.db_file.exists():
        return []
    if archive.paths.db_file not in _INDEX_CHECKED:
        ensure_folder_index(archive.store)
        _INDEX_CHECKED.add(archive.paths.db_file)
    store = archive.reader()
    try:
        rows = folder_counts(store)
    finally:
        store.close()
    cats: dict[str, dict[int | None, dict[int, int]]] = {}
    for cat, ym, n in rows:
        years = cats.setdefault(cat, {})
        if ym and _YM.match(ym):
            y, mo = int(ym[:4]), int(ym[5:7])
            months = years.setdefault(y, {})
            months[mo] = months.get(mo, 0) + n
        else:
            months = years.setdefault(None, {})
            months[0] = months.get(0, 0) + n
    order = {c: i for i, c in enumerate(CATEGORIES)}
    out = []
    for cat in sorted(cats, key=lambda c: (order.get(c, len(order)), c)):
        years = cats[cat]
        year_list = []
        for y in sorted(years, key=lambda y: (y is None, -(y or 0))):
            months = years[y]
            year_list.append(
                {
                    "year": y,
                    "count": sum(months.values()),
                    "months": []
                    if y is None
                    else [{"month": mo, "count": months[mo]} for mo in sorted(months)],
                }
            )
        vi, en = CATEGORIES.get(cat, (cat, cat))
        out.append(
            {
                "category": cat,
                "label_vi": vi,
                "label_en": en,
                "count": sum(y["count"] for y in year_list),
                "years": year_list,
            }
        )
    return out


def folder_ids(
    archive: Any, category: str, year: int | None = None, month: int | None = None
) -> list[int]:
    """Message ids of one virtual folder (newest first), for the TUI's list pane.

    Args:
        archive: The open archive.
        category: A category id (effective category).
        year: The year, or None for the whole category.
        month: The month (1–12) within ``year``, or None for the whole year.

    Returns:
        Store ids ordered by date, newest first.
    """
    if not archive.paths.db_file.exists():
        return []
    sql = (
        "SELECT m.id FROM messages m LEFT JOIN parsed p ON p.message_id = m.id "
        "LEFT JOIN filing f ON f.message_id = m.id "
        "WHERE COALESCE(f.manual_category, f.category, 'khac') = ?"
    )
    params: list[Any] = [category]
    if year is not None:
        prefix = f"{year:04d}" + (f"-{month:02d}" if month else "")
        sql += " AND substr(p.date, 1, ?) = ?"
        params += [len(prefix), prefix]
    sql += " ORDER BY p.date DESC, m.id DESC"
    store = archive.reader()
    try:
        return [int(r[0]) for r in store.execute(sql, params)]
    finally:
        store.close()


# -- directory ----------------------------------------------------------------


def directory(archive: Any) -> list[Contact]:
    """Agencies and people seen in From, To and Cc, with counts and last contact.

    See :func:`bparchive.report.directory.build_directory`.
    """
    if not archive.paths.db_file.exists():
        return []
    store = archive.reader()
    try:
        return build_directory(store)
    finally:
        store.close()


# -- usage report -------------------------------------------------------------


def report(
    archive: Any, since: date | None = None, until: date | None = None, *, tz: Any = None
) -> UsageReport:
    """The usage report of regulation Điều 18 for ``since``–``until`` (inclusive).

    See :func:`bparchive.report.usage.build_report`.
    """
    if not archive.paths.db_file.exists():
        raise StoreError("The archive is empty: add an account and sync, or import mail.")
    store = archive.reader()
    try:
        return build_report(store, archive.settings, since, until, tz=tz)
    finally:
        store.close()


# -- export -------------------------------------------------------------------


def _query_ids(archive: Any, query: str) -> list[int]:
    """Every message a search matches, newest first (no limit)."""
    from bparchive.services.search import SearchService

    svc = SearchService(archive)
    try:
        # A relevance search re-ranks only its best few hundred; by date it returns every
        # match. A first call with limit 0 gives the total without building any row.
        total = svc.search(query, limit=0, sort="date", snippets=False).total
        if not total:
            return []
        page = svc.search(query, limit=total, sort="date", snippets=False)
        return [r.id for r in page.rows]
    finally:
        svc.close()


def export(
    archive: Any,
    dest: str | Path,
    fmt: str,
    *,
    query: str | None = None,
    include_secret: bool = False,
    progress: Progress = null_progress,
    cancel: CancelToken | None = None,
) -> ExportReport:
    """Export the archive (or a search's hits) to ``dest``.

    ``maildir``, ``mbox`` and ``eml`` hold the stored bytes unchanged (the
    handover of Điều 15); ``tree`` files messages and their attachments by
    category, year and month (Điều 16.2). Messages with a secret mark are
    left out unless ``include_secret``. Messages not read yet are read first,
    so that no secret mark goes unseen.

    Args:
        archive: The open archive.
        dest: A new or empty folder.
        fmt: ``maildir``, ``mbox``, ``eml`` or ``tree``.
        query: Only the messages this search matches (the search language of
            ``bparchive search``); all messages when None.
        include_secret: Also export messages that carry a secret mark.
        progress: Receives ``ingest`` and ``export`` events.
        cancel: Stops between messages.

    Returns:
        An :class:`~bparchive.export.ExportReport`.

    Raises:
        ExportError: Unknown format, DEST not empty, a file could not be written.
        QueryError: ``query`` is malformed.
    """
    from bparchive.export import export_messages
    from bparchive.ingest import ingest_pending

    if not archive.paths.db_file.exists():
        raise StoreError("The archive is empty: there is nothing to export.")
    store = archive.store
    pending = store.execute("SELECT COUNT(*) FROM messages WHERE ingest_state = 0").fetchone()[0]
    if pending:
        ingest_pending(store, archive.settings, progress=progress, cancel=cancel)
    if query is not None and query.strip():
        ids = _query_ids(archive, query)
    else:
        ids = [r[0] for r in store.execute("SELECT id FROM messages ORDER BY id")]
    reader = archive.reader()
    try:
        return export_messages(
            reader,
            ids,
            Path(dest),
            fmt,
            include_secret=include_secret,
            progress=progress,
            cancel=cancel,
        )
    finally:
        reader.close()


__all__ = [
    "AUTO",
    "STATUS_TAGS",
    "Contact",
    "ExportReport",
    "FilingError",
    "UsageReport",
    "directory",
    "directory_csv",
    "directory_vcard",
    "ensure_folder_index",
    "export",
    "folder_ids",
    "refile",
    "render_report",
    "report",
    "tag",
    "tag_counts",
    "virtual_folders",
]
