"""The archive store: SQLite (through sqlite-utils) is the truth.

Called by sync, import, ingest, filing, the indexer and the services. One
connection writes (WAL); readers open their own. Raw messages are kept byte
for byte, content-addressed by SHA-256 and compressed (Zstandard) in chunks.
"""

from bparchive.store.store import FolderState, Store, utcnow

__all__ = ["FolderState", "Store", "utcnow"]
