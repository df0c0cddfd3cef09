"""Search and show: what ``bparchive search``/``show`` and the TUI's panes call.

A :class:`SearchService` holds a read-only store connection and a Whoosh
searcher; searches never wait on a writer (the searcher refreshes to the
last committed index, SQLite readers see the last committed transaction).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from bparchive.errors import NotFoundError, StoreError
from bparchive.store import Store


@dataclass
class ResultRow:
    """One search result with what a list shows (the JSON shape of ``search --json``)."""

    id: int
    message_id: str
    account: str
    folders: list[str]
    date: str | None
    from_: str
    from_name: str
    to: list[str]
    subject: str
    category: str
    doc_type: str
    refs: list[str]
    secret: bool
    urgency: str
    attachments: list[dict[str, Any]]
    snippet: str
    snippet_source: str
    score: float
    unread: bool = False
    flagged: bool = False
    tags: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["from"] = d.pop("from_")
        return d


@dataclass
class SearchPage:
    rows: list[ResultRow]
    total: int
    converted_query: str
    elapsed_ms: float


def row_meta(store: Store, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per message id: header fields, filing, folders and attachments for lists."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    out: dict[int, dict[str, Any]] = {}
    for r in store.query(
        f"SELECT m.id, m.msgid, p.subject, p.from_name, p.from_email, p.recipients, p.date, "
        f"f.category, f.manual_category, f.doc_type, f.refs, f.secret, f.urgency "
        f"FROM messages m LEFT JOIN parsed p ON p.message_id = m.id "
        f"LEFT JOIN filing f ON f.message_id = m.id WHERE m.id IN ({marks})", ids,
    ):
        out[r["id"]] = {**r, "folders": [], "accounts": [], "attachments": [], "flags": set(), "tags": []}
    for r in store.query(
        f"SELECT l.message_id, f.account, f.name, l.flags, l.gone_at FROM locations l "
        f"JOIN folders f ON f.id = l.folder_id WHERE l.message_id IN ({marks})", ids,
    ):
        m = out.get(r["message_id"])
        if m is None:
            continue
        if r["name"] not in m["folders"]:
            m["folders"].append(r["name"])
        if r["account"] not in m["accounts"]:
            m["accounts"].append(r["account"])
        if not r["gone_at"]:
            m["flags"].update((r["flags"] or "").split())
    for r in store.query(
        f"SELECT message_id, filename, status, size, kind FROM attachments WHERE message_id IN ({marks}) "
        f"ORDER BY message_id, idx", ids,
    ):
        if r["message_id"] in out:
            out[r["message_id"]]["attachments"].append(r)
    for r in store.query(f"SELECT message_id, tag FROM tags WHERE message_id IN ({marks}) ORDER BY tag", ids):
        if r["message_id"] in out:
            out[r["message_id"]]["tags"].append(r["tag"])
    return out


class SearchService:
    """Searches one archive home (read-only)."""

    def __init__(self, archive: Any) -> None:
        self.archive = archive
        if not archive.paths.db_file.exists():
            raise StoreError("The archive is empty: add an account and sync, import mail, or try `bparchive demo`.")
        self.store = archive.reader()
        self.index: Any = None
        self.searcher: Any = None
        self._open_index()

    def _open_index(self) -> bool:
        """Open the index if it exists yet (a reader never creates it: the first
        sync or import does, and a search meanwhile finds nothing instead of racing it)."""
        if self.searcher is not None:
            return True
        from bparchive.index.from_store import texts_for, texts_for_many
        from bparchive.index.indexer import Index
        from bparchive.index.search import Searcher

        idx_dir = self.archive.paths.index_dir
        if not Index.exists(idx_dir):
            return False
        try:
            self.index = Index.open(idx_dir)
        except StoreError:
            if Index.exists(idx_dir):
                raise  # there, but of another version: say so
            return False  # still being created by a writer
        self.searcher = Searcher(
            self.index, texts_for=texts_for(self.store), texts_for_many=texts_for_many(self.store)
        )
        return True

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.index.close()
        self.store.close()

    def search(
        self,
        query: str,
        *,
        limit: int = 50,
        sort: Literal["relevance", "date"] = "relevance",
        snippets: bool = True,
    ) -> SearchPage:
        """Run ``query``; raises QueryError with a position when it is malformed.

        Args:
            query: The query as typed.
            limit: Rows wanted.
            sort: ``relevance`` or ``date``.
            snippets: Fill ``snippet``/``snippet_source`` and the attachments' ``matched``
                (one more store round trip for the page). Without them (the TUI, per
                keystroke) rows have an empty snippet and ``matched`` is only set when the
                attachment fields matched and the message has a single attachment;
                :meth:`snippet` gives the rest for the row shown.
        """
        if not self._open_index():
            from bparchive.index.query import parse

            parse(query)  # a malformed query is still an error
            indexed = self.store.execute("SELECT 1 FROM messages WHERE index_state = 1 LIMIT 1").fetchone()
            if indexed:  # messages were indexed, so the index was deleted or is from an older version
                raise StoreError(
                    "The search index is missing or was made by an older bparchive; "
                    "rebuild it from the archive with `bparchive reindex` (no network needed).",
                    title="Search index missing",
                )
            return SearchPage([], 0, query, 0.0)  # the first sync or import is still building it
        res = self.searcher.search(query, limit=limit, sort=sort, snippets=snippets)
        meta = row_meta(self.store, [h.id for h in res.hits])
        rows = []
        for h in res.hits:
            m = meta.get(h.id)
            if m is None:
                continue
            refs = [r["display"] for r in json.loads(m["refs"] or "[]")]
            recips = json.loads(m["recipients"] or "[]")
            matched = set(h.matched_attachments)
            if not snippets and len(m["attachments"]) == 1 and any(
                f.startswith("attachment_") for f in h.matched_fields
            ):
                matched = {m["attachments"][0]["filename"]}
            rows.append(ResultRow(
                id=h.id, message_id=m["msgid"] or "",
                account=", ".join(m["accounts"]), folders=m["folders"], date=m["date"],
                from_=m["from_email"] or "", from_name=m["from_name"] or "",
                to=[e for fld, _n, e in recips if fld == "to"],
                subject=m["subject"] or "", category=m["manual_category"] or m["category"] or "",
                doc_type=m["doc_type"] or "", refs=refs, secret=bool(m["secret"]), urgency=m["urgency"] or "",
                attachments=[{"filename": a["filename"], "matched": a["filename"] in matched,
                              "status": a["status"]} for a in m["attachments"]],
                snippet=h.snippet, snippet_source=h.snippet_source, score=round(h.score, 6),
                unread="\\Seen" not in m["flags"], flagged="\\Flagged" in m["flags"], tags=m["tags"],
            ))
        return SearchPage(rows, res.total, res.converted_query, res.elapsed_ms)

    def snippet(self, query: str, mid: int) -> tuple[str, str]:
        """The snippet of message ``mid`` for ``query`` and where it comes from.

        What ``search(..., snippets=True)`` puts in ``ResultRow.snippet`` and
        ``snippet_source``, for one row (the TUI asks for the selected row only).

        Raises:
            QueryError: The query is malformed.
        """
        if not self._open_index():
            return "", ""
        hit = self.searcher.snippet(query, mid)
        return hit.snippet, hit.snippet_source

    def matched_attachments(self, query: str, mid: int) -> list[str]:
        """File names of the attachments of message ``mid`` that ``query`` matched."""
        if not self._open_index():
            return []
        return self.searcher.snippet(query, mid).matched_attachments


def show(store: Store, mid: int) -> dict[str, Any]:
    """Everything about one message: headers, body, attachments, filing, locations."""
    msg = store.message(mid)
    p = store.query("SELECT * FROM parsed WHERE message_id = ?", (mid,))
    f = store.query("SELECT * FROM filing WHERE message_id = ?", (mid,))
    atts = store.query(
        "SELECT idx, path, filename, content_type, size, status, reason, kind, pages, encoding, signed, "
        "signer, signing_time, text FROM attachments WHERE message_id = ? ORDER BY idx", (mid,))
    locs = store.query(
        "SELECT f.account, f.name AS folder, l.uidvalidity, l.uid, l.flags, l.internaldate, l.first_seen, "
        "l.gone_at FROM locations l JOIN folders f ON f.id = l.folder_id WHERE l.message_id = ? "
        "ORDER BY f.account, f.name", (mid,))
    tags = [r["tag"] for r in store.query("SELECT tag FROM tags WHERE message_id = ? ORDER BY tag", (mid,))]
    parsed = p[0] if p else {}
    data = json.loads(parsed.get("data") or "{}")
    filing = f[0] if f else {}
    return {
        "id": mid,
        "sha256": msg["sha256"],
        "size": msg["size"],
        "first_seen": msg["first_seen"],
        "ingest": {0: "pending", 1: "ok", 2: "failed"}.get(msg["ingest_state"], "?"),
        "message_id": msg["msgid"] or "",
        "subject": parsed.get("subject", ""),
        "from": data.get("from", []),
        "to": data.get("to", []),
        "cc": data.get("cc", []),
        "date": parsed.get("date"),
        "in_reply_to": parsed.get("in_reply_to"),
        "body_encoding": parsed.get("body_encoding", "unicode"),
        "body": parsed.get("body_text", ""),
        "problems": json.loads(parsed.get("problems") or "[]"),
        "attachments": [{**a, "signed": bool(a["signed"])} for a in atts],
        "filing": {
            "doc_type": filing.get("doc_type", ""),
            "category": filing.get("manual_category") or filing.get("category", ""),
            "auto_category": filing.get("category", ""),
            "copy_form": filing.get("copy_form", ""),
            "urgency": filing.get("urgency", ""),
            "secret": bool(filing.get("secret", 0)),
            "secret_level": filing.get("secret_level", ""),
            "refs": json.loads(filing.get("refs") or "[]"),
            "rule": ("manual" if filing.get("manual_category") else filing.get("rule", "")),
        },
        "tags": tags,
        "locations": locs,
    }


def get_message_or_fail(store: Store, mid: int) -> None:
    if store.execute("SELECT 1 FROM messages WHERE id = ?", (mid,)).fetchone() is None:
        raise NotFoundError(f"No message with id {mid}. Ids come from `bparchive search` and `bparchive import`.")


def attachment_payload(archive: Any, mid: int, idx: int) -> tuple[str, str, bytes]:
    """The decoded bytes of attachment ``idx`` of message ``mid``: ``(filename, type, bytes)``.

    Raises:
        NotFoundError: No such message or attachment, or its payload was not kept
            (a size or part limit stopped it; the raw message is still whole).
    """
    from bparchive.mail import parse_message

    store = archive.reader()
    try:
        get_message_or_fail(store, mid)
        raw = store.raw(mid)
    finally:
        store.close()
    for part in parse_message(raw).attachments:
        if part.index == idx:
            if part.truncated:
                raise NotFoundError(
                    f"Attachment {idx} of message {mid} was not kept by the reader (a size or part "
                    "limit); `bparchive show ID --raw` still has the whole message."
                )
            return part.filename, part.content_type, part.payload
    raise NotFoundError(f"Message {mid} has no attachment {idx}.")


def highlight_spans(query: str, text: str) -> list[tuple[int, int]]:
    """Character ranges of ``text`` that the search ``query`` matched (its words, any source).

    Args:
        query: A query in the search language (blank → no spans).
        text: The text to mark (e.g. an attachment's extracted text).

    Returns:
        Sorted ``(start, end)`` offsets; empty when the query is blank or malformed.
    """
    if not query.strip() or not text:
        return []
    from bparchive.errors import QueryError
    from bparchive.index.analysis import iter_tokens
    from bparchive.index.query import Highlight, compile_query, parse

    try:
        compiled = compile_query(parse(query))
    except QueryError:
        return []
    merged = Highlight()
    for hl in compiled.highlight.values():
        merged.fold |= hl.fold
        merged.exact |= hl.exact
        merged.bare |= hl.bare
    return [(s, e) for s, e, forms in iter_tokens(text) if merged.matches(forms)]


