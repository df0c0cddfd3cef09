"""Ingest: turn stored raw messages into text, metadata and filing.

Called at the end of every ``sync`` and ``import`` (through the services) and
by ``bparchive reindex``. Reads the raw bytes from the store, parses them
(:mod:`bparchive.mail`), extracts attachment text in worker processes
(:mod:`bparchive.extract`, both cores, killed at the time limit), files the
message (:mod:`bparchive.filing`) and writes the results next to the raw
message, batch by batch, so that a kill loses at most one uncommitted batch
and the next run resumes. The raw message is never touched.
"""

from bparchive.ingest.pipeline import IngestReport, ingest_pending, refile, user_rules

__all__ = ["IngestReport", "ingest_pending", "refile", "user_rules"]
