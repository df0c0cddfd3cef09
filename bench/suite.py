"""The benchmark run behind ``bench/run``: bparchive against its peers, one corpus, one run.

Who calls it and why: ``bench/run --size N`` (issues 2, 3, 4 and 7) calls :func:`main`.
For each corpus size it builds the deterministic corpus with ``bench/gen_corpus.py``
(one message carrying a 50 MB PDF included), loads it into a private Dovecot
(``tests/dovecot.py``, 127.0.0.1, TLS with a test CA), and measures on that same data:

- initial sync and no-change resync: ``bparchive sync`` vs ``mbsync`` vs ``offlineimap``
  (time, peak RSS; bparchive's fetch / ingest / index phases from its progress lines);
- ingest + index rate (messages/s): bparchive's ingest and index phases (and optionally a
  ``bparchive import`` of the Maildir) vs ``notmuch new`` and ``mu index``;
- PDF text: :class:`bparchive.extract.ExtractorPool` with 2 workers vs one ``pdftotext``
  process per file, pages/s;
- search latency (median, p95) over ~30 queries: bparchive in-process (SearchService),
  ``bparchive search --json``, ``notmuch search``, ``mu find``;
- agreement of from:/subject:/date: result sets with notmuch, differences classified;
- disk use (archive, index, Maildirs, notmuch and mu databases).

It prints every table, writes ``bench/out/results-<size>.json`` and rewrites
``docs/benchmarks.md`` (and ``docs/bench-scaling.png`` when several sizes are known).
Never a test (STYLE.md habit 13).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import email
import email.policy
import hashlib
import json
import os
import platform
import quopri
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import measure  # noqa: E402
import peers  # noqa: E402
import report  # noqa: E402

USER = "bench"
PEERS = ("mbsync", "offlineimap", "notmuch", "mu", "pdftotext")
FOLDER_LINE = re.compile(r"^[^:/ ]+/.*: \d+(/\d+)? msgs")
SUMMARY_LINE = re.compile(r"^\S+: \d+ folders, (\d+) new messages.*, ([\d.]+) s$")


def log(text: str) -> None:
    """Progress of the benchmark itself (stderr, so stdout stays the tables)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- corpus


def build_corpus(out: Path, size: int, seed: int, big_mb: int) -> dict[str, Any]:
    """Generate the Maildir++ corpus with ``bench/gen_corpus.py``; return its figures."""
    cmd = [
        sys.executable,
        str(BENCH / "gen_corpus.py"),
        "--count",
        str(size),
        "--seed",
        str(seed),
        "--format",
        "maildir",
        "--out",
        str(out),
    ]
    if big_mb:
        cmd += ["--big-attachment-mb", str(big_mb)]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    files = [p for p in out.rglob("*") if p.is_file() and p.parent.name in ("cur", "new")]
    sizes = sorted((p.stat().st_size for p in files), reverse=True)
    return {
        "messages": len(files),
        "raw_bytes": sum(sizes),
        "largest_message_bytes": sizes[0] if sizes else 0,
        "raw_bytes_without_largest": sum(sizes[1:]) if big_mb else sum(sizes),
        "maildir_disk_bytes": measure.du_bytes(out),
        "generate_seconds": round(seconds, 2),
        "seed": seed,
        "big_attachment_mb": big_mb,
    }


def load_dovecot(server: Any, corpus: Path, tmp: Path) -> dict[str, int]:
    """Copy the Maildir++ corpus into the private Dovecot, one folder at a time."""
    from bparchive.demo.generator import FOLDERS
    from bparchive.demo.writers import maildir_folder_path

    counts: dict[str, int] = {}
    # INBOX is the Maildir++ root: give load_maildir a view of it without its subfolders.
    inbox = tmp / "inbox-view"
    inbox.mkdir()
    for sub in ("cur", "new"):
        if (corpus / sub).is_dir():
            (inbox / sub).symlink_to(corpus / sub)
    counts.update(server.load_maildir(USER, inbox, "INBOX"))
    for folder in FOLDERS:
        path = maildir_folder_path(corpus, folder)
        if folder != "INBOX" and path.is_dir():
            counts.update(server.load_maildir(USER, path, folder))
    return counts


_ENCODED_WORD = re.compile(rb"=\?utf-8\?([bq])\?([^?]*)\?=", re.IGNORECASE)


def _split_encoded_word(head: bytes) -> bool:
    """True when a UTF-8 encoded word of the Subject does not decode on its own.

    Some mailers cut encoded words inside a multi-byte character; Python's decoder (and
    bparchive) join adjacent words before decoding, GMime (notmuch) decodes each alone.
    """
    m = re.search(rb"^Subject:(.*(?:\r?\n[ \t].*)*)", head, re.MULTILINE | re.IGNORECASE)
    if not m:
        return False
    for kind, text in _ENCODED_WORD.findall(m.group(1)):
        try:
            if kind.lower() == b"b":
                data = base64.b64decode(text + b"=" * (-len(text) % 4))
            else:
                data = quopri.decodestring(text.replace(b"_", b" "), header=True)
            data.decode("utf-8")
        except (UnicodeDecodeError, binascii.Error, ValueError):
            return True
    return False


def message_headers(corpus: Path) -> dict[str, dict[str, str]]:
    """Message-ID → Date, From, Subject of every corpus message (difference reports)."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(corpus.rglob("*")):
        if not path.is_file() or path.parent.name not in ("cur", "new"):
            continue
        with path.open("rb") as fh:
            head = fh.read(16384).split(b"\n\n", 1)[0]
        msg = email.message_from_bytes(head, policy=email.policy.default)
        try:
            mid = str(msg.get("Message-ID", "")).strip().strip("<>")
            out.setdefault(
                mid,
                {
                    "date": str(msg.get("Date", "")),
                    "from": str(msg.get("From", "")),
                    "subject": str(msg.get("Subject", "")),
                    "split_encoded_word": _split_encoded_word(head),
                },
            )
        except (ValueError, TypeError, IndexError) as e:  # a damaged header: keep going
            out.setdefault(f"?{path.name}", {"error": str(e)})
    return out


# --------------------------------------------------------------------------- sync


def bparchive_env(password: str) -> dict[str, str]:
    """Environment for bparchive commands (password in a variable, as users do)."""
    return {**os.environ, "BENCH_IMAP_PASSWORD": password, "PYTHONDONTWRITEBYTECODE": "1"}


def bparchive_phases(run: measure.Run) -> dict[str, Any]:
    """Split a ``bparchive sync`` run into fetch / ingest / index from its progress lines."""
    fetch_end = max((t for t, line in run.lines if FOLDER_LINE.match(line)), default=0.0)
    ingest_end = next((t for t, line in run.lines if line.startswith("ingest:")), None)
    index_end = next((t for t, line in run.lines if line.startswith("index:")), None)
    engine_s = None
    for _t, line in run.lines:
        m = SUMMARY_LINE.match(line)
        if m:
            engine_s = float(m.group(2))
    ingest_end = ingest_end if ingest_end is not None else fetch_end
    index_end = index_end if index_end is not None else ingest_end
    return {
        "fetch_seconds": round(fetch_end, 3),
        "engine_seconds": engine_s,
        "ingest_seconds": round(ingest_end - fetch_end, 3),
        "index_seconds": round(index_end - ingest_end, 3),
        "tail_seconds": round(run.seconds - index_end, 3),
        "fetch_peak_tree_mb": round(run.peak_between(0, fetch_end), 1),
        "ingest_peak_tree_mb": round(run.peak_between(fetch_end, ingest_end), 1),
        "index_peak_tree_mb": round(run.peak_between(ingest_end, index_end), 1),
    }


def mem_fields(run: measure.Run) -> dict[str, Any]:
    """Time and memory of one run as JSON fields."""
    return {
        "seconds": round(run.seconds, 3),
        "peak_rss_mb": round(run.peak_rss_mb, 1),
        "peak_tree_mb": round(run.peak_tree_mb, 1),
        "cpu_seconds": round(run.cpu_seconds, 2),
        "load_before": run.load_before,
        "returncode": run.returncode,
    }


def resyncs(cmd: list[str], env: dict[str, str], n: int) -> dict[str, Any]:
    """Run a no-change resync ``n`` times; median, best and peak memory."""
    runs = [measure.run_measured(cmd, env=env).check() for _ in range(n)]
    secs = [r.seconds for r in runs]
    return {
        "seconds": round(measure.median(secs), 3),
        "best_seconds": round(min(secs), 3),
        "runs": [round(s, 3) for s in secs],
        "peak_rss_mb": round(max(r.peak_rss_mb for r in runs), 1),
        "peak_tree_mb": round(max(r.peak_tree_mb for r in runs), 1),
    }


def sync_benchmarks(
    server: Any, tmp: Path, skip: set[str], resync_runs: int
) -> tuple[dict[str, Any], Path]:
    """Initial and no-change syncs of bparchive, mbsync and offlineimap."""
    password = server.password(USER)
    env = bparchive_env(password)
    home = tmp / "bparchive-home"
    subprocess.run(
        [
            "bparchive",
            "--home",
            str(home),
            "account",
            "add",
            "bench",
            "--host",
            "127.0.0.1",
            "--port",
            str(server.port),
            "--user",
            USER,
            "--cafile",
            str(server.cafile),
            "--kind",
            "agency",
            "--password-env",
            "BENCH_IMAP_PASSWORD",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    out: dict[str, Any] = {}
    log("bparchive sync (initial: fetch, ingest, index)")
    run = measure.run_measured(["bparchive", "--home", str(home), "sync"], env=env, echo=True)
    run.check()
    out["bparchive"] = {**mem_fields(run), **bparchive_phases(run)}
    log("bparchive sync (no change)")
    out["bparchive"]["resync"] = resyncs(
        ["bparchive", "--home", str(home), "sync"], env, resync_runs
    )

    target = peers.ImapTarget("127.0.0.1", server.port, USER, password, server.cafile)
    if "mbsync" not in skip and measure.which("mbsync"):
        log("mbsync (initial, then no change)")
        rc, mail = peers.mbsync_config(tmp, target)
        first = measure.run_measured(peers.mbsync_cmd(rc)).check()
        out["mbsync"] = {**mem_fields(first), "maildir_disk_bytes": measure.du_bytes(mail)}
        out["mbsync"]["resync"] = resyncs(peers.mbsync_cmd(rc), dict(os.environ), resync_runs)
    if "offlineimap" not in skip and measure.which("offlineimap"):
        log("offlineimap (initial, then no change)")
        conf, mail = peers.offlineimap_config(tmp, target)
        first = measure.run_measured(peers.offlineimap_cmd(conf)).check()
        if "ERROR" in first.stdout or any("ERROR" in line for _, line in first.lines):
            raise RuntimeError("offlineimap: " + first.stdout[-2000:])
        out["offlineimap"] = {**mem_fields(first), "maildir_disk_bytes": measure.du_bytes(mail)}
        out["offlineimap"]["resync"] = resyncs(
            peers.offlineimap_cmd(conf), dict(os.environ), resync_runs
        )
    return out, home


# --------------------------------------------------------------------------- ingest


def ingest_benchmarks(
    corpus: Path,
    tmp: Path,
    messages: int,
    sync: dict[str, Any],
    skip: set[str],
    with_import: bool,
) -> dict[str, Any]:
    """bparchive's ingest+index rate against notmuch new and mu index."""
    bp = sync["bparchive"]
    work = bp["ingest_seconds"] + bp["index_seconds"]
    out: dict[str, Any] = {
        "messages": messages,
        "bparchive": {
            "source": "ingest + index phases of the initial sync",
            "seconds": round(work, 3),
            "ingest_seconds": bp["ingest_seconds"],
            "index_seconds": bp["index_seconds"],
            "msgs_per_s": round(messages / work, 1) if work else None,
            "peak_tree_mb": max(bp["ingest_peak_tree_mb"], bp["index_peak_tree_mb"]),
        },
    }
    if with_import:
        log("bparchive import of the Maildir into a fresh home")
        home = tmp / "bparchive-import-home"
        run = measure.run_measured(
            ["bparchive", "--home", str(home), "import", str(corpus), "--account", "local"],
            echo=True,
        ).check()
        ph = bparchive_phases(run)
        out["bparchive_import"] = {
            **mem_fields(run),
            **ph,
            "msgs_per_s": round(messages / run.seconds, 1),
        }
    if "notmuch" not in skip and measure.which("notmuch"):
        log("notmuch new")
        conf, db = peers.notmuch_config(tmp, corpus)
        run = measure.run_measured(["notmuch", "new", "--quiet"], env=peers.notmuch_env(conf))
        run.check()
        out["notmuch"] = {
            **mem_fields(run),
            "msgs_per_s": round(messages / run.seconds, 1),
            "db_disk_bytes": measure.du_bytes(db),
            "config": str(conf),
        }
    if "mu" not in skip and measure.which("mu"):
        log("mu init + mu index")
        home = peers.mu_home(tmp)
        init = measure.run_measured(["mu", "init", f"--maildir={corpus}", f"--muhome={home}"])
        run = measure.run_measured(["mu", "index", f"--muhome={home}", "--quiet"]).check()
        total = init.check().seconds + run.seconds
        out["mu"] = {
            **mem_fields(run),
            "seconds": round(total, 3),
            "msgs_per_s": round(messages / total, 1),
            "db_disk_bytes": measure.du_bytes(home),
            "home": str(home),
        }
    return out


# --------------------------------------------------------------------------- PDF


def collect_pdfs(corpus: Path, dest: Path, max_files: int, max_bytes: int) -> dict[str, Any]:
    """Write the corpus's distinct PDF attachments into ``dest`` (first ``max_files``)."""
    dest.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    skipped_big = 0
    for path in sorted(p for p in corpus.rglob("*") if p.is_file() and p.parent.name == "cur"):
        if len(seen) >= max_files:
            break
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for part in msg.walk():
            name = part.get_filename() or ""
            if part.get_content_type() != "application/pdf" and not name.lower().endswith(".pdf"):
                continue
            data = part.get_payload(decode=True) or b""
            if len(data) > max_bytes:
                skipped_big += 1
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen or not data:
                continue
            seen.add(digest)
            (dest / f"{len(seen):05d}.pdf").write_bytes(data)
    files = sorted(dest.glob("*.pdf"))
    return {
        "files": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "skipped_larger_than_bytes": max_bytes,
        "skipped_big": skipped_big,
    }


def pdf_benchmarks(corpus: Path, tmp: Path, skip: set[str], max_files: int) -> dict[str, Any]:
    """bparchive's ExtractorPool (2 workers) vs one pdftotext process per file."""
    from bparchive.extract import ExtractorPool

    pdf_dir = tmp / "pdfs"
    log("collecting PDF attachments")
    out: dict[str, Any] = {"set": collect_pdfs(corpus, pdf_dir, max_files, 20 * 2**20)}
    files = sorted(pdf_dir.glob("*.pdf"))
    if not files:
        return out
    log(f"bparchive ExtractorPool(workers=2) over {len(files)} PDFs")
    jobs = [(f.name, f.read_bytes(), f.name, "application/pdf") for f in files]
    pages = 0
    statuses: dict[str, int] = {}
    with ExtractorPool(workers=2) as pool:
        pool.extract(jobs[0][1], jobs[0][2], jobs[0][3])  # start the workers: not timed
        start = time.perf_counter()
        for _key, ex in pool.map(jobs):
            pages += ex.pages
            statuses[ex.status] = statuses.get(ex.status, 0) + 1
        secs = time.perf_counter() - start
    out["pages"] = pages
    out["bparchive"] = {
        "seconds": round(secs, 3),
        "pages_per_s": round(pages / secs, 1),
        "workers": 2,
        "statuses": statuses,
    }
    if "pdftotext" not in skip and measure.which("pdftotext"):
        log(f"pdftotext, one process per file, over {len(files)} PDFs")
        start = time.perf_counter()
        failed = 0
        for f in files:
            res = subprocess.run(
                ["pdftotext", "-q", str(f), str(f.with_suffix(".txt"))],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            failed += res.returncode != 0
        secs = time.perf_counter() - start
        out["pdftotext"] = {
            "seconds": round(secs, 3),
            "pages_per_s": round(pages / secs, 1),
            "failed": failed,
        }
    return out


# --------------------------------------------------------------------------- search


def _stats(ms: list[float]) -> dict[str, Any]:
    return {
        "p50_ms": round(measure.median(ms), 2),
        "p95_ms": round(measure.percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2) if ms else None,
        "samples": len(ms),
    }


def search_benchmarks(
    home: Path, nm_conf: str | None, mu_home: str | None, rounds: int, cmd_rounds: int
) -> dict[str, Any]:
    """Latency of the queries in-process, as a command, and for notmuch and mu."""
    from bparchive.errors import BPArchiveError
    from bparchive.services import Archive
    from bparchive.services.search import SearchService

    out: dict[str, Any] = {"queries": [], "rounds_in_process": rounds, "rounds_command": cmd_rounds}
    archive = Archive(home)
    svc = SearchService(archive)
    per: dict[str, dict[str, Any]] = {}
    try:
        log("search: bparchive in-process (after a warm-up round)")
        for q in peers.QUERIES:
            try:
                per[q.bparchive] = {"hits": svc.search(q.bparchive, limit=50).total}
            except BPArchiveError as e:
                per[q.bparchive] = {"hits": None, "error": str(e)}
        all_ms: list[float] = []
        for q in peers.QUERIES:
            if per[q.bparchive].get("error"):
                continue
            ms = []
            for _ in range(rounds):
                t = time.perf_counter()
                svc.search(q.bparchive, limit=50)
                ms.append((time.perf_counter() - t) * 1000)
            per[q.bparchive]["in_process_ms"] = round(measure.median(ms), 2)
            all_ms += ms
        out["bparchive_in_process"] = _stats(all_ms)
    finally:
        svc.close()
        archive.close()

    def subprocess_latency(name: str, make: Any, env: dict[str, str] | None = None) -> None:
        log(f"search: {name}")
        all_ms: list[float] = []
        for q in peers.QUERIES:
            cmd = make(q)
            try:
                measure.time_command(cmd, env=env)  # warm-up (page cache)
                ms = [measure.time_command(cmd, env=env) for _ in range(cmd_rounds)]
            except subprocess.CalledProcessError as e:
                # mu find exits 4 (no matches): still a timed answer.
                if name == "mu" and e.returncode in (2, 4):
                    ms = [_timed_ok(cmd, env) for _ in range(cmd_rounds)]
                else:
                    per[q.bparchive][f"{name}_error"] = f"exit {e.returncode}"
                    continue
            per[q.bparchive][f"{name}_ms"] = round(measure.median(ms), 2)
            all_ms += ms
        out[name] = _stats(all_ms)

    subprocess_latency(
        "bparchive_command",
        lambda q: [
            "bparchive",
            "--home",
            str(home),
            "search",
            "--json",
            "--limit",
            "50",
            q.bparchive,
        ],
    )
    if nm_conf:
        env = peers.notmuch_env(Path(nm_conf))
        subprocess_latency("notmuch", lambda q: ["notmuch", "search", "--limit=50", q.notmuch], env)
        for q in peers.QUERIES:
            res = subprocess.run(
                ["notmuch", "count", q.notmuch],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            per[q.bparchive]["notmuch_hits"] = int(res.stdout.strip() or 0)
    if mu_home:
        subprocess_latency(
            "mu", lambda q: ["mu", "find", f"--muhome={mu_home}", "--maxnum=50", q.mu]
        )
    out["queries"] = [
        {"query": q.bparchive, "kind": q.kind, "notmuch": q.notmuch, "mu": q.mu, **per[q.bparchive]}
        for q in peers.QUERIES
    ]
    return out


def _timed_ok(cmd: list[str], env: dict[str, str] | None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - start) * 1000


# --------------------------------------------------------------------------- agreement


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(c for c in text if not unicodedata.combining(c)).replace("\u0111", "d")


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", text.lower())))


def _date_range(q: str) -> tuple[date, date] | None:
    m = re.search(r"date:(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:\.\.(\d{4})-(\d{2})-(\d{2}))?", q)
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if m.group(4):
        return date(y, int(mo), int(d)), date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
    if mo:
        start = date(y, int(mo), 1)
        nxt = date(y + (start.month == 12), start.month % 12 + 1, 1)
        return start, nxt - timedelta(days=1)
    return date(y, 1, 1), date(y, 12, 31)


def explain(q: peers.Query, h: dict[str, str], side: str) -> str:
    """A short reason why one message is in only one of the two result sets."""
    if "error" in h:
        return "header unreadable"
    if q.bparchive.startswith("date:"):
        rng = _date_range(q.bparchive)
        try:
            when = email.utils.parsedate_to_datetime(h["date"])
        except (TypeError, ValueError):
            return "Date header unparsable (bparchive falls back to INTERNALDATE)"
        if rng and when.tzinfo is not None:
            local = when.date()
            utc = when.astimezone(UTC).date()
            in_local = rng[0] <= local <= rng[1]
            in_utc = rng[0] <= utc <= rng[1]
            if in_local != in_utc:
                return "time zone: the Date is on the range's edge (+07:00 vs UTC day)"
        return "unexplained"
    if q.bparchive.startswith("from:"):
        want = q.bparchive.split(":", 1)[1].lower()
        addr = h["from"].lower()
        if side == "notmuch" and want not in re.findall(r"[\w.+-]+@[\w.-]+", addr):
            return "notmuch from: matches the address words as a phrase (name.syt@… for syt@…)"
        return "unexplained"
    if q.bparchive.startswith("subject:"):
        phrase = q.bparchive.split(":", 1)[1].strip('"')
        subj = h["subject"]
        exact = _words(phrase) in _words(subj)
        folded = _fold(_words(phrase)) in _fold(_words(subj))
        if side == "bparchive" and h.get("split_encoded_word"):
            return "encoded word cut inside a character: bparchive joins, notmuch drops it"
        if side == "bparchive" and not unicodedata.is_normalized("NFC", subj):
            return "subject in decomposed Unicode (NFD): bparchive normalises, notmuch does not"
        if side == "bparchive" and folded and not exact:
            return "accent-free or other tone-form match (bparchive folds, notmuch does not)"
        if side == "bparchive" and not folded:
            return "legacy-encoded subject (TCVN3/VNI…) that bparchive repairs, notmuch cannot"
        if side == "notmuch" and exact:
            return "bparchive should match (same subject words)"
        return "unexplained"
    return "unexplained"


def agreement(home: Path, nm_conf: str | None, headers: dict[str, dict[str, str]]) -> list[Any]:
    """For from:/subject:/date: queries: counts, intersection, classified differences."""
    if not nm_conf:
        return []
    from bparchive.index.indexer import Index
    from bparchive.index.search import Searcher
    from bparchive.services import Archive

    archive = Archive(home)
    store = archive.reader()
    index = Index.open(archive.paths.index_dir)
    searcher = Searcher(index)
    msgid = {
        r[0]: (r[1] or "").strip().strip("<>")
        for r in store.execute("SELECT id, msgid FROM messages")
    }
    env = peers.notmuch_env(Path(nm_conf))
    rows = []
    try:
        for q in (q for q in peers.QUERIES if q.compare):
            # Date order: every match (relevance order re-ranks only the best 500).
            res = searcher.search(q.bparchive, limit=1_000_000, sort="date")
            bp_ids = [msgid[h.id] for h in res.hits]
            bp = set(bp_ids)
            nm_out = subprocess.run(
                ["notmuch", "search", "--output=messages", q.notmuch],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            nm = {line[3:] for line in nm_out.splitlines() if line.startswith("id:")}
            reasons: dict[str, int] = {}
            examples: list[dict[str, str]] = []
            for side, only in (("bparchive", bp - nm), ("notmuch", nm - bp)):
                for mid in sorted(only):
                    h = headers.get(mid, {"error": "not in corpus"})
                    why = f"only {side}: " + explain(q, h, side)
                    reasons[why] = reasons.get(why, 0) + 1
                    if reasons[why] <= 3:  # a few of each reason, the unexplained ones too
                        examples.append({"side": side, "message_id": mid, "why": why, **h})
            rows.append(
                {
                    "query": q.bparchive,
                    "notmuch_query": q.notmuch,
                    "bparchive_results": len(bp_ids),
                    "bparchive_distinct_msgids": len(bp),
                    "notmuch_results": len(nm),
                    "both": len(bp & nm),
                    "reasons": reasons,
                    "examples": examples,
                }
            )
    finally:
        searcher.close()
        index.close()
        store.close()
        archive.close()
    return rows


# --------------------------------------------------------------------------- disk


def disk(home: Path, corpus_info: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    """Bytes on disk of every copy and index, and the index/raw ratios."""
    from bparchive.services import Archive

    paths = Archive(home).paths
    db = sum(measure.du_bytes(p) for p in paths.db_file.parent.glob(paths.db_file.name + "*"))
    index = measure.du_bytes(paths.index_dir)
    raw = corpus_info["raw_bytes"]
    raw_small = corpus_info["raw_bytes_without_largest"]
    out: dict[str, Any] = {
        "raw_mail_bytes": raw,
        "raw_mail_bytes_without_big": raw_small,
        "corpus_maildir": corpus_info["maildir_disk_bytes"],
        "bparchive_home": measure.du_bytes(home),
        "bparchive_sqlite": db,
        "bparchive_index": index,
        "index_over_raw": round(index / raw, 3),
        "index_over_raw_without_big": round(index / raw_small, 3),
    }
    sync = results.get("sync", {})
    ing = results.get("ingest", {})
    for name, src in (
        ("mbsync_maildir", sync.get("mbsync")),
        ("offlineimap_maildir", sync.get("offlineimap")),
        ("notmuch_db", ing.get("notmuch")),
        ("mu_db", ing.get("mu")),
    ):
        if src:
            out[name] = src.get("maildir_disk_bytes") or src.get("db_disk_bytes")
    for name in ("notmuch_db", "mu_db"):
        if out.get(name):
            out[name.replace("_db", "_db_over_raw")] = round(out[name] / raw, 3)
    return out


# --------------------------------------------------------------------------- machine


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    mem = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "ram_mb": mem,
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "bparchive_commit": commit,
        "versions": {
            "bparchive": measure.version_of(["bparchive", "--version"]),
            "mbsync": measure.version_of(["mbsync", "--version"]),
            "offlineimap": measure.version_of(["offlineimap", "--version"]),
            "notmuch": measure.version_of(["notmuch", "--version"]),
            "mu": measure.version_of(["mu", "--version"]),
            "pdftotext": measure.version_of(["pdftotext", "-v"]),
            "dovecot": measure.version_of(["dovecot", "--version"]),
        },
    }


# --------------------------------------------------------------------------- run


@contextlib.contextmanager
def workdir(keep: bool) -> Iterator[Path]:
    """A temporary folder removed afterwards (even on failure) unless ``keep``."""
    path = Path(tempfile.mkdtemp(prefix="bpbench-"))
    try:
        yield path
    finally:
        if keep:
            log(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def run_size(size: int, args: argparse.Namespace, skip: set[str]) -> dict[str, Any]:
    """Every measurement for one corpus size."""
    from tests.dovecot import DovecotServer

    started = time.perf_counter()
    results: dict[str, Any] = {
        "size": size,
        "started": datetime.now().isoformat(timespec="seconds"),
    }
    with workdir(args.keep) as tmp:
        corpus = tmp / "corpus"
        log(f"generating {size} messages (seed {args.seed}, +{args.big_mb} MB attachment)")
        results["corpus"] = info = build_corpus(corpus, size, args.seed, args.big_mb)
        server = DovecotServer(
            users={USER: "bench-" + hashlib.sha256(os.urandom(8)).hexdigest()[:16]}
        )
        try:
            server.start()
            log("loading the corpus into the private Dovecot")
            t = time.perf_counter()
            results["corpus"]["dovecot_folders"] = load_dovecot(server, corpus, tmp)
            results["corpus"]["dovecot_load_seconds"] = round(time.perf_counter() - t, 2)
            results["sync"], home = sync_benchmarks(server, tmp, skip, args.resync_runs)
        finally:
            server.close()
        results["ingest"] = ingest_benchmarks(
            corpus, tmp, info["messages"], results["sync"], skip, args.with_import
        )
        nm_conf = results["ingest"].get("notmuch", {}).get("config")
        mu_dir = results["ingest"].get("mu", {}).get("home")
        stages = {
            "pdf": lambda: pdf_benchmarks(corpus, tmp, skip, args.pdf_files),
            "search": lambda: search_benchmarks(
                home, nm_conf, mu_dir, args.rounds, args.cmd_rounds
            ),
            "agreement": lambda: agreement(home, nm_conf, message_headers(corpus)),
            "disk": lambda: disk(home, info, results),
        }
        for name, stage in stages.items():
            # One failed stage (a peer missing, the tree changing under a long run) must not
            # throw away the minutes of measurements before it: record it and go on.
            try:
                results[name] = stage()
            except Exception as e:
                log(f"{name} failed: {type(e).__name__}: {e}")
                results.setdefault("errors", {})[name] = f"{type(e).__name__}: {e}"
    for part in ("notmuch", "mu"):
        results["ingest"].get(part, {}).pop("config", None)
        results["ingest"].get(part, {}).pop("home", None)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run every size, print, write JSON and the docs."""
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--size",
        type=int,
        action="append",
        default=[],
        help="corpus size (repeatable), e.g. 2000, 10000, 100000",
    )
    ap.add_argument("--sizes", default="", help="comma-separated sizes, e.g. 2000,10000")
    ap.add_argument("--skip-peers", default="", help=f"comma-separated: {','.join(PEERS)}")
    ap.add_argument("--out", type=Path, default=BENCH / "out", help="results folder")
    ap.add_argument("--docs", type=Path, default=ROOT / "docs", help="where benchmarks.md goes")
    ap.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--big-mb", type=int, default=50, help="size of the big PDF attachment")
    ap.add_argument("--rounds", type=int, default=5, help="in-process search rounds")
    ap.add_argument("--cmd-rounds", type=int, default=3, help="rounds for search commands")
    ap.add_argument("--resync-runs", type=int, default=3)
    ap.add_argument("--pdf-files", type=int, default=600, help="PDFs in the extraction set")
    ap.add_argument(
        "--with-import",
        action="store_true",
        help="also time `bparchive import` of the Maildir into a fresh home",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite docs/benchmarks.md from the JSON files in --out, run nothing",
    )
    args = ap.parse_args(argv)
    if args.report_only:
        write_docs(args)
        return 0
    sizes = list(args.size) + [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes:
        ap.error("give --size N (or --sizes N,M)")
    skip = {s.strip() for s in args.skip_peers.split(",") if s.strip()}
    if unknown := skip - set(PEERS):
        ap.error(f"unknown peers in --skip-peers: {', '.join(sorted(unknown))}")
    if not Path(measure.GNU_TIME).exists():
        ap.error("GNU time is missing: apt-get install time")
    args.out.mkdir(parents=True, exist_ok=True)
    mach = machine()
    command = "bench/run " + " ".join(argv if argv is not None else sys.argv[1:])
    if len(sizes) > 1:
        # One fresh interpreter per size: a long run must not mix bparchive code imported
        # at its start with the code its `bparchive` subprocesses run later.
        rest = _without_sizes(argv if argv is not None else sys.argv[1:])
        for size in sizes:
            cmd = [sys.executable, str(BENCH / "run"), "--size", str(size), "--no-docs", *rest]
            subprocess.run(cmd, check=True)
        if not args.no_docs:
            write_docs(args)
        return 0
    for size in sizes:
        res = run_size(size, args, skip)
        res["machine"] = mach
        res["command"] = command
        path = args.out / f"results-{size}.json"
        path.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(report.tables(res))
        log(f"wrote {path} ({res['total_seconds']} s)")
    if not args.no_docs:
        write_docs(args)
    return 0


def _without_sizes(argv: list[str]) -> list[str]:
    out: list[str] = []
    skip_next = False
    for a in argv:
        if skip_next:
            skip_next = False
        elif a in ("--size", "--sizes"):
            skip_next = True
        elif not a.startswith(("--size=", "--sizes=")) and a != "--no-docs":
            out.append(a)
    return out


def write_docs(args: argparse.Namespace) -> None:
    """Rebuild docs/benchmarks.md (and the plot) from every results file."""
    every = report.load_all(args.out)
    png = report.plot(every, args.docs / "bench-scaling.png")
    (args.docs / "benchmarks.md").write_text(report.markdown(every, png), encoding="utf-8")
    log(f"wrote {args.docs / 'benchmarks.md'}" + (f" and {png}" if png else ""))
