"""Searches in other processes while a sync writes: no lock error, consistent results.

``python -m bparchive search … --json`` runs in a loop while ``bparchive sync``
fetches, ingests and indexes. Every search must succeed (exit 0, no "locked" or
"busy"), every returned id must exist, ``show ID --json`` must work for it, and
its subject must carry the word searched for.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.faults.support import (
    assert_index_equals_store,
    db_state,
    run_cli,
    start_cli,
    tagged_corpus,
    wait_until,
)
from tests.sync.helpers import archive_for


@pytest.mark.slow
def test_search_in_other_processes_while_sync_writes(imap_user, tmp_path: Path) -> None:
    corpus = tagged_corpus(100, seed=5)
    corpus.load(imap_user.server, imap_user.name)
    tokens = sorted(set(corpus.token_by_sha.values()))
    home = tmp_path / "home"
    archive_for(home, imap_user).close()
    db = home / "archive.sqlite3"
    rng = random.Random(5)

    proc = start_cli(home, "sync", env={"BP_TEST_PW": imap_user.password})
    assert wait_until(lambda: db_state(db).locations > 0 or proc.poll() is not None, 60)
    results: list[tuple[str, list[dict], str]] = []
    failures: list[str] = []
    stop = threading.Event()

    def searcher() -> None:
        while not stop.is_set():
            q = rng.choice(
                [f"subject:{rng.choice(tokens)}", "công văn", "báo cáo", rng.choice(tokens)]
            )
            r = run_cli(home, "search", q, "--json", "--limit", "50", timeout=60)
            low = r.stderr.lower()
            if r.returncode != 0 or "locked" in low or "busy" in low or "traceback" in low:
                failures.append(f"search {q!r}: exit {r.returncode}: {r.stderr[-2000:]}")
                continue
            try:
                rows = json.loads(r.stdout)
            except ValueError:
                failures.append(f"search {q!r}: not JSON: {r.stdout[:500]}")
                continue
            results.append((q, rows, db_state(db).__repr__()))
            if rows:
                s = run_cli(home, "show", str(rows[0]["id"]), "--json", timeout=60)
                if s.returncode != 0:
                    failures.append(
                        f"show {rows[0]['id']}: exit {s.returncode}: {s.stderr[-2000:]}"
                    )
                elif json.loads(s.stdout)["id"] != rows[0]["id"]:
                    failures.append(f"show {rows[0]['id']} returned another message")

    threads = [threading.Thread(target=searcher) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        out, err = proc.communicate(timeout=300)
    finally:
        stop.set()
        for t in threads:
            t.join(120)
    assert proc.returncode == 0, out + err
    assert not failures, "\n".join(failures)
    assert len(results) >= 6, f"only {len(results)} searches ran during the sync"
    assert any(rows for _q, rows, _s in results), "no search saw a result while the sync wrote"

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    known = {i for (i,) in con.execute("SELECT id FROM messages")}
    con.close()
    for q, rows, when in results:
        for row in rows:
            assert row["id"] in known, (q, row["id"], when)
            if q.startswith("subject:"):
                assert q.split(":", 1)[1] in row["subject"], (q, row["subject"], when)
    assert_index_equals_store(home, corpus.token_by_sha)
