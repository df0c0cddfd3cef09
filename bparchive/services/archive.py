"""The facade both front ends use: open an archive, sync, import, status, doctor…

The CLI and the TUI call only this module (and the plain data it returns).
Nothing here knows click, Textual or Rich exist.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bparchive import config as config_mod
from bparchive import paths as paths_mod
from bparchive.config import Account, Settings
from bparchive.errors import BPArchiveError, CorruptError, DiskFullError, NotFoundError, StoreError
from bparchive.progress import CancelToken, Progress, null_progress
from bparchive.store import Store

log = logging.getLogger(__name__)


@dataclass
class DoctorProblem:
    """One thing doctor found wrong."""

    kind: str
    detail: str
    repaired: bool = False


@dataclass
class DoctorReport:
    problems: list[DoctorProblem] = field(default_factory=list)
    checked_messages: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not [p for p in self.problems if not p.repaired]


@contextlib.contextmanager
def disk_errors() -> Iterator[None]:
    """Turn a full disk met by a library (Whoosh, temp files) into DiskFullError.

    SQLite's own "disk is full" is translated by the store; the index and the
    spool files raise plain OSError(ENOSPC/EDQUOT).
    """
    import errno

    try:
        yield
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError(
                "The disk holding the archive is full. Nothing was lost: what was written is "
                "consistent and the rest will be done by the next run once there is room."
            ) from e
        raise


class Archive:
    """One archive home: its config, store and index."""

    def __init__(self, home: str | os.PathLike[str] | None = None) -> None:
        self.home = home
        self.paths = paths_mod.resolve(home)
        self._settings: Settings | None = None
        self._store: Store | None = None

    def clone(self) -> Archive:
        """Another Archive on the same home with its own store connection.

        A background sync writes through it, so that actions of the interface
        (refile, tag) never join the sync's open transaction on a shared connection.
        """
        return Archive(self.home)

    # -- configuration ----------------------------------------------------

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = config_mod.load(self.paths)
        return self._settings

    def reload(self) -> None:
        self._settings = None

    def add_account(self, acc: Account, *, replace: bool = False) -> None:
        config_mod.add_account(self.paths, acc, replace_existing=replace)
        self.reload()

    @staticmethod
    def test_connection(acc: Account, password: str | None = None) -> None:
        """Connect and log in once (the first-run form's test); raises a BPArchiveError."""
        from bparchive import secrets
        from bparchive.sync.connection import connect, logout

        logout(connect(acc, password if password is not None else secrets.get_password(acc)))

    def remove_account(self, name: str) -> None:
        config_mod.remove_account(self.paths, name)
        self.reload()

    # -- store ------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The writing connection (created on first use)."""
        if self._store is None:
            self.paths.ensure()
            self._store = Store(self.paths.db_file)
        return self._store

    def reader(self) -> Store:
        """A new read-only connection (for searches and screens).

        An archive written by an older release is migrated first (through the
        writing connection), so readers always see the current schema.
        """
        if self.paths.db_file.exists():
            _ = self.store
        return Store(self.paths.db_file, readonly=True)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    @contextlib.contextmanager
    def sync_lock(self) -> Iterator[None]:
        """Only one sync or import writes an archive at a time."""
        self.paths.ensure()
        fd = os.open(self.paths.lock_file, os.O_RDWR | os.O_CREAT, paths_mod.FILE_MODE)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(
                    "Another bparchive sync or import is running on this archive; wait for it to finish."
                ) from None
            yield
        finally:
            os.close(fd)

    # -- sync -------------------------------------------------------------

    def accounts_for(self, names: Sequence[str] = ()) -> list[Account]:
        accs = [self.settings.account(n) for n in names] if names else list(self.settings.accounts)
        return [a for a in accs if not a.is_local]

    def sync(
        self,
        names: Sequence[str] = (),
        *,
        progress: Progress = null_progress,
        cancel: CancelToken | None = None,
        trigger: str = "manual",
        password_for: Callable[[Account], str] | None = None,
        after: bool = True,
        **engine_kw: Any,
    ) -> list[Any]:
        """Sync the named accounts (all IMAP accounts when none); return AccountReports."""
        from bparchive import secrets
        from bparchive.errors import PasswordError
        from bparchive.sync.engine import AccountReport, AccountSync

        if self.settings.batch_size and "batch_messages" not in engine_kw:
            engine_kw["batch_messages"] = self.settings.batch_size
        accounts = self.accounts_for(names)
        if not accounts:
            raise NotFoundError("No IMAP account to sync: add one with `bparchive account add`.")
        reports: list[AccountReport] = []
        with self.sync_lock():
            for acc in accounts:
                get = password_for or secrets.get_password
                try:
                    password = get(acc)
                except PasswordError as e:
                    reports.append(AccountReport(acc.name, fatal=str(e), fatal_kind="password"))
                    continue
                reports.append(
                    AccountSync(self.store, acc, password, progress=progress, cancel=cancel, **engine_kw).run(trigger)
                )
            if after:
                self.after_store_change(progress=progress, cancel=cancel)
        return reports

    def import_path(
        self, path: str | os.PathLike[str], account: str, *, progress: Progress = null_progress,
        cancel: CancelToken | None = None,
    ) -> Any:
        from bparchive.sync.importer import import_path

        with self.sync_lock():
            report = import_path(self.store, Path(path), account, progress=progress, cancel=cancel)
            self.after_store_change(progress=progress, cancel=cancel)
        return report

    def import_messages(
        self, messages: Any, account: str, *, kind: str = "messages", source: str = "",
        progress: Progress = null_progress, cancel: CancelToken | None = None,
    ) -> Any:
        """Import already-split messages (``importer.Found``: folder, bytes, flags)."""
        from bparchive.sync.importer import import_messages

        with self.sync_lock():
            report = import_messages(self.store, messages, account, kind=kind, source=source,
                                     progress=progress, cancel=cancel)
            self.after_store_change(progress=progress, cancel=cancel)
        return report

    def after_store_change(self, *, progress: Progress = null_progress, cancel: CancelToken | None = None) -> None:
        """Catch up ingest (parse, extract, file) and the index with what the store holds."""
        from bparchive.index.from_store import catch_up
        from bparchive.ingest import ingest_pending

        with disk_errors():
            ingest_pending(self.store, self.settings, progress=progress, cancel=cancel)
            catch_up(self.store, self.paths.index_dir, progress=progress, cancel=cancel)

    def reindex(self, *, progress: Progress = null_progress, cancel: CancelToken | None = None,
                reparse: bool = False) -> int:
        """Rebuild the index from the store (``reparse``: parse and extract again first)."""
        from bparchive.index.from_store import rebuild
        from bparchive.ingest import ingest_pending

        with self.sync_lock():
            if reparse:
                ids = [r[0] for r in self.store.execute("SELECT id FROM messages ORDER BY id")]
                ingest_pending(self.store, self.settings, progress=progress, cancel=cancel, ids=ids)
            else:
                ingest_pending(self.store, self.settings, progress=progress, cancel=cancel)
            with disk_errors():
                return rebuild(self.store, self.paths.index_dir, progress=progress, cancel=cancel)

    # -- status -----------------------------------------------------------

    def status(self) -> dict[str, Any]:
        if not self.paths.db_file.exists():
            out: dict[str, Any] = {"accounts": []}
        else:
            out = self.store.status()
        known = {a["name"] for a in out["accounts"]}
        for acc in self.settings.accounts:
            if acc.name not in known:
                out["accounts"].append({"name": acc.name, "kind": acc.kind, "folders": []})
        for a in out["accounts"]:
            with contextlib.suppress(BPArchiveError):
                a["kind"] = self.settings.account(a["name"]).kind
        return out

    # -- doctor -----------------------------------------------------------

    def doctor(self, *, repair: bool = False, verify_hashes: bool = True) -> DoctorReport:
        rep = DoctorReport()
        self._check_permissions(rep, repair)
        if not self.paths.db_file.exists():
            rep.notes.append("No archive database yet.")
            return rep
        st = self.store
        try:
            (res,) = st.execute("PRAGMA quick_check").fetchone()
        except StoreError as e:
            rep.problems.append(DoctorProblem("database", str(e)))
            return rep
        if res != "ok":
            rep.problems.append(DoctorProblem("database", f"SQLite integrity check: {res}"))
        if verify_hashes:
            for mid, sha, size in st.execute("SELECT id, sha256, size FROM messages ORDER BY id").fetchall():
                rep.checked_messages += 1
                h = hashlib.sha256()
                n = 0
                try:
                    for piece in st.iter_raw(mid):
                        h.update(piece)
                        n += len(piece)
                except CorruptError as e:
                    rep.problems.append(DoctorProblem("hash", str(e)))
                    continue
                if h.hexdigest() != sha or n != size:
                    rep.problems.append(DoctorProblem("hash", f"message {mid}: content does not match its SHA-256"))
        orphans = st.execute(
            "SELECT COUNT(*) FROM (SELECT DISTINCT message_id FROM raw_chunks "
            "WHERE message_id NOT IN (SELECT id FROM messages))"
        ).fetchone()[0]
        if orphans:
            fixed = False
            if repair:
                with st.transaction():
                    st.execute("DELETE FROM raw_chunks WHERE message_id NOT IN (SELECT id FROM messages)")
                fixed = True
            rep.problems.append(DoctorProblem("orphans", f"{orphans} stored bodies belong to no message", fixed))
        unplaced = st.execute(
            "SELECT COUNT(*) FROM messages WHERE id NOT IN (SELECT message_id FROM locations)"
        ).fetchone()[0]
        if unplaced:
            rep.problems.append(DoctorProblem("orphans", f"{unplaced} messages are in no folder"))
        bad_loc = st.execute(
            "SELECT COUNT(*) FROM locations WHERE folder_id NOT IN (SELECT id FROM folders) "
            "OR message_id NOT IN (SELECT id FROM messages)"
        ).fetchone()[0]
        if bad_loc:
            rep.problems.append(DoctorProblem("sync-state", f"{bad_loc} locations point at nothing"))
        dup = st.execute(
            "SELECT COUNT(*) FROM (SELECT folder_id, uidvalidity, uid FROM locations "
            "GROUP BY 1,2,3 HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        if dup:
            rep.problems.append(DoctorProblem("sync-state", f"{dup} UIDs recorded twice"))
        self._check_pipeline(rep, repair)
        return rep

    def _check_pipeline(self, rep: DoctorReport, repair: bool) -> None:
        import shutil

        from bparchive.index.from_store import drift
        from bparchive.index.from_store import repair as repair_index

        st = self.store
        pending = st.execute("SELECT COUNT(*) FROM messages WHERE ingest_state = 0").fetchone()[0]
        failed = st.execute("SELECT COUNT(*) FROM messages WHERE ingest_state = 2").fetchone()[0]
        if pending:
            rep.notes.append(f"{pending} messages wait to be read (run `bparchive reindex` or a sync).")
        if failed:
            rep.notes.append(f"{failed} messages could not be parsed; their raw bytes are kept (`bparchive show ID --raw`).")
        needs_ocr = st.execute("SELECT COUNT(*) FROM attachments WHERE status = 'needs_ocr'").fetchone()[0]
        if needs_ocr:
            if shutil.which("tesseract"):
                rep.notes.append(f"{needs_ocr} attachments have no text layer; run `bparchive reindex --reparse` to OCR them.")
            else:
                rep.notes.append(
                    f"{needs_ocr} attachments are scans without a text layer. To read them, install OCR: "
                    "`sudo apt-get install tesseract-ocr tesseract-ocr-vie`, then `bparchive reindex --reparse`."
                )
        d = drift(st, self.paths.index_dir)
        if not d.ok:
            detail = f"index drift: {len(d.missing)} messages missing from the index, {len(d.extra)} unknown to the store"
            if repair:
                repair_index(st, self.paths.index_dir, d)
            rep.problems.append(DoctorProblem("index", detail, repair))
        elif d.stale:
            rep.notes.append(f"{d.stale} messages wait to be indexed.")

    def _check_permissions(self, rep: DoctorReport, repair: bool) -> None:
        roots = {self.paths.config_dir, self.paths.data_dir, self.paths.state_dir}
        for root in roots:
            if not root.exists():
                continue
            for dirpath, _dirs, files in os.walk(root):
                for p in [Path(dirpath), *(Path(dirpath) / f for f in files)]:
                    try:
                        mode = stat.S_IMODE(p.lstat().st_mode)
                    except FileNotFoundError:
                        continue
                    if p.is_symlink():
                        continue
                    if mode & 0o077:
                        want = paths_mod.DIR_MODE if p.is_dir() else paths_mod.FILE_MODE
                        if repair:
                            with contextlib.suppress(OSError):
                                os.chmod(p, want)
                        rep.problems.append(
                            DoctorProblem("permissions", f"{p} is readable by others (mode {mode:o})", repair)
                        )

