"""Schema and migrations of the archive database.

The schema version is SQLite's ``user_version``. Every release that changes
the schema appends a migration here; :func:`migrate` runs the missing ones in
one transaction each, so an archive made by any release opens in any later one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);

-- One row per distinct message content (SHA-256 of the exact RFC 5322 bytes).
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    stored_size INTEGER NOT NULL,
    codec TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    msgid TEXT,                       -- Message-ID header, for re-mapping
    ingest_state INTEGER NOT NULL DEFAULT 0,   -- 0 new, 1 parsed, 2 parse failed
    index_state INTEGER NOT NULL DEFAULT 0     -- 0 needs indexing, 1 indexed
);
CREATE INDEX messages_msgid ON messages(msgid);
CREATE INDEX messages_ingest ON messages(ingest_state) WHERE ingest_state = 0;
CREATE INDEX messages_index ON messages(index_state) WHERE index_state = 0;

-- The compressed bytes, in chunks so that a 50 MB message never sits whole in memory.
CREATE TABLE raw_chunks (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (message_id, seq)
);

CREATE TABLE accounts (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created TEXT NOT NULL
);

CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    name TEXT NOT NULL,
    delimiter TEXT,
    special_use TEXT,
    uidvalidity INTEGER,
    uidnext INTEGER,
    highestmodseq INTEGER,
    server_count INTEGER,            -- EXISTS at the last successful sync
    last_sync TEXT,                  -- ISO 8601, last successful sync
    last_attempt TEXT,
    last_error TEXT,
    on_server INTEGER NOT NULL DEFAULT 1,
    UNIQUE (account, name)
);

-- Where a message lives (or lived) on a server. Never deleted: an expunged
-- message gets gone_at and stays in the archive.
CREATE TABLE locations (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    folder_id INTEGER NOT NULL REFERENCES folders(id),
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    flags TEXT NOT NULL DEFAULT '',
    internaldate TEXT,
    size INTEGER,
    first_seen TEXT NOT NULL,
    gone_at TEXT,
    UNIQUE (folder_id, uidvalidity, uid)
);
CREATE INDEX locations_message ON locations(message_id);
CREATE INDEX locations_folder_live ON locations(folder_id, uid) WHERE gone_at IS NULL;

CREATE TABLE sync_runs (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    trigger TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL DEFAULT 'running',   -- running | ok | partial | failed
    fetched INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    flag_changes INTEGER NOT NULL DEFAULT 0,
    gone INTEGER NOT NULL DEFAULT 0,
    folders_ok INTEGER NOT NULL DEFAULT 0,
    folders_failed INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]'
);

-- Ingest results (derived from the raw bytes; rebuildable).
CREATE TABLE parsed (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id),
    subject TEXT NOT NULL DEFAULT '',
    from_name TEXT NOT NULL DEFAULT '',
    from_email TEXT NOT NULL DEFAULT '',
    recipients TEXT NOT NULL DEFAULT '[]',   -- JSON [[field, name, email], ...]
    date TEXT,                               -- ISO 8601 (header date, else INTERNALDATE)
    body_text TEXT NOT NULL DEFAULT '',
    body_encoding TEXT NOT NULL DEFAULT 'unicode',
    in_reply_to TEXT,
    refs TEXT NOT NULL DEFAULT '[]',
    problems TEXT NOT NULL DEFAULT '[]',
    data TEXT NOT NULL DEFAULT '{}'          -- the full ParsedMessage as JSON
);
CREATE INDEX parsed_date ON parsed(date);

CREATE TABLE attachments (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    idx INTEGER NOT NULL,
    path TEXT NOT NULL,
    filename TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    pages INTEGER,
    encoding TEXT NOT NULL DEFAULT 'unicode',
    signed INTEGER NOT NULL DEFAULT 0,
    signer TEXT,
    signing_time TEXT,
    text TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (message_id, idx)
);

-- Filing (document type, category, references, secret marks).
CREATE TABLE filing (
    message_id INTEGER PRIMARY KEY REFERENCES messages(id),
    doc_type TEXT NOT NULL DEFAULT '',
    doc_type_code TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT 'khac',
    copy_form TEXT NOT NULL DEFAULT '',
    urgency TEXT NOT NULL DEFAULT '',
    secret INTEGER NOT NULL DEFAULT 0,
    secret_level TEXT NOT NULL DEFAULT '',
    refs TEXT NOT NULL DEFAULT '[]',
    rule TEXT NOT NULL DEFAULT '',
    manual_category TEXT,                    -- a person's decision; survives reindex
    manual_at TEXT
);
CREATE INDEX filing_category ON filing(category);

CREATE TABLE tags (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    tag TEXT NOT NULL,
    added TEXT NOT NULL,
    PRIMARY KEY (message_id, tag)
);
CREATE INDEX tags_tag ON tags(tag);
"""

Migration = Callable[[sqlite3.Connection], None]


def _v1(conn: sqlite3.Connection) -> None:
    conn.executescript(V1)


def _v2(conn: sqlite3.Connection) -> None:
    # Category → year → month counts (``bparchive folders``) read only this index.
    conn.execute(
        "CREATE INDEX IF NOT EXISTS filing_cover ON filing(message_id, category, manual_category)"
    )


def _v3(conn: sqlite3.Connection) -> None:
    # The same document is forwarded to many people: its text is extracted once
    # and reused by the SHA-256 of the decoded attachment.
    conn.execute("ALTER TABLE attachments ADD COLUMN payload_sha256 TEXT")
    conn.execute("CREATE INDEX attachments_payload ON attachments(payload_sha256)")


MIGRATIONS: list[Migration] = [_v1, _v2, _v3]
LATEST = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to :data:`LATEST`; return the version it had."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version > LATEST:
        from bparchive.errors import StoreError

        raise StoreError(
            f"This archive was written by a newer bparchive (schema {version}, this one knows "
            f"{LATEST}). Upgrade bparchive to open it."
        )
    for n in range(version, LATEST):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # executescript would COMMIT the open transaction; run statements one by one.
            if n == 0:
                for stmt in _split(V1):
                    conn.execute(stmt)
            else:
                MIGRATIONS[n](conn)
            conn.execute(f"PRAGMA user_version = {n + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return int(version)


def _split(script: str) -> list[str]:
    out, buf = [], []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        if line.rstrip().endswith(";"):
            stmt = "\n".join(buf).strip()
            if stmt:
                out.append(stmt)
            buf = []
    return out
