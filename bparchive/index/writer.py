"""A faster Whoosh segment writer for pre-analysed documents.

Called only by :class:`bparchive.index.indexer.Index` (``add_documents``). Whoosh's own
``SegmentWriter.add_document`` runs every token through analyzer objects, every posting
through a sorting pool, and looks every posting's field length up again on disk when the
segment is flushed. This writer takes the terms already analysed (see
:func:`bparchive.index.analysis.text_postings`), keeps the postings of the new documents
in memory grouped by field and term (documents arrive in docnum order, so each list is
already sorted) and writes them with the same codec, file format and value encodings as
Whoosh. The files are ordinary Whoosh segments: readers, merges and ``optimize`` do not
know the difference (a test compares the postings with Whoosh's own writer).

Segments merged in by the merge policy are streamed term by term from their files and
merged with the in-memory postings in sorted order (no sorting pool).
"""

from __future__ import annotations

import heapq
import itertools
from array import array
from collections.abc import Iterator, Mapping
from pickle import dumps

from whoosh.codec.whoosh3 import W3LeafMatcher, W3PostingsWriter
from whoosh.filedb import filetables
from whoosh.filedb.structfile import BufferFile
from whoosh.formats import Existence, Positions
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

#: Analysed value of a field: term → positions (positional fields) or a set of terms.
Analysed = Mapping[str, list[int]] | set[str]

_Posting = tuple[int, float, bytes]

_SINGLE: dict[int, bytes] = {}


def encode_positions(positions: list[int]) -> bytes:
    """Whoosh's ``Positions.encode`` (count + pickled deltas), byte for byte."""
    if len(positions) == 1:
        p = positions[0]
        got = _SINGLE.get(p)
        if got is None:
            got = pack_uint(1) + dumps([p], 2)
            if len(_SINGLE) < 100_000:
                _SINGLE[p] = got
        return got
    deltas = []
    base = 0
    for p in positions:
        deltas.append(p - base)
        base = p
    return pack_uint(len(deltas)) + dumps(deltas, 2)


class CompactHashWriter(filetables.OrderedHashWriter):
    """Whoosh's term-dictionary writer, keeping its per-term (hash, position) in arrays.

    ``HashWriter`` keeps a tuple of two ints per term (about 125 bytes) until the
    segment is written: the word-pair fields of a 100,000-message archive have
    millions of terms, and the index commit held them all in memory. Here they
    are two 8-byte array items; the file written is byte for byte the same (a
    test compares them).
    """

    def __init__(self, dbfile) -> None:  # type: ignore[no-untyped-def]
        super().__init__(dbfile)
        self.buckets = [array("Q") for _ in range(256)]  # type: ignore[misc]

    @classmethod
    def adopt(cls, writer: filetables.OrderedHashWriter) -> None:
        """Turn a fresh ``OrderedHashWriter`` (nothing added yet) into this class."""
        if type(writer) is not filetables.OrderedHashWriter or any(writer.buckets):
            return
        writer.__class__ = cls
        writer.buckets = [array("Q") for _ in range(256)]  # type: ignore[misc]

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        dbfile = self.dbfile
        pos = dbfile.tell()
        self.index.append(pos)
        dbfile.write(filetables._lengths.pack(len(key), len(value)))
        dbfile.write(key)
        dbfile.write(value)
        h = self.hashfn(key)
        bucket = self.buckets[h & 255]
        bucket.append(h)
        bucket.append(pos)
        self.lastkey = key

    def _write_hashes(self) -> None:
        # HashWriter._write_hashes with the pairs read from the arrays. An empty slot
        # is (0, 0); no key is at position 0 (the header is there).
        dbfile = self.dbfile
        pack = filetables._pointer.pack
        for entries in self.buckets:
            pos = dbfile.tell()
            numslots = len(entries)  # 2 slots per entry, 2 array items per entry
            self.directory.append((pos, numslots))
            hashes = [0] * numslots
            positions = [0] * numslots
            for i in range(0, numslots, 2):
                hashval = entries[i]
                slot = (hashval >> 8) % numslots
                while positions[slot]:
                    slot = (slot + 1) % numslots
                hashes[slot] = hashval
                positions[slot] = entries[i + 1]
            dbfile.write(b"".join(map(pack, hashes, positions)))
        self.buckets = []  # type: ignore[misc]


class FastWriter(SegmentWriter):
    """A ``SegmentWriter`` with :meth:`add_analysed` for pre-analysed text fields."""

    def __init__(self, ix, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ix, **kwargs)
        tindex = getattr(self.fieldwriter, "_tindex", None)
        if tindex is not None:
            CompactHashWriter.adopt(tindex)
        self._mem: dict[str, dict[bytes, list[_Posting]]] = {}
        self._memlen: dict[str, dict[int, int]] = {}
        self._mem_count = 0
        #: Segments merged in at this commit: (segment, first new docnum, docmap, fields).
        self._merging: list[tuple[object, int, dict[int, int] | None, list[str]]] = []

    def add_analysed(self, values: Mapping[str, object], analysed: Mapping[str, Analysed]) -> None:
        """Add one document.

        Args:
            values: Field values for Whoosh's own field types (ids, keywords, numbers,
                dates, booleans); indexed with ``field.index`` as Whoosh would.
            analysed: Text fields already analysed: positions per term for fields with
                :class:`~whoosh.formats.Positions`, a set of terms for
                :class:`~whoosh.formats.Existence` fields.
        """
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        pdw = self.perdocwriter
        mem = self._mem
        pdw.start_doc(docnum)
        try:
            for fieldname in sorted({*values, *analysed}):
                field = schema[fieldname]
                postings = mem.get(fieldname)
                if postings is None:
                    postings = mem[fieldname] = {}
                length = 0
                if fieldname in analysed:
                    terms = analysed[fieldname]
                    fmt = field.format
                    fb = fmt.field_boost
                    if isinstance(fmt, Positions) and not isinstance(terms, set):
                        for text, poses in terms.items():
                            item = (docnum, len(poses) * fb, encode_positions(poses))
                            key = text.encode("utf-8")
                            lst = postings.get(key)
                            if lst is None:
                                postings[key] = [item]
                            else:
                                lst.append(item)
                            length += len(poses)
                    elif isinstance(fmt, Existence):
                        item = (docnum, fb, b"")
                        for text in terms:
                            key = text.encode("utf-8")
                            lst = postings.get(key)
                            if lst is None:
                                postings[key] = [item]
                            else:
                                lst.append(item)
                            length += 1
                    else:  # pragma: no cover - schema and analysis disagree
                        raise TypeError(f"cannot add analysed terms to {fieldname}")
                    value = None
                else:
                    value = values[fieldname]
                    if value is None:
                        continue
                    for tbytes, freq, weight, vbytes in field.index(value):
                        item = (docnum, weight, vbytes)
                        lst = postings.get(tbytes)
                        if lst is None:
                            postings[tbytes] = [item]
                        else:
                            lst.append(item)
                        length += freq
                if not field.scorable:
                    length = 0
                elif length:
                    self._memlen.setdefault(fieldname, {})[docnum] = length
                pdw.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column and value is not None:
                    pdw.add_column_value(fieldname, column, field.to_column_value(value))
        except BaseException:
            pdw.cancel_doc()
            raise
        pdw.finish_doc()
        self._added = True
        self.docnum += 1
        self._mem_count += sum(len(t) for t in analysed.values())

    @property
    def mem_postings(self) -> int:
        """Postings held in memory for the segment being written."""
        return self._mem_count

    def add_reader(self, reader) -> None:  # type: ignore[no-untyped-def]
        """Merge a segment (called by the merge policy at commit).

        Its stored fields and lengths are copied now, as Whoosh does; its postings are
        read again when the segment is flushed and streamed, term by term, into the new
        segment next to the in-memory ones (:meth:`_terms`). Nothing goes through
        Whoosh's sorting pool, which costs a Python call per posting and keeps a spill
        buffer in memory; a merge's memory is one posting list at a time.
        """
        self._check_state()
        basedoc = self.docnum
        schema = self.schema
        names = {f for f in reader.indexed_field_names() if f in schema}
        docmap = self.write_per_doc(set(schema.names()) | names, reader)
        self._merging.append((reader.segment(), basedoc, docmap, sorted(names)))
        self._added = True

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        try:
            self._write_postings(pdr)
        finally:
            self.fieldwriter.close()
            if pdr is not None:
                pdr.close()
        self._mem.clear()
        self._mem_count = 0
        self._memlen.clear()
        self._merging.clear()

    def _terms(self) -> Iterator[tuple[str, bytes, list[_Posting]]]:
        """Every (field, term, postings) in order: new documents, then merged segments.

        Each source is sorted by (field, term) and its documents follow those of the
        sources before it, so a term's postings are the sources' lists one after another.
        """
        mem = [
            (fieldname, btext, lst)
            for fieldname, terms in self._mem.items()
            for btext, lst in terms.items()
        ]
        mem.sort(key=lambda x: (x[0], x[1]))
        streams: list[Iterator[tuple[str, bytes, list[_Posting]]]] = [iter(mem)]
        readers = []
        try:
            from whoosh.reading import SegmentReader

            for segment, basedoc, docmap, names in self._merging:
                reader = SegmentReader(self.storage, self.schema, segment)
                readers.append(reader)
                streams.append(_segment_terms(reader, names, basedoc, docmap))
            if len(streams) == 1:
                yield from mem
                return
            yield from _merge_streams(streams)
        finally:
            for reader in readers:
                reader.close()

    def _write_postings(self, pdr) -> None:  # type: ignore[no-untyped-def]
        """``FieldWriter.add_postings``, a term at a time, lengths from memory."""
        fw = self.fieldwriter
        schema = self.schema
        memlen = self._memlen
        lastfn: str | None = None
        lengths: dict[int, int] = {}
        scorable = False
        for fieldname, btext, postings in self._terms():
            if fieldname != lastfn:
                if lastfn is not None:
                    fw.finish_field()
                fieldobj = schema[fieldname]
                fw.start_field(fieldname, fieldobj)
                scorable = bool(fieldobj.scorable)
                lengths = memlen.get(fieldname, {})
                lastfn = fieldname
            fw.start_term(btext)
            if scorable:
                lens = []
                for docnum, _w, _v in postings:
                    n = lengths.get(docnum, 0)
                    if not n and pdr is not None:
                        n = pdr.doc_field_length(docnum, fieldname) or 0
                    lens.append(n)
                _add_block(fw._postwriter, postings, lens)
            else:
                _add_block(fw._postwriter, postings, None)
            fw.finish_term()
        if lastfn is not None:
            fw.finish_field()


def _merge_streams(streams):  # type: ignore[no-untyped-def]
    """Merge sorted (field, term, postings) streams; equal keys: postings joined.

    ``heapq.merge`` keeps equal keys in the order of the streams, and each stream's
    documents follow those of the streams before it, so the joined list is in docnum
    order.
    """
    merged = heapq.merge(*streams, key=_key)
    for key, group in itertools.groupby(merged, key=_key):
        items = list(group)
        if len(items) == 1:
            yield items[0]
            continue
        postings = list(items[0][2])
        for item in items[1:]:
            postings.extend(item[2])
        yield key[0], key[1], postings


def _key(item: tuple[str, bytes, list[_Posting]]) -> tuple[str, bytes]:
    return item[0], item[1]


def _segment_terms(reader, names: list[str], basedoc: int, docmap: dict[int, int] | None):  # type: ignore[no-untyped-def]
    """A segment's (field, term, postings) in (field, term) order, docnums renumbered.

    Reads whole posting blocks (Whoosh 3's block arrays) instead of one matcher call
    per posting; deleted documents (absent from ``docmap``) are left out.
    """
    terms = reader._terms
    codec = terms._codec
    postfile = terms._postfile
    schema = reader.schema
    for fieldname in names:
        fmt = schema[fieldname].format
        for (fname, btext), info in terms.items_from(fieldname, b""):
            if fname != fieldname:
                break
            if info.is_inlined():
                m = codec.postings_reader(postfile, info, fmt, term=(fname, btext))
            else:
                # One read of the term's whole posting list, then parsed in memory: the
                # matcher reads a block in many small pieces (pickle.load among them),
                # each a seek and a read through the compound file when it is not
                # mapped (8.5 million reads to merge 10,000 messages).
                offset, length = info.extent()
                if isinstance(length, tuple):  # Whoosh reads it with unpack_int, a 1-tuple
                    length = length[0]
                m = W3LeafMatcher(BufferFile(postfile.get(offset, length)), 0, length, fmt, term=(fname, btext))
            out: list[_Posting] = []
            if isinstance(m, W3LeafMatcher):
                while not m._atend:
                    m._read_ids()
                    m._read_weights()
                    m._read_values()
                    for docnum, weight, value in zip(m._ids, m._weights, m._values, strict=True):
                        if docmap is None:
                            out.append((basedoc + docnum, weight, value or b""))
                        else:
                            new = docmap.get(docnum)
                            if new is not None:
                                out.append((new, weight, value or b""))
                    m._next_block()
            else:
                while m.is_active():
                    docnum = m.id()
                    new = basedoc + docnum if docmap is None else docmap.get(docnum)
                    if new is not None:
                        out.append((new, m.weight(), m.value() or b""))
                    m.next()
            if out:
                yield fieldname, btext, out


def _add_block(pw, postings: list[_Posting], lengths: list[int] | None) -> None:  # type: ignore[no-untyped-def]
    """``W3PostingsWriter.add_posting`` for a whole posting list at once.

    Same blocks and statistics as one ``add_posting`` call per posting; falls back to
    exactly that when the writer is not the Whoosh 3 one this was written against.
    """
    if not _BULK_OK or type(pw) is not W3PostingsWriter:
        for i, (docnum, weight, vbytes) in enumerate(postings):
            pw.add_posting(docnum, weight, vbytes or b"", lengths[i] if lengths else None)
        return
    limit = pw._blocklimit
    n = len(postings)
    i = 0
    while i < n:
        room = limit - len(pw._ids)
        if room <= 0:
            pw._write_block()
            room = limit
        chunk = postings[i : i + room]
        pw._ids.extend([p[0] for p in chunk])
        weights = [p[1] for p in chunk]
        pw._weights.extend(weights)
        pw._values.extend([p[2] for p in chunk if p[2]])
        top = max(weights)
        if top > pw._maxweight:
            pw._maxweight = top
        if lengths is not None:
            lens = [x for x in lengths[i : i + room] if x]
            if lens:
                lo, hi = min(lens), max(lens)
                if pw._minlength is None or lo < pw._minlength:
                    pw._minlength = lo
                if hi > pw._maxlength:
                    pw._maxlength = hi
        i += len(chunk)


_BULK_OK = all(
    hasattr(W3PostingsWriter, name) for name in ("_write_block", "_new_block", "add_posting")
)
