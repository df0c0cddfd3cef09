"""The term dictionary written by CompactHashWriter is Whoosh's, byte for byte, and readable."""

from __future__ import annotations

import random
from pathlib import Path

from whoosh.filedb import filetables
from whoosh.filedb.filestore import FileStorage

from bparchive.index.writer import CompactHashWriter


def _write(storage: FileStorage, name: str, cls: type, items: list[tuple[bytes, bytes]]) -> bytes:
    f = storage.create_file(name)
    w = cls(f)
    w.extras["fieldmap"] = {"body": 0}
    for k, v in items:
        w.add(k, v)
    w.close()
    return storage.open_file(name).read()


def test_same_bytes_as_whoosh_and_every_key_found(tmp_path: Path) -> None:
    rnd = random.Random(7)
    words = {f"{rnd.choice('bcdghklmnpqrstvx')}{rnd.random():.12f}".encode() for _ in range(20_000)}
    words |= {b"\x00", "thư điện tử".encode(), b"a" * 5000}
    items = [(k, rnd.randbytes(rnd.randrange(0, 40))) for k in sorted(words)]
    storage = FileStorage(str(tmp_path))
    ours = _write(storage, "ours.trm", CompactHashWriter, items)
    theirs = _write(storage, "theirs.trm", filetables.OrderedHashWriter, items)
    assert ours == theirs and len(ours) > 400_000
    reader = filetables.OrderedHashReader.open(storage, "ours.trm")
    for k, v in items[::97] + items[-3:]:
        assert reader[k] == v
    assert reader.closest_key(b"m") == min(k for k, _ in items if k >= b"m")


def test_adopt_only_a_fresh_whoosh_writer(tmp_path: Path) -> None:
    storage = FileStorage(str(tmp_path))
    fresh = filetables.OrderedHashWriter(storage.create_file("a.trm"))
    CompactHashWriter.adopt(fresh)
    assert type(fresh) is CompactHashWriter
    used = filetables.OrderedHashWriter(storage.create_file("b.trm"))
    used.add(b"k", b"v")
    CompactHashWriter.adopt(used)
    assert type(used) is filetables.OrderedHashWriter  # its pairs are tuples already
