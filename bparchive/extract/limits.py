"""Limits for attachment extraction and the worker processes that enforce them.

The ingest stage calls :class:`ExtractorPool` (both cores, bounded memory, a kill at
the time limit); one-off callers use :func:`extract_isolated`. Workers are started
with the ``forkserver`` context (``spawn`` where unavailable) so they never inherit
the parent's threads or open SQLite handles, set ``RLIMIT_AS`` to ``memory_mb`` and
are replaced after a kill, a crash or ``max_tasks_per_child`` jobs.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bparchive.extract.model import Extraction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractLimits:
    """Bounds for one extraction (all configurable).

    Attributes:
        max_bytes: larger inputs get status ``too_large`` without being opened.
        max_pages: PDF pages / slides / sheets read; the rest is cut (``truncated``).
        max_text_chars: text kept per document.
        max_depth: archive nesting (a ZIP in a ZIP…).
        timeout_seconds: wall-clock time per attachment in a worker process.
        memory_mb: address-space limit of a worker process.
        max_entries: archive entries looked at.
        max_unpacked: total bytes unpacked from one archive.
        max_ratio: compression ratio above which an archive entry is skipped as a bomb.
        ocr: run Tesseract when installed (False → status needs_ocr).
        ocr_max_pages: pages rasterised for OCR.
    """

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 500
    max_text_chars: int = 5 * 1024 * 1024
    max_depth: int = 3
    timeout_seconds: float = 120.0
    memory_mb: int = 1536
    max_entries: int = 1000
    max_unpacked: int = 200 * 1024 * 1024
    max_ratio: int = 200
    ocr: bool = True
    ocr_max_pages: int = 20

    def to_dict(self) -> dict[str, Any]:
        """Return the limits as a plain dict (crosses process boundaries)."""
        return dict(self.__dict__)


def worker_context() -> multiprocessing.context.BaseContext:
    """The multiprocessing context for worker processes (forkserver, else spawn)."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    # The fork server imports the workers' code once; every worker forked from
    # it then starts in milliseconds instead of importing it all again.
    ctx.set_forkserver_preload(["bparchive.extract", "bparchive.ingest.workers"])
    _start_helpers(ctx)
    return ctx


def _start_helpers(ctx: multiprocessing.context.BaseContext) -> None:
    """Start multiprocessing's resource tracker and fork server with a real stderr.

    Under a full-screen app (Textual) ``sys.stderr`` is a capture object whose
    ``fileno()`` is -1; multiprocessing hands that descriptor to the helper
    processes it starts and fails ("bad value(s) in fds_to_keep").
    """
    import sys
    from multiprocessing import forkserver, resource_tracker

    current = sys.stderr
    try:
        bad = current is None or current.fileno() < 0
    except (OSError, ValueError, AttributeError):
        bad = True
    if not bad or sys.__stderr__ is None:
        return
    sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
        if ctx.get_start_method() == "forkserver":
            forkserver.ensure_running()
    finally:
        sys.stderr = current


def set_memory_limit(memory_mb: int) -> None:
    """Cap this process's address space at ``memory_mb`` (RLIMIT_AS; POSIX only)."""
    try:
        import resource
    except ImportError:  # not on POSIX: no address-space limit
        return
    limit = memory_mb * 1024 * 1024
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError) as exc:
        log.warning("cannot set RLIMIT_AS: %s", exc)


def _worker_main(conn: Connection, memory_mb: int) -> None:
    """Worker loop: receive (data, filename, content_type, limits), send Extraction dicts."""
    set_memory_limit(memory_mb)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from bparchive.extract import extract  # imported in the child only

    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        data, filename, content_type, limits_dict = job
        try:
            result = extract(data, filename, content_type, ExtractLimits(**limits_dict))
            reply = result.to_dict()
        except MemoryError:
            reply = Extraction(
                status="failed", reason=f"out of memory (limit {memory_mb} MB)"
            ).to_dict()
        except Exception as exc:  # report any extractor bug as a failed attachment
            reply = Extraction(
                status="failed", reason=f"{type(exc).__name__}: {exc}"[:500]
            ).to_dict()
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class WorkerProcess:
    """A worker process started from :func:`worker_context` with a pipe to it.

    ``target(conn, *args)`` runs in the child; ``stop`` asks it to end (``None``
    down the pipe), ``kill`` ends it at once. Used by the extractor pool and the
    ingest pool.
    """

    def __init__(self, target: Any, *args: Any) -> None:
        ctx = worker_context()
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=target, args=(child, *args), daemon=True)
        self.process.start()
        child.close()
        self.tasks = 0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.conn.close()


class _Worker(WorkerProcess):
    def __init__(self, memory_mb: int) -> None:
        super().__init__(_worker_main, memory_mb)


class ExtractorPool:
    """A few worker processes that run :func:`bparchive.extract.extract` under limits.

    Thread-safe: call :meth:`extract` from several threads, or :meth:`map` to keep every
    worker busy. A job that exceeds ``limits.timeout_seconds`` gets its worker killed and
    replaced (status ``timeout``); a worker that dies (memory limit, segfault in a
    library) gives status ``failed`` with the reason.

    Args:
        workers: number of processes (default: CPU count, at least 1, at most 4).
        limits: extraction limits (memory limit applies per worker).
        max_tasks_per_child: jobs before a worker is replaced (bounds leaks).
    """

    def __init__(
        self,
        workers: int | None = None,
        limits: ExtractLimits | None = None,
        max_tasks_per_child: int = 200,
    ) -> None:
        self.limits = limits or ExtractLimits()
        self.size = max(1, workers or min(os.cpu_count() or 1, 4))
        self.max_tasks_per_child = max_tasks_per_child
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._started = 0

    def _get(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise RuntimeError("ExtractorPool is closed")
            if self._started < self.size and self._idle.empty():
                self._started += 1
                return _Worker(self.limits.memory_mb)
        worker = self._idle.get()
        if worker is None:
            raise RuntimeError("ExtractorPool is closed")
        return worker

    def _put(self, worker: _Worker | None) -> None:
        if self._closed:
            if worker is not None:
                worker.stop()
            return
        if worker is None:
            worker = _Worker(self.limits.memory_mb)
        elif worker.tasks >= self.max_tasks_per_child:
            worker.stop()
            worker = _Worker(self.limits.memory_mb)
        self._idle.put(worker)

    def extract(
        self,
        data: bytes,
        filename: str,
        content_type: str,
        limits: ExtractLimits | None = None,
    ) -> Extraction:
        """Extract one document in a worker; never raises for bad documents.

        Args:
            data: the attachment bytes.
            filename: its (safe) file name, used for type detection only.
            content_type: declared MIME type.
            limits: overrides the pool's limits for this job (memory stays the pool's).

        Returns:
            The extraction; status ``timeout`` or ``failed`` when the worker was killed
            or died.
        """
        limits = limits or self.limits
        worker = self._get()
        replacement: _Worker | None = worker
        try:
            worker.conn.send((data, filename, content_type, limits.to_dict()))
            worker.tasks += 1
            if worker.conn.poll(limits.timeout_seconds):
                return Extraction.from_dict(worker.conn.recv())
            worker.kill()
            replacement = None
            return Extraction(
                status="timeout",
                reason=f"extraction took longer than {limits.timeout_seconds:g} s; worker killed",
            )
        except (EOFError, OSError, BrokenPipeError):
            worker.process.join(5)
            code = worker.process.exitcode
            worker.kill()
            replacement = None
            why = f"worker died (exit code {code})"
            if code is not None and code < 0:
                why += f", probably killed by signal {-code}"
            why += f"; memory limit {self.limits.memory_mb} MB"
            return Extraction(status="failed", reason=why)
        finally:
            self._put(replacement)

    def map(self, jobs: Iterable[tuple[Any, bytes, str, str]]) -> Iterator[tuple[Any, Extraction]]:
        """Run ``(key, data, filename, content_type)`` jobs on all workers.

        Yields:
            ``(key, Extraction)`` in completion order.
        """
        with ThreadPoolExecutor(max_workers=self.size) as threads:
            futures = {
                threads.submit(self.extract, data, name, ctype): key
                for key, data, name, ctype in jobs
            }
            from concurrent.futures import as_completed

            for future in as_completed(futures):
                yield futures[future], future.result()

    def close(self) -> None:
        """Stop every worker (idle ones at once)."""
        with self._lock:
            self._closed = True
        deadline = time.monotonic() + 5
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                worker.stop()
            if time.monotonic() > deadline:
                break

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def extract_isolated(
    data: bytes,
    filename: str,
    content_type: str,
    limits: ExtractLimits | None = None,
    pool: ExtractorPool | None = None,
) -> Extraction:
    """Run :func:`bparchive.extract.extract` in a worker process with time and memory limits.

    Args:
        data: the attachment bytes.
        filename: its file name (type detection only).
        content_type: declared MIME type.
        limits: extraction limits (default :class:`ExtractLimits`).
        pool: an existing pool to use; otherwise a one-off worker is started.

    Returns:
        The extraction, or status ``timeout``/``failed`` with the reason.
    """
    if pool is not None:
        return pool.extract(data, filename, content_type, limits)
    with ExtractorPool(workers=1, limits=limits) as one:
        return one.extract(data, filename, content_type)
