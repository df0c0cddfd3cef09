"""Messages the TUI's workers post to the interface (past-tense events, STYLE habit 4).

Workers run services in threads and never touch widgets; they post these
messages and the screens update themselves in the event loop. High-rate ones
(``SyncProgressed``) implement ``can_replace`` so bursts collapse to the latest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class SearchCompleted(Message):
    """A search finished; ``seq`` tells stale results apart."""

    seq: int
    query: str
    page: Any  # services.search.SearchPage
    limit: int
    append: bool = False


@dataclass
class SnippetLoaded(Message):
    """The snippet of one result row arrived (rows come without them, for speed)."""

    query: str
    mid: int
    snippet: str
    source: str


@dataclass
class SearchFailed(Message):
    """A search was refused (malformed query) or failed."""

    seq: int
    query: str
    error: Exception


@dataclass
class SyncProgressed(Message):
    """A sync or import moved on (many per second; only the latest matters)."""

    event: Any  # progress.ProgressEvent

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgressed)


@dataclass
class SyncFinished(Message):
    """A sync ended: account reports, or the error that stopped it."""

    reports: list[Any] = field(default_factory=list)
    error: Exception | None = None
    cancelled: bool = False


@dataclass
class ConnectivityChecked(Message):
    """TCP reachability of each IMAP account host: name → reachable."""

    reachable: dict[str, bool]


@dataclass
class SidebarLoaded(Message):
    """Data for the sidebar: status, virtual folders, tag counts, saved searches."""

    status: dict[str, Any]
    folders: list[dict[str, Any]]
    tags: dict[str, int]
    total: int


@dataclass
class MessageChanged(Message):
    """A message was refiled or tagged (the list and sidebar refresh)."""

    mid: int
