"""Opening, creating and writing the Whoosh index.

Called by the ingest/indexing service (catch-up after ``sync``/``import``, ``reindex``,
``doctor --repair``) with batches of :class:`~bparchive.index.document.IndexDoc`, and by
:class:`~bparchive.index.search.Searcher`, which reads committed snapshots.

Concurrency: Whoosh allows one writer at a time (a file lock in the index directory);
:meth:`Index.add_documents` waits up to ``lock_timeout`` seconds for it and then raises
:class:`~bparchive.errors.StoreError`. Readers never take the lock: a search during a
write sees the last committed state.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError

from bparchive import vi
from bparchive.errors import StoreError
from bparchive.index.analysis import analyze, bigram_terms, text_postings
from bparchive.index.document import IndexDoc
from bparchive.index.schema import BIGRAM_CAP, BIGRAM_OF, SCHEMA_VERSION, build_schema
from bparchive.index.writer import Analysed, FastWriter

log = logging.getLogger(__name__)

INDEX_NAME = f"bparchive_v{SCHEMA_VERSION}"

#: Files of index names this version does not read (older schema versions).
_OLD_FILES = re.compile(r"^_?bparchive_v(\d+)[_.]")

# Reply/forward prefixes are noise for ranking (§6.2 note on subject fields).
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|tl|tr|aw|sv|vs|trả\s+lời|chuyển\s+tiếp)\s*(?:\[\d+\])?\s*:\s*)+",
    re.IGNORECASE,
)


def strip_subject_prefixes(subject: str) -> str:
    """Remove leading ``Re:``/``Fwd:``/``TL:``/``Chuyển tiếp:`` prefixes."""
    return _SUBJECT_PREFIX.sub("", subject)


def _kw(value: str) -> str:
    """One keyword value: folded, lower case, no commas (the KEYWORD separator)."""
    return vi.fold(vi.normalize(value)).replace(",", " ").strip()


def address_keys(address: str) -> list[str]:
    """Keyword tokens of an e-mail address: itself, local part, domain, suffixes, agency.

    ``nguyenvana@stttt.binhphuoc.gov.vn`` → the address, ``nguyenvana``,
    ``stttt.binhphuoc.gov.vn``, ``binhphuoc.gov.vn``, ``gov.vn`` and the agency ``stttt``.
    """
    addr = _kw(address)
    if not addr:
        return []
    keys = [addr]
    local, _, domain = addr.rpartition("@")
    if not local:
        return keys
    keys.append(local)
    labels = [p for p in domain.split(".") if p]
    for i in range(len(labels) - 1):
        keys.append(".".join(labels[i:]))
    if labels:
        keys.append(labels[0])
    return keys


def folder_keys(folder: str) -> list[str]:
    """Keyword tokens of a folder path: the path, every prefix and every component."""
    path = _kw(folder)
    parts = [p.strip() for p in re.split(r"[/.]", path) if p.strip()]
    keys = [path, *parts]
    for i in range(1, len(parts)):
        keys.append("/".join(parts[:i]))
    return keys


def _naive_local(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone().replace(tzinfo=None)
    return dt


#: Text fields analysed by :func:`analysed_fields` (the rest go through Whoosh's fields).
_TEXT_FIELDS = (
    "subject",
    "body",
    "att_name",
    "att_text",
    "from_name",
    "to_name",
    "cc_name",
    "category",
    "doc_type",
    "urgency",
)


class Batch:
    """Documents going into one index commit (see :meth:`Index.batch`)."""

    def __init__(self, writer: FastWriter, *, replace: bool) -> None:
        self._writer = writer
        self._replace = replace
        self._ids: set[int] = set()

    def add(self, doc: IndexDoc) -> None:
        """Analyse ``doc`` and add it, replacing an indexed document with the same id."""
        if doc.id in self._ids:
            raise ValueError(f"document {doc.id} added twice to one index batch")
        self._ids.add(doc.id)
        if self._replace:
            self._writer.delete_by_term("id", str(doc.id))
        values, analysed = analysed_fields(doc_fields(doc))
        self._writer.add_analysed(values, analysed)

    @property
    def count(self) -> int:
        """Documents added so far."""
        return len(self._ids)

    @property
    def postings(self) -> int:
        """Postings the writer holds in memory so far."""
        return self._writer.mem_postings


def analysed_fields(fields: dict[str, object]) -> tuple[dict[str, object], dict[str, Analysed]]:
    """Split :func:`doc_fields` output into plain values and pre-analysed text fields.

    Every text is tokenised once; its positional field and its bigram field are both
    fed from that one token list.
    """
    values = dict(fields)
    analysed: dict[str, Analysed] = {}
    for name in _TEXT_FIELDS:
        text = values.pop(name, None)
        if not isinstance(text, str) or not text:
            continue
        toks = analyze(text)
        if not toks:
            continue
        analysed[name] = text_postings(toks)
        bi = BIGRAM_OF.get(name)
        if bi is not None:
            values.pop(bi, None)
            terms = bigram_terms(toks, BIGRAM_CAP[bi])
            if terms:
                analysed[bi] = terms
    for bi in BIGRAM_OF.values():
        values.pop(bi, None)
    return values, analysed


def doc_fields(doc: IndexDoc) -> dict[str, object]:
    """Turn an :class:`IndexDoc` into Whoosh field values."""
    subject = strip_subject_prefixes(doc.subject)
    att_names = "\n".join(a.name for a in doc.attachments)
    att_text = "\n".join(a.text for a in doc.attachments if a.text)
    fields: dict[str, object] = {
        "id": str(doc.id),
        "subject": subject,
        "subject_bi": subject,
        "body": doc.body,
        "body_bi": doc.body,
        "att_name": att_names,
        "att_text": att_text,
        "att_text_bi": att_text,
        "from_name": doc.sender_name,
        "to_name": "\n".join(n for n, _ in doc.to),
        "cc_name": "\n".join(n for n, _ in doc.cc),
        "from_addr": ",".join(address_keys(doc.sender_email)),
        "to_addr": ",".join(k for _, e in doc.to for k in address_keys(e)),
        "cc_addr": ",".join(k for _, e in doc.cc for k in address_keys(e)),
        "refno": ",".join(_kw(key) for key, _ in doc.refs if key),
        "folder": ",".join(k for f in doc.folders for k in folder_keys(f)),
        "account": ",".join(_kw(a) for a in doc.accounts),
        "tag": ",".join(_kw(t) for t in doc.tags),
        "flag": ",".join(_kw(f.lstrip("\\$")) for f in doc.flags),
        "category": doc.category,
        "doc_type": doc.doc_type,
        "urgency": doc.urgency,
        "size": int(doc.size),
        "has_attachment": bool(doc.attachments),
        "secret": bool(doc.secret),
        "unread": bool(doc.unread),
        "flagged": bool(doc.flagged),
    }
    date = _naive_local(doc.date)
    if date is not None:
        fields["date"] = date
    return {k: v for k, v in fields.items() if v != ""}


class Index:
    """A Whoosh index directory holding the archive's search index.

    Use :meth:`open` or :meth:`create`; the constructor takes an opened Whoosh index.
    """

    def __init__(self, ix: whoosh_index.Index, directory: Path) -> None:
        self._ix = ix
        self.directory = directory

    @classmethod
    def create(cls, directory: str | Path) -> Index:
        """Create a new, empty index in ``directory`` (an existing one there is replaced).

        Raises:
            StoreError: The directory cannot be created or written.
        """
        path = Path(directory)
        try:
            path.mkdir(parents=True, exist_ok=True)
            for old in path.iterdir():
                m = _OLD_FILES.match(old.name)
                if m and int(m.group(1)) != SCHEMA_VERSION and old.is_file():
                    old.unlink()
            ix = whoosh_index.create_in(str(path), build_schema(), indexname=INDEX_NAME)
        except OSError as exc:
            raise StoreError(f"Cannot create the search index in {path}: {exc}") from exc
        return cls(ix, path)

    @classmethod
    def open(cls, directory: str | Path) -> Index:
        """Open the index in ``directory``.

        Raises:
            StoreError: No index of this schema version is there (run ``bparchive reindex``).
        """
        path = Path(directory)
        try:
            ix = whoosh_index.open_dir(str(path), indexname=INDEX_NAME)
        except (EmptyIndexError, OSError) as exc:
            raise StoreError(
                f"No usable search index in {path} (schema v{SCHEMA_VERSION}); "
                "run `bparchive reindex` to rebuild it.",
                title="Search index missing",
            ) from exc
        if set(ix.schema.names()) != set(build_schema().names()):
            raise StoreError(
                f"The search index in {path} was built by another version; "
                "run `bparchive reindex` to rebuild it.",
                title="Search index outdated",
            )
        return cls(ix, path)

    @classmethod
    def exists(cls, directory: str | Path) -> bool:
        """Whether ``directory`` holds an index of this schema version."""
        path = Path(directory)
        return path.is_dir() and whoosh_index.exists_in(str(path), indexname=INDEX_NAME)

    @property
    def whoosh(self) -> whoosh_index.Index:
        """The underlying Whoosh index (for the searcher)."""
        return self._ix

    def _write_ix(self) -> whoosh_index.Index:
        """The index opened for writing: segments read with ``read()``, not ``mmap``.

        A writer reads every segment (deletions look ids up, merges copy them); mapped,
        their pages count in the process's resident memory, which then grows with the
        index. Searchers keep ``mmap`` (``whoosh``), which is what makes them fast.
        """
        return FileStorage(str(self.directory), supports_mmap=False).open_index(INDEX_NAME)

    @contextmanager
    def _writer(self, lock_timeout: float) -> Iterator[FastWriter]:
        try:
            writer = FastWriter(
                self._write_ix(), timeout=lock_timeout, delay=0.05, codec=W3Codec()
            )
        except LockError as exc:
            raise StoreError(
                "The search index is being written by another bparchive process; "
                "try again when it has finished.",
                title="Search index busy",
            ) from exc
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        else:
            writer.commit()

    def add_documents(self, docs: Iterable[IndexDoc], *, lock_timeout: float = 30.0) -> int:
        """Add or replace documents (by ``id``) in one commit.

        Args:
            docs: The batch; an empty batch commits nothing.
            lock_timeout: Seconds to wait for another writer to finish.

        Returns:
            The number of documents written.

        Raises:
            StoreError: Another writer held the lock for longer than ``lock_timeout``.
        """
        batch = list(docs)
        if not batch:
            return 0
        # The last record of an id wins (as with one update_document call after another).
        latest = {doc.id: doc for doc in batch}
        with self.batch(lock_timeout=lock_timeout) as b:
            for doc in latest.values():
                b.add(doc)
        log.debug("indexed %d documents", len(batch))
        return len(batch)

    @contextmanager
    def batch(self, *, lock_timeout: float = 30.0) -> Iterator[Batch]:
        """One commit fed a document at a time (memory: the postings, not the documents).

        Each document is analysed when added and dropped; :attr:`Batch.postings` tells the
        caller how much the writer holds so it can end the batch. Ids must be distinct
        within a batch. Nothing is visible to searchers before the block ends; an
        exception cancels the whole batch.
        """
        with self._writer(lock_timeout) as writer:
            # From the segments' headers: ``doc_count_all()`` would open (and map) them all.
            replace = any(seg.doc_count_all() for seg in writer.segments)
            yield Batch(writer, replace=replace)

    def delete(self, ids: Iterable[int], *, lock_timeout: float = 30.0) -> int:
        """Delete documents by id in one commit; unknown ids are ignored.

        Returns:
            The number of ids asked for.
        """
        wanted = [str(i) for i in ids]
        if not wanted:
            return 0
        with self._writer(lock_timeout) as writer:
            for key in wanted:
                writer.delete_by_term("id", key)
        return len(wanted)

    def doc_count(self) -> int:
        """Number of live documents in the last committed state."""
        return int(self._ix.doc_count())

    def ids(self) -> set[int]:
        """Ids of all live documents (for drift checks against the store)."""
        with self._ix.searcher() as s:
            return {int(f["id"]) for f in s.reader().all_stored_fields()}

    def optimize(self, *, lock_timeout: float = 30.0) -> None:
        """Merge all segments into one (faster searches after a large import)."""
        try:
            writer = FastWriter(
                self._write_ix(), timeout=lock_timeout, delay=0.05, codec=W3Codec()
            )
        except LockError as exc:
            raise StoreError(
                "The search index is being written by another bparchive process.",
                title="Search index busy",
            ) from exc
        writer.commit(optimize=True)

    def size_bytes(self) -> int:
        """Total size of the index files on disk."""
        return sum(p.stat().st_size for p in self.directory.iterdir() if p.is_file())

    def close(self) -> None:
        """Release the index (nothing is held open between operations)."""
        self._ix.close()
