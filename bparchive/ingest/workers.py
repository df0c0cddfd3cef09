"""Ingest worker processes: each reads, parses, extracts and files whole messages.

Called by :mod:`bparchive.ingest.pipeline`. A worker opens the archive
read-only and receives only message ids, so no message crosses a pipe and the
parent stays small whatever the message size; it runs under an address-space
limit, and each attachment under a time limit (SIGALRM). The parent kills a
worker that overruns its message's deadline and starts a new one: the message
is then recorded as failed with the reason, never lost (its raw bytes stay).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import mmap
import os
import signal
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from bparchive.extract import Extraction, ExtractLimits, detect_kind, extract
from bparchive.extract.limits import WorkerProcess, set_memory_limit
from bparchive.filing import Filing, UserRule, classify
from bparchive.ingest.large import LARGE, walk
from bparchive.mail import MailLimits, ParsedMessage, parse_message

log = logging.getLogger(__name__)

FIRST_PAGE_CHARS = 4000
INLINE_IMAGE_SKIP = 64 * 1024  # logos and signatures: not worth OCR
MAX_TASKS_PER_WORKER = 500


@dataclass
class WorkResult:
    """What a worker learnt about one message (payloads stripped)."""

    mid: int
    parsed: ParsedMessage | None
    extractions: dict[int, Extraction] = field(default_factory=dict)
    filing: Filing | None = None
    problems: list[str] = field(default_factory=list)
    internaldate: str | None = None
    failed: bool = False  # only the headers could be read
    payload_sha: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WorkerConfig:
    db_path: str
    memory_mb: int
    mail_limits: MailLimits
    ext_limits: ExtractLimits
    rules: tuple[UserRule, ...]

    @property
    def deadline(self) -> float:
        """Seconds a whole message may take before its worker is killed."""
        return 120.0 + 5 * self.ext_limits.timeout_seconds


def skip_reason(part: Any) -> str | None:
    """Why an attachment is not worth extracting (None: extract it)."""
    if part.truncated:
        return "not kept: a message size or part limit was reached"
    ctype = (part.content_type or "").lower()
    if ctype.startswith("image/") and (part.content_id or part.disposition == "inline") and part.size < INLINE_IMAGE_SKIP:
        return "inline image (logo or signature)"
    if ctype in ("application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature"):
        return "signature block"
    return None


class _AttachmentTimeout(Exception):
    pass


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def fire(signum: int, frame: Any) -> None:
        raise _AttachmentTimeout

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# Statuses that another copy of the same bytes would get again.
REUSABLE = ("ok", "empty", "needs_ocr", "encrypted", "too_large", "unsupported")
_memo: dict[str, Extraction] = {}


def known_extraction(store: Any, sha: str) -> Extraction | None:
    """The extraction of an identical attachment already read (this worker or the archive)."""
    if sha in _memo:
        return _memo[sha]
    row = store.execute(
        "SELECT text, status, reason, pages, encoding, signed, signer, signing_time, kind "
        "FROM attachments WHERE payload_sha256 = ? AND status IN (?,?,?,?,?,?) "
        "AND reason NOT LIKE 'text withheld%' LIMIT 1",
        (sha, *REUSABLE),
    ).fetchone()
    if row is None:
        return None
    text, status, reason, pages, encoding, signed, signer, signing_time, kind = row
    return Extraction(text=text, status=status, reason=reason, pages=pages or 0, encoding=encoding,
                      signed=bool(signed), signer=signer or "", signing_time=signing_time or "", kind=kind)


def process(store: Any, mid: int, cfg: WorkerConfig) -> WorkResult:
    """Parse, extract and file one message (runs in a worker)."""
    row = store.execute(
        "SELECT MIN(internaldate) FROM locations WHERE message_id = ? AND internaldate IS NOT NULL", (mid,)
    ).fetchone()
    internaldate = row[0] if row else None
    size = store.execute("SELECT size FROM messages WHERE id = ?", (mid,)).fetchone()[0]
    if size > LARGE:
        with tempfile.TemporaryDirectory(dir=Path(cfg.db_path).parent, prefix=".ingest-") as tmp:
            return _process_large(store, mid, cfg, internaldate, Path(tmp))
    try:
        raw = store.raw(mid)
    except Exception as e:  # an unreadable blob: doctor reports it; keep going
        return WorkResult(mid, None, problems=[f"stored bytes unreadable: {type(e).__name__}: {e}"],
                          internaldate=internaldate)
    parsed = parse_message(raw, limits=cfg.mail_limits)
    del raw
    return _finish(store, mid, cfg, parsed, internaldate, {}, [])


def _process_large(store: Any, mid: int, cfg: WorkerConfig, internaldate: str | None, tmp: Path) -> WorkResult:
    """A message over LARGE bytes: walked from the store, big parts spilled to files."""
    try:
        w = walk(store.iter_raw(mid), tmp)
    except Exception as e:  # an unreadable blob: doctor reports it; keep going
        return WorkResult(mid, None, problems=[f"stored bytes unreadable: {type(e).__name__}: {e}"],
                          internaldate=internaldate)
    parsed = parse_message(w.skeleton, limits=cfg.mail_limits)
    return _finish(store, mid, cfg, parsed, internaldate, w.spilled, w.problems)


@contextlib.contextmanager
def _spilled_payload(path: Path, filename: str, content_type: str) -> Iterator[Any]:
    """A spilled part's bytes: a read-only map for a PDF, read whole otherwise.

    pypdf reads a PDF through seek and read, touching only the cross-reference
    table and the objects of the pages it extracts: a 50 MB scan embedded in a PDF
    stays on disk instead of in the worker's memory. Other formats need bytes.
    """
    with path.open("rb") as f:
        head = f.read(1024)
        if path.stat().st_size == 0 or detect_kind(head, filename, content_type) != "pdf":
            yield head + f.read()
            return
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped


def _extract_one(payload: Any, part: Any, cfg: WorkerConfig) -> Extraction:
    try:
        with _alarm(cfg.ext_limits.timeout_seconds):
            return extract(payload, part.filename, part.content_type, cfg.ext_limits)
    except _AttachmentTimeout:
        return Extraction(status="timeout", reason=f"extraction took longer than {cfg.ext_limits.timeout_seconds:g} s")
    except MemoryError:
        return Extraction(status="failed", reason=f"out of memory (limit {cfg.memory_mb} MB)")


def _finish(store: Any, mid: int, cfg: WorkerConfig, parsed: ParsedMessage, internaldate: str | None,
            spilled: dict[str, Any], problems: list[str]) -> WorkResult:
    extractions: dict[int, Extraction] = {}
    shas: dict[int, str] = {}
    sizes: dict[int, int] = {}
    budget = 4 * cfg.ext_limits.timeout_seconds
    started = time.monotonic()
    for part in parsed.attachments:
        if part.path in spilled:
            part = dataclasses.replace(part, size=spilled[part.path].size)
        why = skip_reason(part)
        if why is None and time.monotonic() - started > budget:
            why = "skipped: this message's extraction time budget was used up"
        if why:
            extractions[part.index] = Extraction(status="skipped", reason=why)
            continue
        payload: Any = part.payload
        with contextlib.ExitStack() as stack:
            if part.path in spilled:
                big = spilled[part.path]
                sizes[part.index] = big.size
                if big.size > cfg.ext_limits.max_bytes:
                    extractions[part.index] = Extraction(
                        status="too_large",
                        reason=f"{big.size} bytes is over the {cfg.ext_limits.max_bytes}-byte limit",
                    )
                    continue
                sha = shas[part.index] = big.sha256
                payload = stack.enter_context(_spilled_payload(big.file, part.filename, part.content_type))
            else:
                sha = shas[part.index] = hashlib.sha256(payload).hexdigest()
            known = known_extraction(store, sha)
            if known is not None:
                extractions[part.index] = known
                continue
            extractions[part.index] = _extract_one(payload, part, cfg)
        if extractions[part.index].status in REUSABLE:
            if len(_memo) > 2000:
                _memo.clear()
            _memo[sha] = extractions[part.index]
    sender = parsed.from_[0].email if parsed.from_ else ""
    filing = classify(
        parsed.subject, parsed.body_text, [a.filename for a in parsed.attachments if a.filename],
        [e.text[:FIRST_PAGE_CHARS] for e in extractions.values() if e.text],
        sender=sender, rules=cfg.rules, repaired=True,
    )
    stripped = dataclasses.replace(
        parsed,
        attachments=tuple(
            dataclasses.replace(a, payload=b"", size=sizes.get(a.index, a.size)) for a in parsed.attachments
        ),
        problems=(*parsed.problems, *problems),
    )
    return WorkResult(mid, stripped, extractions, filing, internaldate=internaldate, payload_sha=shas)


def _worker_main(conn: Connection, cfg: WorkerConfig) -> None:
    set_memory_limit(cfg.memory_mb)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from bparchive.store import Store

    store = Store(cfg.db_path, readonly=True)
    while True:
        try:
            mid = conn.recv()
        except (EOFError, OSError):
            return
        if mid is None:
            return
        try:
            result = process(store, mid, cfg)
        except MemoryError:
            result = WorkResult(mid, None, problems=[f"out of memory while reading (limit {cfg.memory_mb} MB)"])
        except Exception as e:  # a parser or extractor bug must not stop the run
            log.exception("ingest of message %s failed", mid)
            result = WorkResult(mid, None, problems=[f"{type(e).__name__}: {e}"[:500]])
        try:
            conn.send(result)
        except (OSError, ValueError):
            return


class _Worker(WorkerProcess):
    def __init__(self, cfg: WorkerConfig) -> None:
        super().__init__(_worker_main, cfg)
        self.mid: int | None = None
        self.since = 0.0

    def send(self, mid: int) -> None:
        self.mid = mid
        self.since = time.monotonic()
        self.tasks += 1
        self.conn.send(mid)


class IngestPool:
    """A few ingest workers kept busy with message ids."""

    def __init__(self, cfg: WorkerConfig, workers: int | None = None) -> None:
        self.cfg = cfg
        self.size = max(1, workers or min(os.cpu_count() or 1, 4))
        self._workers: list[_Worker] = []

    def run(self, mids: Iterable[int], *, cancel: Any = None) -> Iterator[WorkResult]:
        """Process ``mids``; yield results in completion order (every id exactly once)."""
        todo = iter(mids)
        busy: dict[Connection, _Worker] = {}
        idle: list[_Worker] = []
        exhausted = False

        def feed(w: _Worker) -> bool:
            nonlocal exhausted
            if exhausted or (cancel is not None and cancel.cancelled):
                idle.append(w)
                return False
            try:
                mid = next(todo)
            except StopIteration:
                exhausted = True
                idle.append(w)
                return False
            w.send(mid)
            busy[w.conn] = w
            return True

        pending = list(todo)
        todo = iter(pending)
        for _ in range(min(self.size, len(pending))):
            w = _Worker(self.cfg)
            self._workers.append(w)
            feed(w)
        try:
            while busy:
                ready = wait(list(busy), timeout=1.0)
                now = time.monotonic()
                for conn in ready:
                    w = busy.pop(conn)  # type: ignore[arg-type]
                    mid = w.mid
                    try:
                        result: WorkResult = conn.recv()  # type: ignore[union-attr]
                    except (EOFError, OSError):
                        code = w.process.exitcode
                        w.kill()
                        self._workers.remove(w)
                        yield WorkResult(mid or 0, None, problems=[
                            f"the ingest worker died (exit code {code}); memory limit {self.cfg.memory_mb} MB"])
                        w = self._replace()
                        feed(w)
                        continue
                    yield result
                    if w.tasks >= MAX_TASKS_PER_WORKER:
                        w.stop()
                        self._workers.remove(w)
                        w = self._replace()
                    feed(w)
                for conn, w in list(busy.items()):
                    if now - w.since > self.cfg.deadline:
                        busy.pop(conn)
                        mid = w.mid
                        w.kill()
                        self._workers.remove(w)
                        yield WorkResult(mid or 0, None, problems=[
                            f"reading this message took longer than {self.cfg.deadline:g} s; the worker was stopped"])
                        feed(self._replace())
        finally:
            self.close()

    def _replace(self) -> _Worker:
        w = _Worker(self.cfg)
        self._workers.append(w)
        return w

    def close(self) -> None:
        for w in self._workers:
            w.stop()
        self._workers.clear()


def headers_only(store: Any, mid: int, limits: MailLimits) -> ParsedMessage | None:
    """The header block of a message, parsed (fallback when its full reading failed)."""
    head = b""
    for piece in store.iter_raw(mid):
        head += piece
        if b"\r\n\r\n" in head or b"\n\n" in head or len(head) > 1 << 20:
            break
    end = head.find(b"\r\n\r\n")
    end = head.find(b"\n\n") if end < 0 else end
    block = head[: end if end >= 0 else 1 << 20] + b"\r\n\r\n"
    try:
        return parse_message(block, limits=limits)
    except Exception:  # parse_message promises not to raise
        return None


def worker_config(db_path: Path, memory_mb: int, mail: MailLimits, ext: ExtractLimits,
                  rules: Sequence[UserRule]) -> WorkerConfig:
    return WorkerConfig(str(db_path), memory_mb, mail, ext, tuple(rules))
