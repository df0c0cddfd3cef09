"""Generate the deterministic benchmark mail corpus (Maildir++ or mbox).

Run by hand or by the benchmark scripts before loading Dovecot and the peers
(mbsync, notmuch, mu)::

    python bench/gen_corpus.py --count 10000 --seed 1 --format maildir --out bench/out/m10k
    python bench/gen_corpus.py --count 100000 --format mbox --out bench/out/m100k
    python bench/gen_corpus.py --count 1000 --format maildir --out DIR --big-attachment-mb 50

Maildir output is Dovecot's default Maildir++ layout (``mail_location =
maildir:DIR``; folder names modified UTF-7, ``Lưu trữ/2023`` is
``.L&AbA-u tr&Hu8-.2023``); mbox output is ``DIR/corpus.mbox`` (mboxrd, folders
in ``X-Folder`` headers). Prints counts, sizes and the generation rate.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bparchive.demo.generator import GeneratedMessage, generate
from bparchive.demo.writers import write_maildir, write_mbox


class _Meter:
    """Counts what flows from the generator to the writer."""

    def __init__(self, source: Iterator[GeneratedMessage]) -> None:
        self.source = source
        self.messages = 0
        self.raw_bytes = 0
        self.with_attachments = 0
        self.folders: dict[str, int] = {}

    def __iter__(self) -> Iterator[GeneratedMessage]:
        for msg in self.source:
            self.messages += 1
            self.raw_bytes += len(msg.raw)
            self.folders[msg.folder] = self.folders.get(msg.folder, 0) + 1
            if b"Content-Disposition: attachment" in msg.raw:
                self.with_attachments += 1
            yield msg


def _du(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate, write, report. Returns the exit status."""
    parser = argparse.ArgumentParser(description="Generate the bparchive benchmark mail corpus.")
    parser.add_argument("--count", type=int, default=10000, help="messages (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("maildir", "mbox"), default="maildir")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--no-attachments", action="store_true")
    parser.add_argument(
        "--big-attachment-mb",
        type=int,
        default=0,
        metavar="N",
        help="add one message with an N MiB PDF",
    )
    args = parser.parse_args(argv)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meter = _Meter(
        generate(
            args.count,
            args.seed,
            attachments=not args.no_attachments,
            big_attachment_mb=args.big_attachment_mb,
        )
    )
    start = time.perf_counter()
    if args.format == "maildir":
        target = out
        write_maildir(target, meter)
    else:
        target = out / "corpus.mbox"
        write_mbox(target, meter)
    elapsed = time.perf_counter() - start
    print(f"wrote {meter.messages} messages ({args.format}) to {target}")
    for folder, n in sorted(meter.folders.items()):
        print(f"  {n:8d}  {folder}")
    print(
        f"with attachments: {meter.with_attachments} "
        f"({100 * meter.with_attachments / max(meter.messages, 1):.0f} %)"
    )
    print(f"raw size: {meter.raw_bytes / 2**20:.1f} MiB; on disk: {_du(target) / 2**20:.1f} MiB")
    print(f"time: {elapsed:.1f} s ({meter.messages / max(elapsed, 1e-9):.0f} messages/s)")
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    raise SystemExit(main())
