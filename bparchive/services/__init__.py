"""The facade both front ends use (CLI and TUI call only this package).

``Archive`` (archive.py) opens a home and runs sync, import, ingest, index,
status and doctor; ``search.py`` searches and shows messages; ``filing.py``
refiles, tags, lists virtual folders, the directory, reports and exports.
Nothing here knows click, Textual or Rich exist.
"""

from bparchive.services.archive import Archive, DoctorProblem, DoctorReport

__all__ = ["Archive", "DoctorProblem", "DoctorReport"]
