"""``kill -9`` at seeded random moments of sync, ingest and indexing.

After every kill ``bparchive doctor --json`` must be clean; after a final,
uninterrupted ``bparchive sync`` the archive must equal the server (SHA-256 per
folder and UID), the index must equal the store (no drift) and every message
must be found by its unique subject word. Extractor worker processes must not
outlive the killed ``bparchive``.
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.faults.support import (
    assert_archive_equals_server,
    assert_doctor_clean,
    assert_index_equals_store,
    db_state,
    descendants,
    kill_tree_leftovers,
    run_cli,
    set_settings,
    start_cli,
    tagged_corpus,
    wait_until,
)
from tests.sync.helpers import archive_for

SEED = 20240701
KILLS_WANTED = 21
PER_PHASE_WANTED = 5
MAX_ROUNDS = 12


def _phase(state, total_locations: int, distinct: int) -> str:  # type: ignore[no-untyped-def]
    """Where the pipeline stood when it died, judged from the committed state."""
    if state.locations < total_locations:
        return "sync"
    if state.ingested < distinct:
        return "ingest"
    if state.indexed < distinct:
        return "index"
    return "done"


@pytest.mark.slow
def test_kill_9_at_random_moments_of_sync_ingest_and_index(imap_user, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    corpus = tagged_corpus(90, seed=3)
    corpus.load(imap_user.server, imap_user.name)
    env = {"BP_TEST_PW": imap_user.password}

    kills: Counter[str] = Counter()
    leaked: list[int] = []
    log: list[str] = []
    rounds = 0
    while (
        sum(kills.values()) < KILLS_WANTED
        or min(kills[p] for p in ("sync", "ingest", "index")) < PER_PHASE_WANTED
    ) and rounds < MAX_ROUNDS:
        rounds += 1
        home = tmp_path / f"home{rounds}"
        archive_for(home, imap_user).close()
        set_settings(home, batch_size=3, workers=2)
        db = home / "archive.sqlite3"
        plan = (
            ["sync"] * rng.randint(1, 3)
            + ["ingest"] * rng.randint(2, 3)
            + ["index"] * rng.randint(1, 2)
        )
        for target in plan:
            proc = start_cli(home, "sync", env=env)
            before = db_state(db)
            if target == "sync":
                if before.locations >= corpus.locations:
                    proc.wait(timeout=120)
                    continue
                goal = rng.randint(before.locations + 1, corpus.locations - 1)
                wait_until(
                    lambda g=goal, db=db, proc=proc: (
                        db_state(db).locations >= g or proc.poll() is not None
                    )
                )
            elif target == "ingest":
                wait_until(
                    lambda db=db, proc=proc: (
                        db_state(db).locations >= corpus.locations or proc.poll() is not None
                    )
                )
                time.sleep(rng.uniform(0.1, 1.5))
            else:
                wait_until(
                    lambda db=db, proc=proc: (
                        db_state(db).ingested >= corpus.distinct or proc.poll() is not None
                    ),
                    timeout=120,
                )
                # Ingest has committed its last message: indexing 90 of them takes well under
                # a second, so aim early.
                time.sleep(rng.uniform(0.0, 0.4))
            if proc.poll() is not None:
                log.append(f"round {rounds}: {target} target missed, run finished")
                proc.communicate()
                break
            children = descendants(proc.pid)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            proc.communicate()
            leaked.extend(kill_tree_leftovers(children))
            phase = _phase(db_state(db), corpus.locations, corpus.distinct)
            kills[phase] += 1
            log.append(f"round {rounds}: aimed at {target}, killed during {phase}")
            assert_doctor_clean(home, quick=phase != "sync")
        r = run_cli(home, "sync", env=env, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        assert_doctor_clean(home)
        assert_archive_equals_server(home, imap_user.server, imap_user.name, list(corpus.folders))
        assert_index_equals_store(home, corpus.token_by_sha)

    print("\n".join(log))
    assert sum(kills.values()) >= KILLS_WANTED, (kills, log)
    assert min(kills[p] for p in ("sync", "ingest", "index")) >= PER_PHASE_WANTED, (kills, log)
    assert not leaked, f"extractor processes outlived a killed bparchive: {leaked}"
