#!/usr/bin/env python3
"""What filing (classification) costs inside ingest, on an existing archive.

    python bench/filing_cost.py HOME/archive.sqlite3

Re-runs ``bparchive.filing.classify`` exactly as the ingest workers call it
(subject, body, attachment names, the first 4,000 characters of each
attachment's text) over every parsed message, and prints CPU seconds per
message. Compare with the ingest phase's CPU time from ``bench/run`` (issue 5:
filing must add less than 10 % to ingest time).
"""

from __future__ import annotations

import sqlite3
import sys
import time

from bparchive.filing import classify
from bparchive.ingest.workers import FIRST_PAGE_CHARS


def main(db_path: str) -> None:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    rows = db.execute("SELECT message_id, subject, body_text, from_email FROM parsed").fetchall()
    atts: dict[int, list[tuple[str, str]]] = {}
    for mid, name, text in db.execute("SELECT message_id, filename, text FROM attachments"):
        atts.setdefault(mid, []).append((name, text))
    start = time.process_time()
    for mid, subject, body, sender in rows:
        a = atts.get(mid, [])
        classify(subject, body, [n for n, _ in a if n], [t[:FIRST_PAGE_CHARS] for _, t in a if t],
                 sender=sender, repaired=True)
    cpu = time.process_time() - start
    print(f"{len(rows)} messages: classify {cpu:.2f} CPU s, {cpu / max(len(rows), 1) * 1000:.2f} ms a message")


if __name__ == "__main__":
    main(sys.argv[1])
