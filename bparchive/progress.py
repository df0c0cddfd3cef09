"""Progress reporting and cooperative cancellation.

Services report through :class:`Progress`; the CLI draws a bar or log lines,
the TUI posts messages, tests record. Long loops call ``cancel.check()``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from bparchive.errors import Cancelled


@dataclass
class ProgressEvent:
    """One step of a long operation."""

    stage: str  # "sync", "ingest", "index", "import", ...
    account: str = ""
    folder: str = ""
    done: int = 0
    total: int | None = None
    bytes_done: int = 0
    bytes_total: int | None = None
    message: str = ""
    level: str = "info"  # "info" | "warning" | "error"


class Progress(Protocol):
    def __call__(self, event: ProgressEvent) -> None: ...


def null_progress(event: ProgressEvent) -> None:
    """A Progress that ignores everything."""


@dataclass
class RecordingProgress:
    """A Progress that keeps every event (tests)."""

    events: list[ProgressEvent] = field(default_factory=list)

    def __call__(self, event: ProgressEvent) -> None:
        self.events.append(event)


class CancelToken:
    """Set from any thread; checked by long loops."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("Cancelled by the user.")

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; return True if cancelled meanwhile."""
        return self._event.wait(seconds)
