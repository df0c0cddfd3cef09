"""The ingest pipeline (see the package docstring)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bparchive.config import Settings
from bparchive.errors import ConfigError
from bparchive.extract import Extraction, ExtractLimits
from bparchive.filing import Filing, UserRule, classify
from bparchive.ingest.workers import (
    FIRST_PAGE_CHARS,
    IngestPool,
    WorkResult,
    headers_only,
    worker_config,
)
from bparchive.mail import MailLimits, ParsedMessage
from bparchive.progress import CancelToken, Progress, ProgressEvent, null_progress
from bparchive.store import Store, utcnow

log = logging.getLogger(__name__)

BATCH_MESSAGES = 100

# ingest_state values in the messages table
NEW, PARSED, FAILED = 0, 1, 2


@dataclass
class IngestReport:
    """What one ingest run did."""

    messages: int = 0
    failed: int = 0
    attachments: int = 0
    attachment_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def user_rules(settings: Settings) -> list[UserRule]:
    """The ``[[rules]]`` of the config as filing rules (validated)."""
    rules = []
    for i, d in enumerate(settings.rules):
        try:
            rules.append(UserRule.from_dict(d))
        except ConfigError as e:
            raise ConfigError(f"rules[{i}]: {e}") from e
    return rules


def limits_from(settings: Settings) -> tuple[MailLimits, ExtractLimits]:
    lim = settings.limits
    mail = MailLimits(max_parts=lim.parts_max, max_depth=lim.nesting_max_depth)
    ext = ExtractLimits(
        max_bytes=lim.attachment_max_mb << 20,
        max_pages=lim.pdf_max_pages,
        max_text_chars=lim.text_max_chars,
        timeout_seconds=lim.seconds_per_attachment,
        memory_mb=lim.memory_mb,
    )
    return mail, ext


def ingest_pending(
    store: Store,
    settings: Settings,
    *,
    progress: Progress = null_progress,
    cancel: CancelToken | None = None,
    ids: Sequence[int] | None = None,
    workers: int | None = None,
) -> IngestReport:
    """Parse, extract and file every message not ingested yet (or ``ids``).

    The work runs in :class:`~bparchive.ingest.workers.IngestPool` processes
    (both cores); this process only writes, one transaction per batch, so a
    kill loses at most the batch in flight and the next run resumes.
    """
    cancel = cancel or CancelToken()
    started = time.monotonic()
    rep = IngestReport()
    if ids is None:
        todo = [r[0] for r in store.execute("SELECT id FROM messages WHERE ingest_state = 0 ORDER BY id")]
    else:
        todo = list(ids)
    if not todo:
        return rep
    mail_limits, ext_limits = limits_from(settings)
    cfg = worker_config(store.path, settings.limits.memory_mb, mail_limits, ext_limits, user_rules(settings))
    pool = IngestPool(cfg, workers=workers or settings.workers or None)
    batch: list[WorkResult] = []
    try:
        for result in pool.run(todo, cancel=cancel):
            if result.parsed is None:
                result.parsed = headers_only(store, result.mid, mail_limits)
                result.failed = True
            batch.append(result)
            if len(batch) >= BATCH_MESSAGES:
                _write(store, settings, batch, rep)
                batch = []
                progress(ProgressEvent(stage="ingest", done=rep.messages, total=len(todo)))
        if batch:
            _write(store, settings, batch, rep)
        progress(ProgressEvent(stage="ingest", done=rep.messages, total=len(todo)))
    finally:
        pool.close()
    cancel.check()
    rep.seconds = time.monotonic() - started
    return rep


def _addr_list(parsed: ParsedMessage) -> list[list[str]]:
    out = []
    for fieldname, addrs in (("to", parsed.to), ("cc", parsed.cc), ("bcc", parsed.bcc)):
        for a in addrs:
            out.append([fieldname, a.name, a.email])
    return out


def _write(store: Store, settings: Settings, batch: list[WorkResult], rep: IngestReport) -> None:
    with store.transaction():
        for item in batch:
            rep.messages += 1
            mid = item.mid
            store.execute("DELETE FROM attachments WHERE message_id = ?", (mid,))
            p = item.parsed
            failed = item.failed
            problems = list(p.problems if p else ()) + item.problems
            if p is None:
                rep.failed += 1
                store.execute(
                    "INSERT INTO parsed (message_id, date, problems) VALUES (?,?,?) "
                    "ON CONFLICT(message_id) DO UPDATE SET problems = excluded.problems",
                    (mid, item.internaldate, json.dumps(problems, ensure_ascii=False)),
                )
                store.execute("UPDATE messages SET ingest_state = ?, index_state = 0 WHERE id = ?", (FAILED, mid))
                continue
            date = p.date.isoformat() if p.date else item.internaldate
            sender = p.from_[0] if p.from_ else None
            filing = item.filing or classify(p.subject, sender=sender.email if sender else "")
            withhold = filing.secret and not settings.index_secret_attachments
            store.execute(
                "INSERT OR REPLACE INTO parsed (message_id, subject, from_name, from_email, recipients, "
                "date, body_text, body_encoding, in_reply_to, refs, problems, data) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    mid, p.subject, sender.name if sender else "", sender.email if sender else "",
                    json.dumps(_addr_list(p), ensure_ascii=False), date, p.body_text,
                    p.body_encoding or "unicode", p.in_reply_to,
                    json.dumps(list(p.references), ensure_ascii=False),
                    json.dumps(problems, ensure_ascii=False),
                    json.dumps(p.to_dict(), ensure_ascii=False, default=str),
                ),
            )
            rows = []
            for part in p.attachments:
                e = item.extractions.get(part.index) or Extraction(status="skipped", reason="not extracted")
                text = e.text
                reason = e.reason
                if withhold and text:
                    text = ""
                    reason = "text withheld: the message carries a secret mark (settings.index_secret_attachments)"
                rep.attachments += 1
                rep.attachment_status[e.status] = rep.attachment_status.get(e.status, 0) + 1
                rows.append((
                    mid, part.index, part.path, part.filename, part.content_type, part.size, e.status,
                    reason, e.kind, e.pages or None, e.encoding, int(e.signed), e.signer or None,
                    e.signing_time or None, text, item.payload_sha.get(part.index),
                ))
            if rows:
                store.conn.executemany(
                    "INSERT INTO attachments (message_id, idx, path, filename, content_type, size, status, "
                    "reason, kind, pages, encoding, signed, signer, signing_time, text, payload_sha256) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    rows,
                )
            _write_filing(store, mid, filing)
            if failed:
                rep.failed += 1
            store.execute(
                "UPDATE messages SET ingest_state = ?, index_state = 0 WHERE id = ?",
                (FAILED if failed else PARSED, mid),
            )


def _write_filing(store: Store, mid: int, f: Filing) -> None:
    refs = [
        {"num": r.num, "year": r.year, "type_code": r.type_code, "type_name": r.type_name,
         "issuer": r.issuer, "unit": r.unit, "key": r.key, "display": r.display, "party": r.party}
        for r in f.refs
    ]
    store.execute(
        "INSERT INTO filing (message_id, doc_type, doc_type_code, category, copy_form, urgency, secret, "
        "secret_level, refs, rule) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(message_id) DO UPDATE SET "
        "doc_type = excluded.doc_type, doc_type_code = excluded.doc_type_code, category = excluded.category, "
        "copy_form = excluded.copy_form, urgency = excluded.urgency, secret = excluded.secret, "
        "secret_level = excluded.secret_level, refs = excluded.refs, rule = excluded.rule",
        (
            mid, f.doc_type or "", f.doc_type_code or "", f.category, f.copy_form or "", f.urgency or "",
            int(f.secret), f.secret_level or "", json.dumps(refs, ensure_ascii=False), f.rule,
        ),
    )
    for tag in getattr(f, "tags", ()) or ():
        store.execute(
            "INSERT OR IGNORE INTO tags (message_id, tag, added) VALUES (?,?,?)", (mid, tag, utcnow())
        )


def refile(store: Store, settings: Settings, ids: Sequence[int] | None = None) -> int:
    """Classify again from the stored text (after a rule change); hand decisions are kept."""
    rules = user_rules(settings)
    sql = (
        "SELECT p.message_id, p.subject, p.body_text, p.from_email FROM parsed p "
        "JOIN messages m ON m.id = p.message_id WHERE m.ingest_state = 1"
    )
    rows = store.query(sql)
    if ids is not None:
        wanted = set(ids)
        rows = [r for r in rows if r["message_id"] in wanted]
    n = 0
    with store.transaction():
        for r in rows:
            atts = store.query(
                "SELECT filename, text FROM attachments WHERE message_id = ? ORDER BY idx", (r["message_id"],)
            )
            f = classify(
                r["subject"], r["body_text"], [a["filename"] for a in atts if a["filename"]],
                [a["text"][:FIRST_PAGE_CHARS] for a in atts if a["text"]],
                sender=r["from_email"], rules=rules, repaired=True,
            )
            _write_filing(store, r["message_id"], f)
            store.execute("UPDATE messages SET index_state = 0 WHERE id = ?", (r["message_id"],))
            n += 1
    return n
