"""Paths of the e-mail corpora for the mail tests (read in place, never copied)."""

from __future__ import annotations

from pathlib import Path

CORPORA = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"
MAIL_DIRS = (
    "cpython-test-email",
    "flanker-fixtures",
    "mimekit-testdata",
    "ruby-mail-fixtures",
    "notmuch-test-corpora",
    "textract-tests/eml",
)
_NOT_MAIL = (".md", ".tsv", ".json", ".list", ".tnef", ".jpg", ".qp", ".uu", ".html", ".dat")


def message_files() -> list[Path]:
    """Every message file of the e-mail corpora (mbox files count as one message each)."""
    files: list[Path] = []
    for name in MAIL_DIRS:
        for path in sorted((CORPORA / name).rglob("*")):
            if not path.is_file() or path.name.endswith(_NOT_MAIL):
                continue
            if path.name.startswith(("mailbox_", "README", "SOURCE")) or "-summary" in path.name:
                continue
            if path.parent.name == "encoders" or path.name == "wikipedia.txt":
                continue
            files.append(path)
    return files
