"""Reports built from the store: the usage report (Điều 18) and the directory (Điều 5, 6).

Who calls it: ``services.filing`` (``bparchive report``, ``bparchive
directory`` and the TUI's report and address-book screens). Read-only: these
modules only query a :class:`~bparchive.store.Store`.

Public API:

- ``build_report(store, settings, since, until, *, tz=None, now=None) -> UsageReport``;
  ``render_report(rep, fmt)`` with ``fmt`` in ``text``, ``md``, ``csv``, ``json``
- ``build_directory(store) -> list[Contact]``; ``directory_csv(contacts)``;
  ``directory_vcard(contacts, version="3.0")``
"""

from __future__ import annotations

from bparchive.report.directory import Contact, build_directory, directory_csv, directory_vcard
from bparchive.report.usage import (
    Correspondent,
    CountRow,
    KindRow,
    MonthRow,
    ScheduleCheck,
    UsageReport,
    build_report,
    is_sent_folder,
    render_report,
)

__all__ = [
    "Contact",
    "Correspondent",
    "CountRow",
    "KindRow",
    "MonthRow",
    "ScheduleCheck",
    "UsageReport",
    "build_directory",
    "build_report",
    "directory_csv",
    "directory_vcard",
    "is_sent_folder",
    "render_report",
]
