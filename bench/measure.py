"""Timing, peak memory and disk-use helpers for ``bench/run``.

Who calls it and why: :mod:`bench.suite` runs bparchive and its peers (mbsync,
offlineimap, notmuch, mu, pdftotext) through :func:`run_measured` so that every
program is measured the same way: wall time, the peak resident set size of its
largest process (GNU ``time -f %M``, i.e. ``wait4`` rusage) and the peak of the
sum over the whole process tree (sampled from ``/proc`` at 20 Hz, which counts
worker processes too), with each stderr line timestamped so that the phases of
a run (fetch, ingest, index) can be told apart.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

GNU_TIME = "/usr/bin/time"
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Run:
    """One measured command.

    Attributes:
        cmd: the command line.
        seconds: wall-clock time from start to exit.
        returncode: exit status.
        peak_rss_mb: peak RSS of the largest single process: GNU time's ``%M`` or the
            largest descendant seen by the ``/proc`` samples, whichever is larger.
        peak_tree_mb: peak of the summed RSS of the process tree (sampled).
        cpu_seconds: user + system CPU time of the command and its waited-for children.
        load_before: the 1-minute load average when it started (other work on the machine).
        samples: ``(seconds since start, tree RSS MB)`` samples.
        lines: ``(seconds since start, line)`` for every stderr line.
        stdout: everything written on stdout.
    """

    cmd: list[str]
    seconds: float
    returncode: int
    peak_rss_mb: float
    peak_tree_mb: float
    cpu_seconds: float = 0.0
    load_before: float = 0.0
    samples: list[tuple[float, float]] = field(default_factory=list)
    lines: list[tuple[float, str]] = field(default_factory=list)
    stdout: str = ""

    def check(self) -> Run:
        """Raise when the command failed, with its last stderr lines."""
        if self.returncode != 0:
            tail = "\n".join(line for _, line in self.lines[-15:])
            tail += "\n" + "\n".join(self.stdout.splitlines()[-15:])
            raise RuntimeError(f"{' '.join(self.cmd)} exited {self.returncode}:\n{tail}")
        return self

    def peak_between(self, start: float, end: float) -> float:
        """Peak tree RSS (MB) among the samples taken between ``start`` and ``end``."""
        inside = [mb for t, mb in self.samples if start <= t <= end]
        return max(inside, default=0.0)


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ')'.
        rest = stat[stat.rfind(b")") + 2 :].split()
        kids.setdefault(int(rest[1]), []).append(int(entry.name))
    return kids


def tree_rss(root: int) -> tuple[float, float]:
    """Summed and largest resident set size (MB) of ``root``'s descendants, ``root`` excluded.

    ``root`` is the GNU ``time`` wrapper, whose own few hundred KB are left out.
    """
    kids = _children_map()
    total_pages = largest = 0
    todo = list(kids.get(root, []))
    while todo:
        pid = todo.pop()
        todo.extend(kids.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                pages = int(fh.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total_pages += pages
        largest = max(largest, pages)
    return total_pages * _PAGE_KB / 1024, largest * _PAGE_KB / 1024


def tree_rss_mb(root: int) -> float:
    """Summed resident set size (MB) of ``root``'s descendants (see :func:`tree_rss`)."""
    return tree_rss(root)[0]


def run_measured(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    poll: float = 0.05,
    echo: bool = False,
) -> Run:
    """Run ``cmd`` under GNU time while sampling the RSS of its process tree.

    Args:
        cmd: program and arguments.
        env: environment (default: inherited).
        cwd: working directory.
        poll: seconds between ``/proc`` samples.
        echo: copy stderr lines to our stderr as they come (long runs).

    Returns:
        The measured :class:`Run`.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as tf:
        time_file = tf.name
    full = [GNU_TIME, "-f", "%M %U %S", "-o", time_file, *cmd]
    load = loadavg()
    lines: list[tuple[float, str]] = []
    samples: list[tuple[float, float]] = []
    out_chunks: list[str] = []
    start = time.perf_counter()
    proc = subprocess.Popen(
        full,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    assert proc.stdout is not None and proc.stderr is not None
    err_stream, out_stream = proc.stderr, proc.stdout

    def read_err() -> None:
        for line in err_stream:
            lines.append((time.perf_counter() - start, line.rstrip("\n")))
            if echo:
                print(f"    | {line.rstrip()}", flush=True)

    def read_out() -> None:
        out_chunks.append(out_stream.read())

    readers = [threading.Thread(target=read_err), threading.Thread(target=read_out)]
    for t in readers:
        t.start()
    largest = 0.0
    while proc.poll() is None:
        total, biggest = tree_rss(proc.pid)
        samples.append((time.perf_counter() - start, total))
        largest = max(largest, biggest)
        time.sleep(poll)
    seconds = time.perf_counter() - start
    for t in readers:
        t.join()
    peak_kb = cpu = 0.0
    try:
        text = Path(time_file).read_text().strip().splitlines()
        # GNU time writes "Command exited with non-zero status N" before the figures.
        if text:
            kb, user, system = text[-1].split()
            peak_kb, cpu = float(kb), float(user) + float(system)
    except (OSError, ValueError):
        peak_kb = cpu = 0.0
    finally:
        Path(time_file).unlink(missing_ok=True)
    return Run(
        cmd=list(cmd),
        seconds=seconds,
        returncode=proc.returncode,
        # GNU time sees the command and the children it waited for, not the workers a
        # multiprocessing fork server starts: the sampled largest process covers those.
        peak_rss_mb=max(peak_kb / 1024, largest),
        peak_tree_mb=max((mb for _, mb in samples), default=0.0),
        cpu_seconds=cpu,
        load_before=load,
        samples=samples,
        lines=lines,
        stdout="".join(out_chunks),
    )


def loadavg() -> float:
    """The 1-minute load average (0.0 when unknown)."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0


def time_command(cmd: Sequence[str], *, env: Mapping[str, str] | None = None) -> float:
    """Wall time (ms) of one quiet run of ``cmd``; raises when it fails."""
    start = time.perf_counter()
    subprocess.run(
        list(cmd),
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return (time.perf_counter() - start) * 1000


def du_bytes(path: str | os.PathLike[str]) -> int:
    """Disk blocks used under ``path`` (bytes), like ``du -s`` (0 when missing)."""
    p = Path(path)
    if not p.exists():
        return 0
    if p.is_file():
        return p.stat().st_blocks * 512
    total = 0
    for root, _dirs, files in os.walk(p):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                continue
    return total


def file_bytes(path: str | os.PathLike[str]) -> int:
    """Apparent size of the files under ``path`` (bytes)."""
    p = Path(path)
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file() and not f.is_symlink())


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: Sequence[float]) -> float:
    """Median, NaN when empty."""
    return statistics.median(values) if values else float("nan")


def which(program: str) -> str | None:
    """Path of ``program`` on PATH, or None."""
    return shutil.which(program)


def version_of(cmd: Sequence[str]) -> str:
    """First line of a ``--version`` style command's output ('' when it fails)."""
    try:
        res = subprocess.run(list(cmd), capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    text = (res.stdout or res.stderr).strip()
    return text.splitlines()[0] if text else ""
