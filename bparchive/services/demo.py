"""Build a demo archive from the sample mailbox shipped with the package.

Called by ``bparchive demo`` (cli_tui.py), by the TUI tests and by anyone who
wants a realistic archive to try: a few hundred Vietnamese official messages
with PDF, DOCX and XLSX attachments (:func:`bparchive.demo.sample_mailbox_path`),
imported through the ordinary pipeline (ingest, filing, index).
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from pathlib import Path

from bparchive.errors import BPArchiveError
from bparchive.progress import CancelToken, Progress, null_progress
from bparchive.services.archive import Archive

DEMO_ACCOUNT = "demo"


class DemoError(BPArchiveError):
    """The demo archive cannot be built where asked."""

    title = "Demo"


def build_demo(
    home: str | os.PathLike[str],
    *,
    progress: Progress = null_progress,
    cancel: CancelToken | None = None,
) -> Archive:
    """Create a demo archive in the new or empty folder ``home``.

    Args:
        home: The archive home; created when missing, refused when not empty.
        progress: Receives import, ingest and index events.
        cancel: Stops the import between messages.

    Returns:
        The open :class:`Archive` holding the demo mail (account ``demo``).

    Raises:
        DemoError: ``home`` exists and is not an empty folder, or the sample is missing.
        BPArchiveError: From the import itself (disk full, …).
    """
    from bparchive.demo import sample_mailbox_path

    base = Path(home).expanduser()
    if base.exists() and (not base.is_dir() or any(base.iterdir())):
        raise DemoError(
            f"{base} is not an empty folder. The demo needs a fresh home: "
            "give a new folder with --home, or leave --home out to get one."
        )
    sample = sample_mailbox_path()
    if not sample.is_file():
        raise DemoError(f"The demo mailbox is missing from this installation ({sample}).")
    archive = Archive(base)
    archive.paths.ensure()
    # The importer names the folder after the file: a private temporary folder
    # holding "INBOX.mbox" gives every demo the same folder name.
    tmp_dir = Path(tempfile.mkdtemp(prefix="bparchive-demo-", dir=archive.paths.state_dir))
    tmp = tmp_dir / "INBOX.mbox"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, gzip.open(sample, "rb") as src:
            shutil.copyfileobj(src, out)
        archive.import_path(tmp, DEMO_ACCOUNT, progress=progress, cancel=cancel)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return archive


def new_demo_home() -> Path:
    """A new, empty folder for a demo archive under the user's data directory."""
    import platformdirs

    from bparchive.paths import make_private_dir

    parent = Path(platformdirs.user_data_dir("bparchive")) / "demos"
    make_private_dir(parent)
    return Path(tempfile.mkdtemp(prefix="demo-", dir=parent))
