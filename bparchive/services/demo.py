"""Build a demo archive from the sample mailbox shipped with the package.

Called by ``bparchive demo`` (cli_tui.py), by the TUI tests and by anyone who
wants a realistic archive to try: a few hundred Vietnamese official messages
with PDF, DOCX and XLSX attachments (:func:`bparchive.demo.sample_mailbox_path`),
imported through the ordinary pipeline (ingest, filing, index).
"""

from __future__ import annotations

import os
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
    from bparchive.demo.writers import read_mbox
    from bparchive.sync.importer import Found

    # The sample keeps each message's folders and flags beside its exact bytes.
    messages = (
        Found(m.folder, m.raw, " ".join(sorted(m.flags)), str(sample)) for m in read_mbox(sample)
    )
    archive.import_messages(messages, DEMO_ACCOUNT, kind="demo", source=str(sample),
                            progress=progress, cancel=cancel)
    return archive


def new_demo_home() -> Path:
    """A new, empty folder for a demo archive under the user's data directory."""
    import platformdirs

    from bparchive.paths import make_private_dir

    parent = Path(platformdirs.user_data_dir("bparchive")) / "demos"
    make_private_dir(parent)
    return Path(tempfile.mkdtemp(prefix="demo-", dir=parent))
