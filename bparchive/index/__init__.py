"""Vietnamese-aware full-text index and search (issue 4; spec §5–§8).

Public API:

- :class:`IndexDoc`, :class:`IndexAttachment`: the input records (``document``).
- :class:`Index`: ``create(dir)``, ``open(dir)``, ``add_documents(docs)``, ``delete(ids)``,
  ``doc_count()``, ``ids()``, ``optimize()`` (``indexer``).
- :class:`Searcher`: ``search(query, limit=50, sort="relevance"|"date") -> SearchResult``
  with :class:`Hit` items; snippet marks :data:`MARK_START`/:data:`MARK_END` (``search``).
- :func:`parse`: the query language parser (raises :class:`bparchive.errors.QueryError`).

Importing this package loads Whoosh but opens nothing.
"""

from __future__ import annotations

from bparchive.index.document import IndexAttachment, IndexDoc
from bparchive.index.indexer import Index
from bparchive.index.query import parse
from bparchive.index.search import MARK_END, MARK_START, Hit, Searcher, SearchResult

__all__ = [
    "MARK_END",
    "MARK_START",
    "Hit",
    "Index",
    "IndexAttachment",
    "IndexDoc",
    "SearchResult",
    "Searcher",
    "parse",
]
