"""Demo and benchmark mail: a deterministic Vietnamese official mailbox.

Called by the ``bparchive demo`` command (through :func:`sample_mailbox_path`,
which locates the ~300-message mailbox shipped with the package), by
``bench/gen_corpus.py`` and by tests (through
:mod:`bparchive.demo.generator` and :mod:`bparchive.demo.writers`).

Importing this package does no work and pulls in no optional dependency.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: Messages in the shipped sample, and the seed it was generated with.
SAMPLE_COUNT = 300
SAMPLE_SEED = 1
SAMPLE_NAME = "demo-mailbox.mbox.gz"


def sample_mailbox_path() -> Path:
    """Return the path of the shipped demo mailbox (gzip-compressed mboxrd).

    Each message carries ``X-Folder`` header lines naming its folders (``/``
    separates levels, RFC 2047 encoded), and mutt-style ``Status``/``X-Status``
    flags; :func:`bparchive.demo.writers.read_mbox` turns it back into the
    generated messages, byte for byte.

    Returns:
        A real file-system path (the package is installed unzipped).
    """
    return Path(str(resources.files("bparchive") / "data" / SAMPLE_NAME))
