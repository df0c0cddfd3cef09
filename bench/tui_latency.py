"""TUI latency benchmark: command to first usable screen, keystroke to updated results.

Run by hand (not a test)::

    python bench/tui_latency.py --count 100000      # builds bench/out/tui-100000 once, then measures
    python bench/tui_latency.py --count 10000 --count 20000

For each size it builds (once, cached under ``bench/out/tui-N``) an archive by
importing ``bparchive.demo.generator`` output (text-only messages) through
``Archive.import_path``, and prints the build time. Then:

* **startup**: a fresh interpreter is launched; the time from the launch to
  the first screen showing results (the app run headless with Pilot, the
  first search rendered) is measured, 5 runs, median and max;
* **keystroke**: in-process with Pilot, realistic queries are typed one key
  at a time; for each key the time from the key press to the results of that
  exact text being on screen (debounce + search worker + table update +
  refresh) is recorded; p50, p95 and max are printed.

Targets (issue 6): startup < 1 s, keystroke p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"

QUERIES = [
    "báo cáo",
    "baos caos tuaanf",
    "giấy mời họp",
    "công văn 2024",
    "so:31/BC",
    "from:sotttt",
    "chuyển đổi số",
    "thu moi",
]


def build(count: int) -> Path:
    """The archive for ``count`` messages (built on first use, then reused)."""
    from bparchive.demo.generator import generate
    from bparchive.demo.writers import write_mbox
    from bparchive.services import Archive

    home = OUT / f"tui-{count}"
    done = home / "BUILT"
    if done.exists():
        print(f"[{count}] cached archive {home} (built in {done.read_text().strip()})")
        return home
    home.mkdir(parents=True, exist_ok=True)
    mbox = OUT / f"tui-{count}.mbox"
    t0 = time.perf_counter()
    write_mbox(mbox, generate(count, 7, attachments=False))
    t1 = time.perf_counter()
    Archive(home).import_path(mbox, "bench")
    t2 = time.perf_counter()
    mbox.unlink()
    note = f"{t2 - t0:.0f} s: generate {t1 - t0:.0f} s, import+ingest+index {t2 - t1:.0f} s"
    done.write_text(note + "\n")
    print(f"[{count}] built {home} in {note}")
    return home


def startup_child(home: str, launched: float) -> None:
    """Runs in a fresh interpreter: open the TUI headless and report when results are on screen."""
    from bparchive.services import Archive
    from bparchive.tui.app import BPArchiveApp

    async def run() -> tuple[float, float]:
        app = BPArchiveApp(Archive(home), language="vi", check_network=False)
        async with app.run_test(size=(120, 36)) as pilot:
            while True:
                screen = app.search_screen()
                if screen is not None and screen.query_one("#search").has_focus:
                    break
                await pilot.pause(0.005)
            painted = time.time() - launched
            while True:
                screen = app.search_screen()
                if (
                    screen is not None
                    and screen.searches_done
                    and screen.query_one("#results").row_count
                ):
                    break
                await pilot.pause(0.005)
            await pilot.pause(0)  # one refresh: the rows are painted
            return painted, time.time() - launched

    painted, results = asyncio.run(run())
    print(f"{painted:.4f} {results:.4f}")


def startup(home: Path, runs: int = 5) -> list[tuple[float, float]]:
    """(search box ready, first results on screen) seconds after launch, per run."""
    out = []
    for _ in range(runs):
        launched = time.time()
        res = subprocess.run(
            [sys.executable, __file__, "--startup-child", str(home), repr(launched)],
            capture_output=True,
            text=True,
            check=True,
        )
        painted, results = res.stdout.strip().splitlines()[-1].split()
        out.append((float(painted), float(results)))
    return out


def keystrokes(home: Path) -> list[float]:
    from bparchive.services import Archive
    from bparchive.tui.app import BPArchiveApp
    from bparchive.tui.screens import search as search_mod

    stamps: dict[int, float] = {}
    original = search_mod.SearchScreen.on_search_completed
    original_failed = search_mod.SearchScreen.on_search_failed

    def stamped(self, message):  # type: ignore[no-untyped-def]
        original(self, message)
        self.call_after_refresh(lambda: stamps.setdefault(message.seq, time.perf_counter()))

    def stamped_failed(self, message):  # type: ignore[no-untyped-def]
        # A half-typed query ("so:") is refused with a hint: that is its update.
        original_failed(self, message)
        self.call_after_refresh(lambda: stamps.setdefault(message.seq, time.perf_counter()))

    search_mod.SearchScreen.on_search_completed = stamped  # type: ignore[method-assign]
    search_mod.SearchScreen.on_search_failed = stamped_failed  # type: ignore[method-assign]
    latencies: list[float] = []

    async def run() -> None:
        app = BPArchiveApp(Archive(home), language="vi", check_network=False)
        async with app.run_test(size=(120, 36)) as pilot:
            while not (app.search_screen() and app.search_screen().searches_done):
                await pilot.pause(0.01)
            screen = app.search_screen()
            box = screen.query_one("#search")
            for q in QUERIES:
                box.value = ""
                await pilot.pause(0.2)
                for ch in q:
                    t0 = time.perf_counter()
                    await pilot.press(ch)
                    while not (
                        screen._timer is None
                        and screen.completed_seq == screen.seq
                        and screen.seq in stamps
                    ):
                        await pilot.pause(0.001)
                    latencies.append(stamps[screen.seq] - t0)

    asyncio.run(run())
    search_mod.SearchScreen.on_search_completed = original  # type: ignore[method-assign]
    search_mod.SearchScreen.on_search_failed = original_failed  # type: ignore[method-assign]
    return latencies


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--startup-child":
        startup_child(sys.argv[2], float(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, action="append", help="archive sizes (default 100000)")
    args = parser.parse_args()
    for count in args.count or [100_000]:
        home = build(count)
        st = startup(home)
        ready = [a for a, _ in st]
        shown = [b for _, b in st]
        print(
            f"[{count}] startup, launch to search box ready: median {statistics.median(ready) * 1000:.0f} ms, "
            f"max {max(ready) * 1000:.0f} ms; to first results on screen: median "
            f"{statistics.median(shown) * 1000:.0f} ms, max {max(shown) * 1000:.0f} ms (target < 1000 ms)"
        )
        lat = keystrokes(home)
        print(
            f"[{count}] keystroke to updated results over {len(lat)} keys: "
            f"p50 {pct(lat, 50) * 1000:.0f} ms, p95 {pct(lat, 95) * 1000:.0f} ms, "
            f"max {max(lat) * 1000:.0f} ms (target p95 < 150 ms)"
        )


if __name__ == "__main__":
    main()
