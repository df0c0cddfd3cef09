"""Build the demo mailbox shipped with the package.

Called by developers (``python -m bparchive.demo.sample``) when the generator
changes; the result, ``bparchive/data/demo-mailbox.mbox.gz``, is committed and
read at run time through :func:`bparchive.demo.sample_mailbox_path`.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from bparchive.demo import SAMPLE_COUNT, SAMPLE_NAME, SAMPLE_SEED
from bparchive.demo.generator import generate
from bparchive.demo.writers import write_mbox


def build_sample(path: str | os.PathLike[str]) -> int:
    """Write the demo mailbox (``SAMPLE_COUNT`` messages, seed ``SAMPLE_SEED``).

    Args:
        path: output file, normally ``bparchive/data/demo-mailbox.mbox.gz``.

    Returns:
        The number of mbox entries (messages filed in two folders count once).

    Raises:
        BPArchiveError: fpdf2 or the DejaVu fonts are missing.
    """
    return write_mbox(path, generate(SAMPLE_COUNT, SAMPLE_SEED))


def main() -> None:
    """Command line: ``python -m bparchive.demo.sample [OUT]``."""
    default = Path(__file__).resolve().parents[1] / "data" / SAMPLE_NAME
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(default))
    args = parser.parse_args()
    entries = build_sample(args.out)
    print(
        f"{args.out}: {SAMPLE_COUNT} messages, {entries} mbox entries, "
        f"{os.path.getsize(args.out)} bytes"
    )


if __name__ == "__main__":
    main()
