"""Keep the Whoosh index in step with the store (the store is the truth).

Called by the services after every sync and import (``catch_up``), by
``bparchive reindex`` (``rebuild``) and by ``bparchive doctor`` (``drift``).
A message is indexed once ingest has parsed it; its ``index_state`` flips to 1
only after the Whoosh commit, so a kill during indexing loses nothing: the
next run indexes those messages again (``update_document`` is idempotent).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bparchive.index.document import IndexAttachment, IndexDoc
from bparchive.index.indexer import Index
from bparchive.progress import CancelToken, Progress, ProgressEvent, null_progress
from bparchive.store import Store

log = logging.getLogger(__name__)

#: Messages per index commit at most. Smaller batches make more segments, and
#: Whoosh's merges of them cost more than they save (on 9,736 messages, 1,000 took
#: 30 s, 500 took 96 s).
BATCH = 1000
#: ...and postings per commit at most: the writer holds a batch's postings in memory
#: (about 70 bytes each), so messages with long attachment texts make smaller batches.
MAX_POSTINGS = 500_000
#: Messages read from the store at a time while a batch fills.
CHUNK = 50


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def load_docs(store: Store, ids: Sequence[int]) -> list[IndexDoc]:
    """Build the IndexDocs of ``ids`` from the store (one query per table)."""
    if not ids:
        return []
    out: list[IndexDoc] = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        msgs = {
            r["id"]: r
            for r in store.query(
                f"SELECT id, msgid, size FROM messages WHERE id IN ({marks})", chunk
            )
        }
        parsed = {
            r["message_id"]: r
            for r in store.query(
                f"SELECT message_id, subject, from_name, from_email, recipients, date, body_text "
                f"FROM parsed WHERE message_id IN ({marks})",
                chunk,
            )
        }
        filing = {
            r["message_id"]: r
            for r in store.query(
                f"SELECT message_id, doc_type, category, manual_category, urgency, secret, refs "
                f"FROM filing WHERE message_id IN ({marks})",
                chunk,
            )
        }
        atts: dict[int, list[IndexAttachment]] = {}
        for r in store.query(
            f"SELECT message_id, filename, text, kind FROM attachments WHERE message_id IN ({marks}) "
            f"ORDER BY message_id, idx",
            chunk,
        ):
            atts.setdefault(r["message_id"], []).append(
                IndexAttachment(r["filename"], r["text"], r["kind"])
            )
        locs: dict[int, list[dict]] = {}
        for r in store.query(
            f"SELECT l.message_id, f.account, f.name, l.flags, l.gone_at, l.internaldate FROM locations l "
            f"JOIN folders f ON f.id = l.folder_id WHERE l.message_id IN ({marks})",
            chunk,
        ):
            locs.setdefault(r["message_id"], []).append(r)
        tags: dict[int, list[str]] = {}
        for r in store.query(
            f"SELECT message_id, tag FROM tags WHERE message_id IN ({marks})", chunk
        ):
            tags.setdefault(r["message_id"], []).append(r["tag"])
        for mid in chunk:
            m = msgs.get(mid)
            if m is None:
                continue
            p = parsed.get(mid) or {}
            f = filing.get(mid) or {}
            ls = locs.get(mid, [])
            live = [x for x in ls if not x["gone_at"]] or ls
            flags = sorted({fl for x in live for fl in (x["flags"] or "").split()})
            recips = json.loads(p.get("recipients") or "[]")
            refs = tuple((r["key"], r["display"]) for r in json.loads(f.get("refs") or "[]"))
            date = _parse_date(p.get("date")) or _parse_date(
                min((x["internaldate"] or "" for x in ls), default="")
            )
            out.append(
                IndexDoc(
                    id=mid,
                    message_id=m["msgid"] or "",
                    accounts=tuple(sorted({x["account"] for x in ls})),
                    folders=tuple(sorted({x["name"] for x in ls})),
                    date=date,
                    subject=p.get("subject", ""),
                    body=p.get("body_text", ""),
                    sender_name=p.get("from_name", ""),
                    sender_email=p.get("from_email", ""),
                    to=tuple((n, e) for fld, n, e in recips if fld == "to"),
                    cc=tuple((n, e) for fld, n, e in recips if fld == "cc"),
                    attachments=tuple(atts.get(mid, ())),
                    size=m["size"],
                    flags=tuple(flags),
                    tags=tuple(sorted(tags.get(mid, ()))),
                    category=f.get("manual_category") or f.get("category", ""),
                    doc_type=f.get("doc_type", ""),
                    refs=refs,
                    urgency=f.get("urgency", ""),
                    secret=bool(f.get("secret", 0)),
                    unread="\\Seen" not in flags,
                    flagged="\\Flagged" in flags,
                )
            )
    return out


def open_index(directory: Path) -> Index:
    """Open the index, creating it when absent."""
    return Index.open(directory) if Index.exists(directory) else Index.create(directory)


def catch_up(
    store: Store,
    directory: Path,
    *,
    progress: Progress = null_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Index every ingested message whose index entry is stale; return how many."""
    cancel = cancel or CancelToken()
    if not Index.exists(directory):
        # A new index (first run, or a schema version this release does not read any
        # more) holds nothing: everything ingested has to be indexed again.
        with store.transaction():
            store.execute("UPDATE messages SET index_state = 0 WHERE index_state != 0")
    todo = [
        r[0]
        for r in store.execute(
            "SELECT id FROM messages WHERE index_state = 0 AND ingest_state != 0 ORDER BY id"
        )
    ]
    if not todo:
        if not Index.exists(directory):
            open_index(directory).close()
        return 0
    index = open_index(directory)
    done = 0
    try:
        while done < len(todo):
            cancel.check()
            ids: list[int] = []
            with index.batch() as batch:
                while done + len(ids) < len(todo):
                    start = done + len(ids)
                    chunk = todo[start : start + min(CHUNK, BATCH - len(ids))]
                    for doc in load_docs(store, chunk):
                        batch.add(doc)
                    ids += chunk
                    if len(ids) >= BATCH or batch.postings >= MAX_POSTINGS:
                        break
                log.debug("indexing %d documents (%d postings)", batch.count, batch.postings)
            with store.transaction():
                store.conn.executemany(
                    "UPDATE messages SET index_state = 1 WHERE id = ?", [(i,) for i in ids]
                )
            done += len(ids)
            progress(ProgressEvent(stage="index", done=done, total=len(todo)))
    finally:
        index.close()
    return done


def rebuild(
    store: Store,
    directory: Path,
    *,
    progress: Progress = null_progress,
    cancel: CancelToken | None = None,
) -> int:
    """Throw the index away and build it again from the store."""
    tmp = directory.with_name(directory.name + ".new")
    if tmp.exists():
        shutil.rmtree(tmp)
    Index.create(tmp).close()
    with store.transaction():
        store.execute("UPDATE messages SET index_state = 0")
    n = catch_up(store, tmp, progress=progress, cancel=cancel)
    old = directory.with_name(directory.name + ".old")
    if directory.exists():
        directory.rename(old)
    tmp.rename(directory)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    return n


@dataclass
class Drift:
    missing: list[int]  # in the store (ingested, marked indexed) but not in the index
    extra: list[int]  # in the index but not in the store
    stale: int  # waiting to be indexed

    @property
    def ok(self) -> bool:
        return not self.missing and not self.extra


def drift(store: Store, directory: Path) -> Drift:
    """Compare the index with the store."""
    if not Index.exists(directory):
        n = store.execute("SELECT COUNT(*) FROM messages WHERE ingest_state != 0").fetchone()[0]
        ids = [r[0] for r in store.execute("SELECT id FROM messages WHERE index_state = 1")]
        return Drift(missing=ids, extra=[], stale=n - len(ids))
    index = Index.open(directory)
    try:
        in_index = index.ids()
    finally:
        index.close()
    marked = {r[0] for r in store.execute("SELECT id FROM messages WHERE index_state = 1")}
    all_ids = {r[0] for r in store.execute("SELECT id FROM messages")}
    stale = store.execute(
        "SELECT COUNT(*) FROM messages WHERE index_state = 0 AND ingest_state != 0"
    ).fetchone()[0]
    return Drift(missing=sorted(marked - in_index), extra=sorted(in_index - all_ids), stale=stale)


def repair(store: Store, directory: Path, d: Drift) -> None:
    """Fix drift: re-index the missing, drop the extra."""
    if d.extra:
        index = open_index(directory)
        try:
            index.delete(d.extra)
        finally:
            index.close()
    if d.missing:
        with store.transaction():
            store.conn.executemany(
                "UPDATE messages SET index_state = 0 WHERE id = ?", [(i,) for i in d.missing]
            )
    catch_up(store, directory)


def texts_for(store: Store) -> Callable[[int], IndexDoc | None]:
    """A callback for :class:`Searcher` giving the document texts of a store id."""

    def get(mid: int) -> IndexDoc | None:
        docs = load_docs(store, [mid])
        return docs[0] if docs else None

    return get


def load_texts(store: Store, ids: Sequence[int]) -> dict[int, IndexDoc]:
    """The texts snippets need (subject, body, attachment names and texts) of ``ids``.

    Two queries per 500 ids. The other fields of the returned :class:`IndexDoc` are left
    at their defaults: use :func:`load_docs` for whole documents.
    """
    out: dict[int, IndexDoc] = {}
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        atts: dict[int, list[IndexAttachment]] = {}
        for r in store.query(
            f"SELECT message_id, filename, text, kind FROM attachments "
            f"WHERE message_id IN ({marks}) ORDER BY message_id, idx",
            chunk,
        ):
            atts.setdefault(r["message_id"], []).append(
                IndexAttachment(r["filename"], r["text"], r["kind"])
            )
        for r in store.query(
            f"SELECT m.id, p.subject, p.body_text FROM messages m "
            f"LEFT JOIN parsed p ON p.message_id = m.id WHERE m.id IN ({marks})",
            chunk,
        ):
            mid = r["id"]
            out[mid] = IndexDoc(
                id=mid,
                subject=r["subject"] if r["subject"] is not None else "",
                body=r["body_text"] if r["body_text"] is not None else "",
                attachments=tuple(atts.get(mid, ())),
            )
    return out


def texts_for_many(store: Store) -> Callable[[Sequence[int]], dict[int, IndexDoc]]:
    """A callback for :class:`Searcher` giving the texts of a page of store ids at once."""

    def get(ids: Sequence[int]) -> dict[int, IndexDoc]:
        return load_texts(store, ids)

    return get
