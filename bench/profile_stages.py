"""Profile bparchive's slow stages in-process with cProfile and print the top functions.

Who calls it and why: run by hand after ``bench/run`` shows a missed target, to say
where the time goes. It imports a generated Maildir into a fresh home (store only, no
ingest), then profiles, each on its own:

- ``ingest``: :func:`bparchive.ingest.workers.process` (parse, attachment text, filing)
  over every message, in this process (the real run spreads it over worker processes);
- ``index``: :func:`bparchive.index.from_store.catch_up` after the ingest;
- ``search``: the ~30 benchmark queries through ``SearchService`` (limit 50, snippets);
- ``cli``: the import time of ``bparchive search`` (``python -X importtime``).

Usage: ``python bench/profile_stages.py --count 500 [--stages ingest,index,search,cli]``
Not a test; it measures nothing against a peer (``bench/run`` does).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import peers  # noqa: E402


def top(prof: cProfile.Profile, n: int, sort: str) -> str:
    """The ``n`` top lines of a profile sorted by ``sort``."""
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(sort).print_stats(n)
    lines = buf.getvalue().splitlines()
    start = next((i for i, x in enumerate(lines) if "ncalls" in x), 0)
    return "\n".join(lines[start : start + n + 1])


def main() -> int:
    """Build the home, profile the stages, print the top functions."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stages", default="ingest,index,search,cli")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    stages = set(args.stages.split(","))

    from bparchive.index.from_store import catch_up
    from bparchive.ingest.pipeline import IngestReport, _write, limits_from, user_rules
    from bparchive.ingest.workers import process, worker_config
    from bparchive.services import Archive
    from bparchive.sync.importer import import_path

    tmp = Path(tempfile.mkdtemp(prefix="bpprof-"))
    try:
        corpus = tmp / "corpus"
        subprocess.run(
            [
                sys.executable,
                str(BENCH / "gen_corpus.py"),
                "--count",
                str(args.count),
                "--seed",
                str(args.seed),
                "--out",
                str(corpus),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        archive = Archive(tmp / "home")
        store = archive.store
        t = time.perf_counter()
        import_path(store, corpus, "local")
        print(f"store-only import of {args.count}: {time.perf_counter() - t:.1f} s")
        settings = archive.settings
        mail_limits, ext_limits = limits_from(settings)
        cfg = worker_config(
            store.path, settings.limits.memory_mb, mail_limits, ext_limits, user_rules(settings)
        )
        mids = [r[0] for r in store.execute("SELECT id FROM messages ORDER BY id")]
        if stages & {"ingest", "index", "search"}:
            prof = cProfile.Profile()
            t = time.perf_counter()
            prof.enable()
            results = [process(store, mid, cfg) for mid in mids]
            prof.disable()
            secs = time.perf_counter() - t
            print(
                f"\n== ingest (in one process): {len(mids)} msgs in {secs:.1f} s "
                f"({len(mids) / secs:.1f} msg/s)"
            )
            if "ingest" in stages:
                print(top(prof, args.top, "cumulative"))
                print(top(prof, args.top, "tottime"))
            prof = cProfile.Profile()
            t = time.perf_counter()
            prof.enable()
            rep = IngestReport()
            for k in range(0, len(results), 200):
                _write(store, settings, results[k : k + 200], rep)
            prof.disable()
            print(f"\n== ingest write to SQLite: {time.perf_counter() - t:.1f} s")
            if "ingest" in stages:
                print(top(prof, 12, "cumulative"))
        if stages & {"index", "search"}:
            prof = cProfile.Profile()
            t = time.perf_counter()
            prof.enable()
            catch_up(store, archive.paths.index_dir)
            prof.disable()
            secs = time.perf_counter() - t
            print(
                f"\n== index catch_up: {len(mids)} msgs in {secs:.1f} s "
                f"({len(mids) / secs:.1f} msg/s)"
            )
            if "index" in stages:
                print(top(prof, args.top, "cumulative"))
                print(top(prof, args.top, "tottime"))
        if "search" in stages:
            from bparchive.services.search import SearchService

            svc = SearchService(archive)
            for q in peers.QUERIES:
                svc.search(q.bparchive, limit=50)
            prof = cProfile.Profile()
            t = time.perf_counter()
            prof.enable()
            for _ in range(3):
                for q in peers.QUERIES:
                    svc.search(q.bparchive, limit=50)
            prof.disable()
            ms = (time.perf_counter() - t) * 1000 / (3 * len(peers.QUERIES))
            print(f"\n== search: mean {ms:.1f} ms per query")
            print(top(prof, args.top, "cumulative"))
            print(top(prof, args.top, "tottime"))
            svc.close()
        if "cli" in stages:
            res = subprocess.run(
                [
                    sys.executable,
                    "-X",
                    "importtime",
                    "-m",
                    "bparchive",
                    "--home",
                    str(tmp / "home"),
                    "search",
                    "--json",
                    "báo cáo",
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            rows = []
            for line in res.stderr.splitlines():
                parts = line.split("|")
                if len(parts) == 3 and parts[1].strip().isdigit():
                    rows.append((int(parts[1]), parts[2].rstrip()))
            rows.sort(reverse=True)
            print("\n== `bparchive search` imports (cumulative µs, top 20)")
            for us, name in rows[:20]:
                print(f"{us:>10,}  {name}")
        archive.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
