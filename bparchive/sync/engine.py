"""Mirror an IMAP account into the store, read-only toward the server.

Called by ``services.sync`` (CLI, TUI, ``--watch``). The server is only ever
EXAMINEd and read with BODY.PEEK[]: nothing on it is changed. Each batch of
messages commits together with its locations, so a kill at any instant
resumes with no duplicate and no gap: the resume point is derived from what
was committed (the highest archived UID under the folder's UIDVALIDITY).
"""

from __future__ import annotations

import fnmatch
import logging
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bparchive.config import Account
from bparchive.errors import (
    AuthError,
    Cancelled,
    CertificateError,
    ConnectError,
    PasswordError,
    SyncError,
)
from bparchive.progress import CancelToken, Progress, ProgressEvent, null_progress
from bparchive.store import FolderState, Store, utcnow
from bparchive.sync import connection, fetchparse

log = logging.getLogger(__name__)

# Folders that are views of other folders: syncing them would fetch every
# message twice (Gmail's All Mail, Starred, Important). Skipped unless an
# include glob names them exactly.
VIRTUAL_SPECIAL_USE = {b"\\All", b"\\Flagged", b"\\Important"}
SPECIAL_USE = (b"\\All", b"\\Archive", b"\\Drafts", b"\\Flagged", b"\\Junk", b"\\Sent", b"\\Trash", b"\\Important")
_MSGID = re.compile(rb"^message-id:\s*(.*?)\s*$", re.I | re.M | re.S)


@dataclass
class FolderReport:
    """What happened to one folder in one run."""

    name: str
    fetched: int = 0
    bytes: int = 0
    flag_changes: int = 0
    gone: int = 0
    remapped: int = 0
    skipped: bool = False
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class AccountReport:
    """What happened to one account in one run."""

    account: str
    folders: list[FolderReport] = field(default_factory=list)
    fatal: str | None = None
    fatal_kind: str | None = None  # "auth", "certificate", "connect", "password", "config"
    seconds: float = 0.0

    @property
    def failed_folders(self) -> list[FolderReport]:
        return [f for f in self.folders if f.error]

    @property
    def exit_code(self) -> int:
        """0 all went well, 1 some folders failed, 2 nothing could be done."""
        if self.fatal:
            return 2
        return 1 if self.failed_folders else 0

    @property
    def fetched(self) -> int:
        return sum(f.fetched for f in self.folders)


def _log_report(report: AccountReport, status: str) -> None:
    """One line per run in the log (the IT officer's record), one per failed folder."""
    level = logging.INFO if status == "ok" else logging.WARNING
    log.log(
        level, "sync of %s %s in %.1f s: %d messages fetched, %d folders, %d failed%s",
        report.account, status, report.seconds, report.fetched, len(report.folders),
        len(report.failed_folders), f": {report.fatal}" if report.fatal else "",
    )
    for f in report.failed_folders:
        log.warning("sync of %s/%s failed: %s", report.account, f.name, f.error)


def uid_set(uids: Sequence[int]) -> str:
    """Compress sorted UIDs into an IMAP sequence set (``1:5,7,9:12``).

    A list of 10,000 single UIDs would pass Dovecot's 64 KiB command limit.
    """
    out: list[str] = []
    it = iter(sorted(set(uids)))
    try:
        start = prev = next(it)
    except StopIteration:
        return ""
    for u in it:
        if u == prev + 1:
            prev = u
            continue
        out.append(f"{start}:{prev}" if prev != start else str(start))
        start = prev = u
    out.append(f"{start}:{prev}" if prev != start else str(start))
    return ",".join(out)


def fetch(client: Any, msgset: str | Sequence[int], items: Sequence[str], modifiers: Sequence[str] | None = None) -> dict[int, dict[bytes, Any]]:
    """UID FETCH with a sequence set such as ``"1:*"`` or ``"5:9,12"``.

    ``IMAPClient.fetch`` turns every id back into an int to drop unsolicited
    responses, which fails on ranges; this does the same command and keeps
    every response (callers filter by UID themselves).
    """
    from imapclient.imapclient import seq_to_parenstr_upper
    from imapclient.response_parser import parse_fetch_response

    if not isinstance(msgset, str):
        msgset = uid_set(msgset)
    if not msgset:
        return {}
    imap = client._imap
    args = ["FETCH", msgset.encode("ascii"), seq_to_parenstr_upper(items)]
    if modifiers:
        args.append(seq_to_parenstr_upper(modifiers))
    if client.use_uid:
        args.insert(0, "UID")
    tag = imap._command(*args)
    typ, data = imap._command_complete("FETCH", tag)
    client._checkok("fetch", typ, data)
    typ, data = imap._untagged_response(typ, data, "FETCH")
    if client.use_uid:
        fast = fetchparse.parse(data, client.normalise_times)
        if fast is not None:
            return fast
    return dict(parse_fetch_response(data, client.normalise_times, client.use_uid))


def _flags_text(flags: Iterable[Any]) -> str:
    items = sorted(f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in flags)
    return " ".join(i for i in items if i != "\\Recent")


def _iso(dt: Any) -> str | None:
    if not isinstance(dt, datetime):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.isoformat(timespec="seconds")


def _msgid_from_header(data: bytes) -> str | None:
    m = _MSGID.search(data.replace(b"\r\n ", b" ").replace(b"\r\n\t", b" "))
    if not m:
        return None
    return m.group(1).decode("utf-8", "replace").strip() or None


def folder_selected(acc: Account, name: str, flags: Sequence[bytes]) -> bool:
    """Apply the account's include/exclude globs and the special-use rules."""
    if any(fnmatch.fnmatchcase(name, g) for g in acc.exclude):
        return False
    explicit = any(g == name for g in acc.include)
    if not explicit and any(f in VIRTUAL_SPECIAL_USE for f in flags):
        return False
    return explicit or any(fnmatch.fnmatchcase(name, g) for g in acc.include)


class AccountSync:
    """One sync run of one account."""

    def __init__(
        self,
        store: Store,
        account: Account,
        password: str | Callable[[], str],
        *,
        progress: Progress = null_progress,
        cancel: CancelToken | None = None,
        batch_messages: int = 400,
        batch_bytes: int = 24 << 20,
        big_message: int = 8 << 20,
        chunk: int = 4 << 20,
        backoff: Sequence[float] = (1.0, 2.0, 4.0),
        folders: Sequence[str] | None = None,
    ) -> None:
        self.store = store
        self.acc = account
        self._password = password
        self.progress = progress
        self.cancel = cancel or CancelToken()
        self.batch_messages = batch_messages
        self.batch_bytes = batch_bytes
        self.big_message = big_message
        self.chunk = chunk
        self.backoff = tuple(backoff)
        self.only_folders = set(folders) if folders else None
        self.client: Any = None
        self.condstore = False
        # Storing a batch (hash, compress, SQLite) runs in a thread while the
        # next batch is fetched: both release the GIL for most of their work.
        self._writer: ThreadPoolExecutor | None = None
        self._pending: Future[int] | None = None

    # -- connection -------------------------------------------------------

    def _password_text(self) -> str:
        return self._password() if callable(self._password) else self._password

    def _connect(self) -> None:
        self._close()
        self.client = connection.connect(self.acc, self._password_text())
        caps = connection.call(self.acc, self.client.capabilities, "reading capabilities")
        self.condstore = b"CONDSTORE" in caps or b"QRESYNC" in caps
        if self.condstore:
            try:
                self.client.enable("CONDSTORE")
            except Exception as e:  # some servers reject ENABLE for CONDSTORE; harmless
                log.debug("ENABLE CONDSTORE refused: %r", e)

    def _close(self) -> None:
        if self.client is not None:
            connection.logout(self.client)
            self.client = None

    def _reconnect_with_backoff(self) -> None:
        last: SyncError | None = None
        for delay in self.backoff:
            if self.cancel.wait(delay):
                raise Cancelled("Sync cancelled.")
            try:
                self._connect()
                return
            except (AuthError, CertificateError):
                raise
            except SyncError as e:
                last = e
                log.info("reconnect to %s failed: %s", self.acc.host, e)
        raise last or ConnectError(f"Account {self.acc.name}: cannot reconnect.")

    def _call(self, fn: Callable[[], Any], during: str) -> Any:
        return connection.call(self.acc, fn, during)

    # -- the run ----------------------------------------------------------

    def run(self, trigger: str = "manual") -> AccountReport:
        started = time.monotonic()
        report = AccountReport(self.acc.name)
        with self.store.transaction():
            self.store.ensure_account(self.acc.name, self.acc.kind)
            run_id = self.store.start_run(self.acc.name, trigger)
        try:
            self._run(report)
        except Cancelled:
            report.fatal = "Cancelled."
            report.fatal_kind = "cancelled"
        except PasswordError as e:
            report.fatal, report.fatal_kind = str(e), "password"
        except AuthError as e:
            report.fatal, report.fatal_kind = str(e), "auth"
        except CertificateError as e:
            report.fatal, report.fatal_kind = str(e), "certificate"
        except SyncError as e:
            report.fatal, report.fatal_kind = str(e), "connect"
        finally:
            try:
                self._drain()
            finally:
                if self._writer is not None:
                    self._writer.shutdown(wait=True)
                    self._writer = None
                self._close()
            report.seconds = time.monotonic() - started
            errors = [f"{f.name}: {f.error}" for f in report.failed_folders]
            if report.fatal:
                errors.insert(0, report.fatal)
            status = "failed" if report.fatal else ("partial" if report.failed_folders else "ok")
            with self.store.transaction():
                self.store.finish_run(
                    run_id,
                    status=status,
                    errors=errors,
                    fetched=report.fetched,
                    bytes=sum(f.bytes for f in report.folders),
                    flag_changes=sum(f.flag_changes for f in report.folders),
                    gone=sum(f.gone for f in report.folders),
                    folders_ok=len(report.folders) - len(report.failed_folders),
                    folders_failed=len(report.failed_folders),
                )
            _log_report(report, status)
        return report

    def _run(self, report: AccountReport) -> None:
        try:
            self._connect()
        except ConnectError as first:
            log.info("first connection failed: %s", first)
            try:
                self._reconnect_with_backoff()
            except ConnectError:
                raise first from None
        listing = self._call(self.client.list_folders, "listing folders")
        server: dict[str, tuple[Sequence[bytes], str | None]] = {}
        for flags, delim, name in listing:
            if isinstance(name, bytes):
                name = name.decode("utf-8", "replace")
            d = delim.decode() if isinstance(delim, bytes) else delim
            server[name] = (tuple(flags), d)

        # Folders gone from the server: their messages stay, marked gone.
        for f in self.store.folders(self.acc.name):
            if f.name not in server and f.on_server and self.only_folders is None:
                with self.store.transaction():
                    n = self.store.mark_gone(f.id, None, None)
                    self.store.update_folder(f.id, on_server=0, last_sync=utcnow(), server_count=0)
                report.folders.append(FolderReport(f.name, gone=n, warnings=["folder no longer on the server"]))

        names = [
            n for n, (flags, _d) in server.items()
            if b"\\Noselect" not in flags and b"\\NonExistent" not in flags
            and folder_selected(self.acc, n, flags)
            and (self.only_folders is None or n in self.only_folders)
        ]
        names.sort(key=lambda n: (n != "INBOX", n))
        for i, name in enumerate(names):
            self.cancel.check()
            flags, delim = server[name]
            special = next((s.decode() for s in flags if s in SPECIAL_USE), None)
            with self.store.transaction():
                folder = self.store.ensure_folder(self.acc.name, name, delimiter=delim, special_use=special)
            fr = FolderReport(name)
            report.folders.append(fr)
            try:
                self._sync_folder_with_retries(folder, fr)
            except ConnectError as e:
                # The server is unreachable even after retries: the remaining
                # folders would fail the same way; say so once for each.
                fr.error = str(e)
                self._record_error(folder, str(e))
                for rest in names[i + 1 :]:
                    with self.store.transaction():
                        rf = self.store.ensure_folder(self.acc.name, rest)
                    self._record_error(rf, str(e))
                    report.folders.append(FolderReport(rest, error=f"not synced: {e}"))
                return

    def _record_error(self, folder: FolderState, message: str) -> None:
        with self.store.transaction():
            self.store.update_folder(folder.id, last_error=message, last_attempt=utcnow())

    def _sync_folder_with_retries(self, folder: FolderState, fr: FolderReport) -> None:
        attempts = len(self.backoff) + 1
        for attempt in range(attempts):
            try:
                if self.client is None:
                    self._reconnect_with_backoff()
                self._sync_folder(folder, fr)
                return
            except (Cancelled, AuthError, CertificateError):
                raise
            except ConnectError as e:
                log.warning("%s/%s: %s (attempt %d of %d)", self.acc.name, folder.name, e, attempt + 1, attempts)
                self._drain()  # what was fetched before the cut is kept
                self._close()
                if attempt + 1 == attempts:
                    raise
                self._reconnect_with_backoff()
            except SyncError as e:
                fr.error = str(e)
                self._record_error(folder, str(e))
                return

    # -- one folder -------------------------------------------------------

    def _emit(self, fr: FolderReport, done: int, total: int | None, bytes_total: int | None, msg: str = "") -> None:
        self.progress(
            ProgressEvent(
                stage="sync", account=self.acc.name, folder=fr.name, done=done, total=total,
                bytes_done=fr.bytes, bytes_total=bytes_total, message=msg,
            )
        )

    def _sync_folder(self, folder: FolderState, fr: FolderReport) -> None:
        c = self.client
        name = folder.name
        items = ["MESSAGES", "UIDNEXT", "UIDVALIDITY"] + (["HIGHESTMODSEQ"] if self.condstore else [])
        st = self._call(lambda: c.folder_status(name, items), f"reading the status of {name}")
        uidvalidity = int(st.get(b"UIDVALIDITY", 0))
        uidnext = int(st.get(b"UIDNEXT", 0)) or None
        count = int(st.get(b"MESSAGES", 0))
        modseq = int(st[b"HIGHESTMODSEQ"]) if b"HIGHESTMODSEQ" in st else None

        fresh = self.store.folder(self.acc.name, name)
        assert fresh is not None
        folder = fresh
        if (
            folder.uidvalidity == uidvalidity
            and folder.uidnext == uidnext
            and folder.server_count == count
            and (modseq is None or folder.highestmodseq == modseq)
            and modseq is not None  # without CONDSTORE flags may have changed: look
            and len(self.store.live_uids(folder.id, uidvalidity)) == count
        ):
            with self.store.transaction():
                self.store.update_folder(folder.id, last_sync=utcnow(), last_attempt=utcnow(), last_error=None)
            fr.skipped = True
            self._emit(fr, count, count, None, "unchanged")
            return

        info = self._call(lambda: c.select_folder(name, readonly=True), f"opening {name}")
        uidvalidity = int(info.get(b"UIDVALIDITY", uidvalidity))
        exists = int(info.get(b"EXISTS", count))
        modseq = int(info[b"HIGHESTMODSEQ"]) if b"HIGHESTMODSEQ" in info else modseq
        uidnext = int(info.get(b"UIDNEXT", uidnext or 0)) or uidnext

        remap = folder.uidvalidity is not None and folder.uidvalidity != uidvalidity
        if remap:
            self._remap(folder, uidvalidity, fr)
        elif folder.uidvalidity is None:
            with self.store.transaction():
                self.store.update_folder(folder.id, uidvalidity=uidvalidity)
        else:
            self._update_flags(folder, uidvalidity, fr)

        if exists:
            last = self.store.max_uid(folder.id, uidvalidity)
            self._fetch_new(folder, uidvalidity, last, fr)

        live = self.store.live_uids(folder.id, uidvalidity)
        if len(live) != exists:
            server_uids = set(self._call(lambda: c.search("ALL"), f"listing {name}"))
            gone = [u for u in live if u not in server_uids]
            if gone:
                with self.store.transaction():
                    fr.gone += self.store.mark_gone(folder.id, uidvalidity, gone)
            missing = sorted(server_uids - set(live))
            if missing:  # below our high-water mark yet unknown: fetch them too
                self._fetch_uids(folder, uidvalidity, missing, fr)
        with self.store.transaction():
            self.store.update_folder(
                folder.id, uidvalidity=uidvalidity, uidnext=uidnext, highestmodseq=modseq,
                server_count=exists, last_sync=utcnow(), last_attempt=utcnow(), last_error=None,
            )
        # UNSELECT where offered; CLOSE on a mailbox opened with EXAMINE expunges nothing (RFC 3501 6.4.2).
        has_unselect = b"UNSELECT" in self._call(c.capabilities, "reading capabilities")
        self._call(c.unselect_folder if has_unselect else c.close_folder, f"closing {name}")

    def _update_flags(self, folder: FolderState, uidvalidity: int, fr: FolderReport) -> None:
        c = self.client
        last = self.store.max_uid(folder.id, uidvalidity)
        if not last:
            return
        live = self.store.live_uids(folder.id, uidvalidity)
        if self.condstore and folder.highestmodseq:
            data = self._call(
                lambda: fetch(c, f"1:{last}", ["FLAGS"], [f"CHANGEDSINCE {folder.highestmodseq}"]),
                f"reading changed flags in {folder.name}",
            )
        else:
            data = self._call(lambda: fetch(c, f"1:{last}", ["FLAGS"]), f"reading flags in {folder.name}")
        changed = {}
        for uid, d in data.items():
            if uid in live and b"FLAGS" in d:
                flags = _flags_text(d[b"FLAGS"])
                if live[uid] != flags:
                    changed[uid] = flags
        if changed:
            with self.store.transaction():
                fr.flag_changes += self.store.set_flags(folder.id, uidvalidity, changed)

    def _fetch_new(self, folder: FolderState, uidvalidity: int, last: int, fr: FolderReport) -> None:
        c = self.client
        # "last+1:*" always returns the highest UID even when it is <= last:
        # filter, so the last message is not fetched again forever.
        rng = f"{last + 1}:*" if last else "1:*"
        meta = self._call(lambda: fetch(c, rng, ["RFC822.SIZE"]), f"listing new messages in {folder.name}")
        sizes = {uid: int(d.get(b"RFC822.SIZE", 0)) for uid, d in meta.items() if uid > last}
        if sizes:
            self._fetch_uids(folder, uidvalidity, sorted(sizes), fr, sizes)

    def _fetch_uids(
        self, folder: FolderState, uidvalidity: int, uids: list[int], fr: FolderReport,
        sizes: dict[int, int] | None = None,
    ) -> None:
        c = self.client
        if sizes is None:
            meta = self._call(lambda: fetch(c, uids, ["RFC822.SIZE"]), f"sizing messages in {folder.name}")
            sizes = {u: int(d.get(b"RFC822.SIZE", 0)) for u, d in meta.items()}
            uids = [u for u in uids if u in sizes]
        total = len(uids)
        bytes_total = sum(sizes.get(u, 0) for u in uids)
        done = 0
        self._emit(fr, 0, total, bytes_total)
        batch: list[int] = []
        batch_size = 0
        for uid in uids:
            self.cancel.check()
            size = sizes.get(uid, 0)
            if size >= self.big_message:
                if batch:
                    done += self._fetch_batch(folder, uidvalidity, batch, fr)
                    batch, batch_size = [], 0
                    self._emit(fr, done, total, bytes_total)
                done += self._fetch_big(folder, uidvalidity, uid, size, fr)
                self._emit(fr, done, total, bytes_total)
                continue
            batch.append(uid)
            batch_size += size
            if len(batch) >= self.batch_messages or batch_size >= self.batch_bytes:
                done += self._fetch_batch(folder, uidvalidity, batch, fr)
                batch, batch_size = [], 0
                self._emit(fr, done, total, bytes_total)
        if batch:
            done += self._fetch_batch(folder, uidvalidity, batch, fr)
            self._emit(fr, done, total, bytes_total)
        self._drain()

    def _drain(self) -> None:
        """Wait for the batch being stored (its errors surface here)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def _fetch_batch(self, folder: FolderState, uidvalidity: int, uids: list[int], fr: FolderReport) -> int:
        c = self.client
        data = self._call(
            lambda: fetch(c, uids, ["BODY.PEEK[]", "FLAGS", "INTERNALDATE", "RFC822.SIZE"]),
            f"fetching messages from {folder.name}",
        )
        self._drain()
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._pending = self._writer.submit(self._store_batch, folder, uidvalidity, uids, data, fr)
        wanted = set(uids)
        return sum(1 for u, d in data.items() if u in wanted and b"BODY[]" in d)

    def _store_batch(
        self, folder: FolderState, uidvalidity: int, uids: list[int], data: dict[int, dict[bytes, Any]],
        fr: FolderReport,
    ) -> int:
        n = 0
        wanted = set(uids)
        with self.store.transaction():
            for uid in sorted(data):
                d = data[uid]
                raw = d.get(b"BODY[]")
                if raw is None or uid not in wanted:
                    continue  # expunged meanwhile, or an unsolicited FETCH
                mid, _created = self.store.put_message(raw)
                if self.store.add_location(
                    mid, folder.id, uidvalidity, uid, flags=_flags_text(d.get(b"FLAGS", ())),
                    internaldate=_iso(d.get(b"INTERNALDATE")), size=len(raw),
                ):
                    n += 1
                    fr.fetched += 1
                    fr.bytes += len(raw)
        return n

    def _fetch_big(self, folder: FolderState, uidvalidity: int, uid: int, size: int, fr: FolderReport) -> int:
        """Fetch one large message in pieces into a spool file: memory stays flat."""
        self._drain()
        c = self.client
        meta = self._call(lambda: fetch(c, [uid], ["FLAGS", "INTERNALDATE"]), f"fetching from {folder.name}")
        if uid not in meta:
            return 0
        with tempfile.TemporaryFile(dir=self.store.path.parent) as spool:
            offset = 0
            while True:
                self.cancel.check()
                part = f"BODY.PEEK[]<{offset}.{self.chunk}>"
                data = self._call(lambda p=part: fetch(c, [uid], [p]), f"fetching a large message from {folder.name}")
                d = data.get(uid, {})
                piece = next((v for k, v in d.items() if k.startswith(b"BODY[]")), None)
                if piece is None:
                    return 0
                spool.write(piece)
                offset += len(piece)
                fr.bytes += len(piece)
                self._emit(fr, fr.fetched, None, None, f"large message {offset >> 20}/{size >> 20} MB")
                if len(piece) < self.chunk:
                    break
            spool.flush()
            with self.store.transaction():
                mid, _ = self.store.put_message_file(spool)
                added = self.store.add_location(
                    mid, folder.id, uidvalidity, uid, flags=_flags_text(meta[uid].get(b"FLAGS", ())),
                    internaldate=_iso(meta[uid].get(b"INTERNALDATE")), size=offset,
                )
        if added:
            fr.fetched += 1
            return 1
        return 0

    def _remap(self, folder: FolderState, uidvalidity: int, fr: FolderReport) -> None:
        """UIDVALIDITY changed: map server UIDs to archived messages by Message-ID and size.

        Idempotent: a run killed half-way continues where it stopped; the old
        locations are retired and the new UIDVALIDITY recorded only at the end.
        """
        c = self.client
        warning = (
            f"{folder.name}: the server changed UIDVALIDITY ({folder.uidvalidity} → {uidvalidity}); "
            "the folder was re-mapped by Message-ID and size, nothing was fetched twice."
        )
        fr.warnings.append(warning)
        log.warning(warning)
        old = self.store.query(
            "SELECT m.id, m.msgid, m.size FROM locations l JOIN messages m ON m.id = l.message_id "
            "WHERE l.folder_id = ? AND l.uidvalidity != ?",
            (folder.id, uidvalidity),
        )
        by_key = {(r["msgid"], r["size"]): r["id"] for r in old if r["msgid"]}
        known = self.store.live_uids(folder.id, uidvalidity)
        meta = self._call(
            lambda: fetch(c, "1:*", ["RFC822.SIZE", "FLAGS", "INTERNALDATE", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]),
            f"re-mapping {folder.name}",
        )
        to_fetch: list[int] = []
        with self.store.transaction():
            for uid in sorted(meta):
                if uid in known:
                    continue
                d = meta[uid]
                hdr = next((v for k, v in d.items() if k.startswith(b"BODY[HEADER")), b"") or b""
                key = (_msgid_from_header(hdr), int(d.get(b"RFC822.SIZE", 0)))
                mid = by_key.get(key) if key[0] else None
                if mid is None:
                    to_fetch.append(uid)
                    continue
                self.store.add_location(
                    mid, folder.id, uidvalidity, uid, flags=_flags_text(d.get(b"FLAGS", ())),
                    internaldate=_iso(d.get(b"INTERNALDATE")), size=key[1],
                )
                fr.remapped += 1
        if to_fetch:
            self._fetch_uids(folder, uidvalidity, to_fetch, fr)
        with self.store.transaction():
            self.store.execute(
                "UPDATE locations SET gone_at = ? WHERE folder_id = ? AND uidvalidity != ? AND gone_at IS NULL",
                (utcnow(), folder.id, uidvalidity),
            )
            self.store.update_folder(folder.id, uidvalidity=uidvalidity, highestmodseq=None)


def sync_account(
    store: Store, account: Account, password: str | Callable[[], str], *, trigger: str = "manual", **kw: Any
) -> AccountReport:
    """Run one sync of ``account``; see :class:`AccountSync`."""
    return AccountSync(store, account, password, **kw).run(trigger)
