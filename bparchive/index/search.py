"""Running queries: retrieval, deterministic re-rank (§6.4), snippets.

Called by the search service behind ``bparchive search`` and the TUI search screen.
A :class:`Searcher` keeps one Whoosh searcher open and refreshes it before each query,
so it always sees the last committed state and never waits on a writer.

Matching never goes through Whoosh's scoring matchers: per snapshot, posting lists are
cached as bitsets (Python ints, one bit per docnum) and the language is evaluated with
bitwise operations; ``date:`` ranges come from the date column, quoted phrases from
positions read only for the documents holding every word (narrowed by the bigram
fields). The §6.4 re-rank splits the matches into classes of equal features and only
orders the class that crosses the re-rank depth by date.

Snippets mark matched words with :data:`MARK_START` / :data:`MARK_END` (control
characters that never occur in the cleaned snippet text), so the CLI and TUI can turn
them into styles without parsing any markup.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
import re
import struct
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pickle import loads
from typing import Literal

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.scoring import BM25F
from whoosh.system import _INT_SIZE, unpack_uint

from bparchive.errors import QueryError
from bparchive.index.analysis import (
    EXACT_PREFIX,
    TOKEN_RE,
    TokenForms,
    iter_tokens,
    token_forms,
)
from bparchive.index.document import IndexDoc
from bparchive.index.indexer import Index
from bparchive.index.query import (
    CompiledQuery,
    EvalBool,
    EvalLeaf,
    EvalRun,
    Evaluator,
    Highlight,
    Term,
    compile_query,
    parse,
)
from bparchive.index.schema import BIGRAM_CAP, BIGRAM_OF, FREE_TEXT_FIELDS, PUBLIC_NAME

#: Start of a matched word in :attr:`Hit.snippet` (STX).
MARK_START = "\x02"
#: End of a matched word in :attr:`Hit.snippet` (ETX).
MARK_END = "\x03"

#: Candidates re-ranked per query (§6.4).
RERANK_DEPTH = 500
SNIPPET_CHARS = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


@dataclass
class Hit:
    """One result.

    Attributes:
        id: Store id of the message.
        score: Relevance only (coverage features, then BM25F); equal texts score equally.
        matched_fields: Public names of the fields that matched (``subject``, ``body``,
            ``attachment_name``, ``attachment_text``, ``from``, ``to``, ``cc``, ``refno``).
        matched_attachments: File names of the attachments that matched.
        snippet: Text around the match with matched words between MARK_START/MARK_END.
        snippet_source: ``subject``, ``body`` or ``attachment:<name>``.
    """

    id: int
    score: float
    matched_fields: list[str] = field(default_factory=list)
    matched_attachments: list[str] = field(default_factory=list)
    snippet: str = ""
    snippet_source: str = ""


@dataclass
class SearchResult:
    """Results of one query.

    Attributes:
        hits: At most ``limit`` hits in the requested order.
        total: Number of matching messages (after the 75 % rule; for very broad relaxed
            queries counted among the re-ranked candidates).
        converted_query: The query after Telex/VNI conversion ("Đã hiểu là: …").
        elapsed_ms: Wall time of the search.
    """

    hits: list[Hit]
    total: int
    converted_query: str
    elapsed_ms: float


class Searcher:
    """Runs queries against an :class:`Index`.

    Args:
        index: The opened index.
        texts_for: Callback returning the :class:`IndexDoc` of a store id (for snippets and
            matched attachments). Without it (and without ``texts_for_many``), hits carry
            no snippet.
        texts_for_many: Callback returning the :class:`IndexDoc` of several store ids at
            once (a page of snippets in one store round trip); preferred when given.
    """

    def __init__(
        self,
        index: Index,
        texts_for: Callable[[int], IndexDoc | None] | None = None,
        texts_for_many: Callable[[Sequence[int]], Mapping[int, IndexDoc]] | None = None,
    ) -> None:
        self.index = index
        self.texts_for = texts_for
        self.texts_for_many = texts_for_many
        self._lock = threading.Lock()
        self._searcher = index.whoosh.searcher(weighting=BM25F())
        self._postings: _Postings | None = None
        self._compiled: dict[str, CompiledQuery] = {}

    def close(self) -> None:
        """Close the underlying Whoosh searcher."""
        self._searcher.close()

    def _current(self):  # type: ignore[no-untyped-def]
        with self._lock:
            # A fresh searcher rather than ``refresh()``: Whoosh's reader reuse can show a
            # merged segment next to the segments it replaced (duplicate hits). The old
            # searcher is left to the garbage collector: another thread may still use it.
            if not self._searcher.up_to_date():
                self._searcher = self.index.whoosh.searcher(weighting=BM25F())
            return self._searcher

    def _context(self) -> _Postings:
        """The posting cache of the current snapshot (a new one after every commit)."""
        s = self._current()
        with self._lock:
            if self._postings is None or self._postings.searcher is not s:
                self._postings = _Postings(s)
            return self._postings

    def _compile(self, query: str) -> CompiledQuery:
        """Parse and compile ``query`` (the last few queries are kept: the TUI asks for
        the snippet of a row right after the search that found it)."""
        got = self._compiled.get(query)
        if got is None:
            got = compile_query(parse(query))
            with self._lock:
                if len(self._compiled) >= 32:
                    self._compiled.clear()
                self._compiled[query] = got
        return got

    def search(
        self,
        query: str,
        *,
        limit: int = 50,
        sort: Literal["relevance", "date"] = "relevance",
        snippets: bool = True,
    ) -> SearchResult:
        """Run a query.

        Args:
            query: Query in the language of ``docs/query-language.md``; blank → no hits.
            limit: Maximum number of hits returned.
            sort: ``relevance`` (§6.4 re-rank) or ``date`` (newest first, same matches).
            snippets: Build snippets and matched attachments (one store round trip for
                the page). Without them, :meth:`snippet` gives the snippet of one hit.

        Returns:
            The hits, total and converted query.

        Raises:
            QueryError: The query is malformed (message and ``position``).
        """
        t0 = time.perf_counter()
        if sort not in {"relevance", "date"}:
            raise QueryError(f"Unknown sort order {sort!r}.", query=query, position=0)
        if not query.strip():
            return SearchResult([], 0, query, 0.0)
        compiled = self._compile(query)
        ctx = self._context()
        assert compiled.evaluator is not None
        matched = ctx.evaluate(compiled.evaluator)
        total = matched.bit_count()
        limit = max(limit, 0)
        feats = _Features(ctx, compiled)
        if sort == "date":
            order = ctx.top_by_date(matched, limit)
            rel = {dn: feats.score(dn) for dn in order}
        else:
            top = feats.top(matched, RERANK_DEPTH)
            rel = {dn: feats.score(dn) for dn in top}
            dates = ctx.dates()
            order = sorted(top, key=lambda dn: (-rel[dn], -dates[dn], dn))[:limit]
        s = ctx.searcher
        hits = [
            Hit(
                id=int(s.stored_fields(dn)["id"]),
                score=rel[dn],
                matched_fields=feats.matched_fields(dn),
            )
            for dn in order
        ]
        if snippets and hits:
            docs = self._docs([h.id for h in hits])
            marks = _Marks(compiled)
            for h in hits:
                doc = docs.get(h.id)
                if doc is not None:
                    _fill_snippet(h, doc, marks)
                    marks.texts.clear()
        elapsed = (time.perf_counter() - t0) * 1000.0
        return SearchResult(hits, total, compiled.converted, elapsed)

    def snippet(self, query: str, doc_id: int) -> Hit:
        """The snippet of one message for ``query`` (what ``search`` computes per hit).

        Args:
            query: The query that found the message.
            doc_id: Store id of the message.

        Returns:
            A :class:`Hit` with ``snippet``, ``snippet_source`` and ``matched_attachments``
            filled (``score`` 0 and no ``matched_fields``); empty when the message has no
            texts or no ``texts_for`` callback was given.

        Raises:
            QueryError: The query is malformed.
        """
        hit = Hit(id=doc_id, score=0.0)
        if not query.strip():
            return hit
        doc = self._docs([doc_id]).get(doc_id)
        if doc is not None:
            _fill_snippet(hit, doc, _Marks(self._compile(query)))
        return hit

    def _docs(self, ids: list[int]) -> Mapping[int, IndexDoc]:
        if self.texts_for_many is not None:
            return self.texts_for_many(ids)
        if self.texts_for is None:
            return {}
        out: dict[int, IndexDoc] = {}
        for i in ids:
            doc = self.texts_for(i)
            if doc is not None:
                out[i] = doc
        return out


def _fill_snippet(hit: Hit, doc: IndexDoc, marks: _Marks) -> None:
    """Set the snippet, its source and the matched attachments of ``hit``."""
    att = marks.matcher("att")
    if att is not None:
        for a in doc.attachments:
            if att.coverage(a.name) or att.coverage(a.text):
                hit.matched_attachments.append(a.name)
    # The source where most distinct query words match; ties go to body, then
    # attachment text, then subject, then attachment names.
    sources: list[tuple[str, str, str]] = [("body", doc.body, "body")]
    sources += [(f"attachment:{a.name}", a.text, "att_text") for a in doc.attachments]
    sources.append(("subject", doc.subject, "subject"))
    sources += [(f"attachment:{a.name}", a.name, "att_name") for a in doc.attachments]
    best: tuple[int, str, str, _TokenMatch] | None = None
    for name, text, src in sources:
        m = marks.matcher(src)
        if m is None or not text:
            continue
        n = m.coverage(text)
        if n and (best is None or n > best[0]):
            best = (n, name, text, m)
    if best is not None:
        _, hit.snippet_source, text, m = best
        hit.snippet = _cut(text, m.spans(text), SNIPPET_CHARS)
        return
    text = doc.body or doc.subject
    hit.snippet = _cut(text, [], SNIPPET_CHARS)
    hit.snippet_source = "body" if doc.body else "subject"


_MISS: object = object()


class _TokenMatch:
    """Which raw tokens one :class:`Highlight` marks (memoised per raw token)."""

    def __init__(self, hl: Highlight, texts: dict[str, set[str]]) -> None:
        self.hl = hl
        self._memo: dict[str, str | None] = {}
        self._texts = texts

    def _tokens(self, text: str) -> set[str]:
        got = self._texts.get(text)
        if got is None:
            got = self._texts[text] = _distinct_tokens(text)
        return got

    def fold(self, raw: str) -> str | None:
        """The fold form of ``raw`` when it is a matched word, else ``None``."""
        got = self._memo.get(raw, _MISS)
        if got is _MISS:
            forms = token_forms(raw)
            got = forms.fold if forms is not None and self.hl.matches(forms) else None
            self._memo[raw] = got
        return got  # type: ignore[return-value]

    def _folds(self, tokens: set[str]) -> dict[str, str | None]:
        """The memo, filled for ``tokens``."""
        memo = self._memo
        for raw in tokens.difference(memo):
            self.fold(raw)
        return memo

    def coverage(self, text: str) -> int:
        """Number of distinct query words (by fold form) matched in ``text``."""
        if not text:
            return 0
        tokens = self._tokens(text)
        folds = set(map(self._folds(tokens).__getitem__, tokens))
        folds.discard(None)
        return len(folds)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Offsets of the matched words of ``text`` (within the scanned part)."""
        tokens = self._tokens(text)
        memo = self._folds(tokens)
        raws = sorted((r for r in tokens if memo[r]), key=len, reverse=True)
        if not raws:
            return []
        pattern = re.compile(f"(?:{'|'.join(map(re.escape, raws))})(?!{_TOKEN_CHAR})")
        scanned = text[:SCAN_CHARS]
        # A match preceded by a token character is inside a longer token: skipped (no
        # whole token can start inside it either).
        return [
            m.span()
            for m in pattern.finditer(scanned)
            if m.start() == 0 or not _TOKEN_CHAR_RE.match(scanned, m.start() - 1)
        ]


#: One character of a :data:`TOKEN_RE` token.
_TOKEN_CHAR = r"[^\W_]|[\u0300-\u036f\u00ad\u200b-\u200d\u2060\ufeff]"
_TOKEN_CHAR_RE = re.compile(_TOKEN_CHAR)
#: Whitespace-separated chunk → its raw tokens (shared by all queries; bounded).
_CHUNK_TOKENS: dict[str, tuple[str, ...]] = {}
_CHUNK_TOKENS_MAX = 200_000


def _distinct_tokens(text: str) -> set[str]:
    """The distinct raw tokens of the scanned part of ``text`` (as ``TOKEN_RE.findall``).

    Tokens never contain whitespace, so the text is split on it first (fast, in C) and
    each distinct chunk is tokenised once.
    """
    global _CHUNK_TOKENS
    memo = _CHUNK_TOKENS
    if len(memo) > _CHUNK_TOKENS_MAX:
        # A new dict rather than clear(): another thread may be reading the old one.
        memo = _CHUNK_TOKENS = {}
    chunks = set(text[:SCAN_CHARS].split())
    for chunk in chunks.difference(memo):
        memo[chunk] = tuple(TOKEN_RE.findall(chunk))
    return set(itertools.chain.from_iterable(map(memo.__getitem__, chunks)))


class _Marks:
    """The token matchers of one compiled query, per highlight source."""

    def __init__(self, compiled: CompiledQuery) -> None:
        self.highlight = compiled.highlight
        self._by_src: dict[str, _TokenMatch | None] = {}
        # Distinct tokens per text, shared by the sources' matchers (cleared per page).
        self.texts: dict[str, set[str]] = {}

    def matcher(self, src: str) -> _TokenMatch | None:
        """Matcher of a source (``body``, ``subject``, ``att_text``, ``att_name``, ``att``)."""
        if src not in self._by_src:
            hl = self.highlight
            h = _merge(hl.get("att_name"), hl.get("att_text")) if src == "att" else hl.get(src)
            self._by_src[src] = _TokenMatch(h, self.texts) if h is not None else None
        return self._by_src[src]


class _Features:
    """The §6.4 features of one query as bitsets of one snapshot: ranking and score."""

    def __init__(self, ctx: _Postings, compiled: CompiledQuery) -> None:
        self.ctx = ctx
        self.compiled = compiled
        pairs = compiled.pairs
        self.n_pairs = len(pairs)
        self.fold_pairs = [ctx.union(p.fold_terms) for p in pairs]
        self.ex_pairs = [ctx.union(p.exact_terms) for p in pairs if p.exact_terms]
        self.marked = [ctx.union(p.exact_terms) for p in compiled.positions if p.marked]
        primary = ctx.live
        for p in compiled.positions:
            if not p.stop:
                primary &= ctx.union(p.primary_terms)
        self.primary = primary
        self.refno = ctx.union(compiled.refno_terms) if compiled.refno_terms else None

    def top(self, matched: int, k: int) -> list[int]:
        """The ``k`` best matches by (refno, fold_bi, exact_bi, exact_cov, primary, date).

        Matches are split into classes of equal features, best class first, with bitset
        operations; only the class that crosses ``k`` is ordered by date.
        """
        ctx = self.ctx
        levels: list[list[int]] = []
        if self.refno is not None:
            levels.append([self.refno, ~self.refno])
        for sets in (self.fold_pairs, self.ex_pairs, self.marked):
            if sets:
                ge = _at_least(sets, ctx.live)
                levels.append([ge[c] & ~ge[c + 1] for c in range(len(sets), -1, -1)])
        levels.append([self.primary, ~self.primary])
        out: list[int] = []

        def walk(cls: int, level: int) -> None:
            if level == len(levels):
                need = k - len(out)
                if cls.bit_count() <= need:
                    out.extend(ctx.members(cls))
                else:
                    out.extend(ctx.top_by_date(cls, need))
                return
            for part in levels[level]:
                sub = cls & part
                if sub:
                    walk(sub, level + 1)
                    if len(out) >= k:
                        return

        if k > 0 and matched:
            walk(matched, 0)
        return out

    def score(self, dn: int) -> float:
        """Relevance of one document (the §6.4 tuple folded into one float, date excluded)."""
        return self._scorer()(dn)

    def _scorer(self) -> Callable[[int], float]:
        got = getattr(self, "_score_fn", None)
        if got is not None:
            return got  # type: ignore[no-any-return]
        ctx, compiled = self.ctx, self.compiled
        nb = ctx.nbytes
        fold_pairs = [x.to_bytes(nb, "little") for x in self.fold_pairs]
        ex_pairs = [x.to_bytes(nb, "little") for x in self.ex_pairs]
        marked = [x.to_bytes(nb, "little") for x in self.marked]
        primary = self.primary.to_bytes(nb, "little")
        refno = self.refno.to_bytes(nb, "little") if self.refno is not None else None
        n_pairs = self.n_pairs
        # Stand-in for BM25F: idf-weighted, field-weighted matched terms (no tf), squashed.
        # Per position the best-weighted matching term counts; per pair every term.
        pos_terms = [
            [
                (w, b.to_bytes(nb, "little"))
                for w, b in sorted(
                    ((ctx.weight(t), ctx.bits(t)) for t in p.terms), key=lambda x: -x[0]
                )
                if b
            ]
            for p in compiled.positions
        ]
        pair_terms = [
            (ctx.weight(t), b.to_bytes(nb, "little"))
            for pair in compiled.pairs
            for t in pair.fold_terms | pair.exact_terms
            if (b := ctx.bits(t))
        ]

        def score(dn: int) -> float:
            i, bit = dn >> 3, 1 << (dn & 7)
            fold_bi = sum(1 for d in fold_pairs if d[i] & bit) / n_pairs if n_pairs else 0.0
            exact_bi = sum(1 for d in ex_pairs if d[i] & bit) / len(ex_pairs) if ex_pairs else 0.0
            exact_cov = sum(1 for d in marked if d[i] & bit) / len(marked) if marked else 0.0
            prim = 1.0 if primary[i] & bit else 0.0
            ref = 1.0 if refno is not None and refno[i] & bit else 0.0
            weight = 0.0
            for terms in pos_terms:
                for w, d in terms:
                    if d[i] & bit:
                        weight += w
                        break
            for w, d in pair_terms:
                if d[i] & bit:
                    weight += w
            bm = weight / (1.0 + weight)
            # Lexicographic order of the tuple folded into one float (safe for queries of
            # up to ~90 syllables); the date is *not* part of it.
            return ref * 1e4 + fold_bi * 1e3 + exact_bi + exact_cov * 1e-3 + prim * 1e-5 + bm * 1e-6

        self._score_fn = score
        return score

    def matched_fields(self, dn: int) -> list[str]:
        """Public names of the fields where a query term occurs in document ``dn``."""
        ctx, compiled = self.ctx, self.compiled
        terms = set(compiled.refno_terms) | set(compiled.extra_terms)
        for p in compiled.positions:
            terms |= p.terms
        return sorted({PUBLIC_NAME.get(t[0], t[0]) for t in terms if ctx.bits(t) >> dn & 1})


def _at_least(sets: list[int], universe: int) -> list[int]:
    """``out[c]``: members of ``universe`` in at least ``c`` of ``sets`` (``out[n + 1]`` = 0)."""
    ge = [universe] + [0] * (len(sets) + 1)
    for i, s in enumerate(sets):
        for c in range(i + 1, 0, -1):
            ge[c] |= ge[c - 1] & s
    return ge


#: Bit offsets set in each byte value.
_BYTE_BITS = [tuple(i for i in range(8) if b >> i & 1) for b in range(256)]
_NONZERO = re.compile(rb"[^\x00]")
#: Value of the date column of a message without a date (Whoosh's default: max int64).
_NO_DATE = 2**63 - 1


def _posting_ids(matcher) -> Iterable[int]:  # type: ignore[no-untyped-def]
    """Every docnum of a fresh posting matcher, a block at a time.

    Whoosh's ``all_ids`` steps through a Python generator posting by posting (a
    common word of a 100,000-message archive: ~100 ms); a Whoosh 2.7 leaf matcher
    decodes a whole block of ids at once, so take them a block at a time. Any
    other matcher (several segments) falls back to ``all_ids``.
    """
    if not all(hasattr(matcher, a) for a in ("_read_ids", "_next_block", "_i", "_ids")):
        return matcher.all_ids()
    out: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        out.extend(matcher._ids[matcher._i :])
        matcher._next_block()
    return out


def _term_ids(reader, fieldname: str, btext: bytes) -> Iterable[int]:  # type: ignore[no-untyped-def]
    """Every docnum of a term, segment by segment (block-wise where possible)."""
    if reader.is_atomic():
        return _posting_ids(reader.postings(fieldname, btext))
    out: list[int] = []
    for sub, offset in reader.leaf_readers():
        if (fieldname, btext) not in sub:
            continue
        ids = _posting_ids(sub.postings(fieldname, btext))
        out.extend(ids if not offset else (i + offset for i in ids))
    return out


def _from_ids(ids: Iterable[int], nbytes: int) -> int:
    """Bitset of docnums."""
    buf = bytearray(nbytes)
    for i in ids:
        buf[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buf, "little")


class _Postings:
    """Posting lists of one searcher snapshot as bitsets (Python ints, bit = docnum), and
    set-based matching: the language's semantics evaluated exactly, without Whoosh's
    scoring matchers (dates come from the date column, phrases from positions)."""

    #: Posting bitsets kept per snapshot (search-as-you-type repeats most terms).
    MAX_TERMS = 4096

    def __init__(self, searcher) -> None:  # type: ignore[no-untyped-def]
        self.searcher = searcher
        self._s = searcher
        self._reader = searcher.reader()
        self._schema = self._reader.schema
        self._leaves = list(self._reader.leaf_readers())
        self.n_all = self._reader.doc_count_all()
        self.nbytes = (self.n_all + 7) // 8 or 1
        self._bits: dict[Term, int] = {}
        self._df: dict[Term, int] = {}
        self._n = max(1, self._reader.doc_count())
        self._deletions = self._reader.has_deletions()
        if self._deletions:
            self.live = _from_ids(self._reader.all_doc_ids(), self.nbytes)
        else:
            self.live = (1 << self.n_all) - 1
        self._dates: _DateColumn | None = None
        self._date_order: list[int] | None = None
        self._date_sorted: list[int] | None = None
        self._phrases: dict[str, int] = {}  # phrase leaf → docs (this snapshot)
        self._lock = threading.Lock()

    # -- bitsets

    def bits(self, term: Term) -> int:
        """Live docnums containing ``term``."""
        got = self._bits.get(term)
        if got is None:
            fname, text = term
            got = 0
            if fname in self._schema:
                btext = self._schema[fname].to_bytes(text)
                if (fname, btext) in self._reader:
                    got = _from_ids(_term_ids(self._reader, fname, btext), self.nbytes)
                    if self._deletions:
                        got &= self.live
            with self._lock:
                if len(self._bits) >= self.MAX_TERMS:
                    self._bits.clear()
                    self._df.clear()
                self._bits[term] = got
        return got

    def weight(self, term: Term) -> float:
        """idf × field weight of a term."""
        df = self._df.get(term)
        if df is None:
            df = self._df[term] = self.bits(term).bit_count()
        fname = term[0].removesuffix("_bi")
        w = FREE_TEXT_FIELDS.get(fname, 1.0)
        if term[1].startswith(EXACT_PREFIX):
            w *= 1.5
        return w * math.log(1.0 + self._n / (df or 1))

    def union(self, terms: Iterable[Term]) -> int:
        """Docs containing any of ``terms``."""
        out = 0
        for t in terms:
            out |= self.bits(t)
        return out

    def members(self, bits: int) -> list[int]:
        """The docnums of a bitset, ascending."""
        raw = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
        out: list[int] = []
        for m in _NONZERO.finditer(raw):
            base = m.start() << 3
            out.extend([base + i for i in _BYTE_BITS[raw[base >> 3]]])
        return out

    # -- dates

    def dates(self) -> _DateColumn:
        """The date column of this snapshot (loaded on first use)."""
        if self._dates is None:
            self._dates = _DateColumn(self._reader)
        return self._dates

    def date_order(self) -> list[int]:
        """All docnums, newest first (ties: lower docnum first)."""
        if self._date_order is None:
            values = self.dates().values(self.n_all)
            # A stable sort in reverse keeps equal dates in docnum order.
            self._date_order = sorted(range(self.n_all), key=values.__getitem__, reverse=True)
        return self._date_order

    def top_by_date(self, bits: int, k: int) -> list[int]:
        """The ``k`` newest members of ``bits`` (ties: lower docnum first)."""
        n = bits.bit_count()
        if k <= 0 or n == 0:
            return []
        # Sorting the members costs ~n; walking the date order until k are found ~k·N/n.
        if 5 * n * n <= k * self.n_all or n <= 64:
            dates = self.dates()
            return heapq.nsmallest(k, self.members(bits), key=lambda dn: (-dates[dn], dn))
        raw = bits.to_bytes(self.nbytes, "little")
        out: list[int] = []
        for dn in self.date_order():
            if raw[dn >> 3] >> (dn & 7) & 1:
                out.append(dn)
                if len(out) >= k:
                    break
        return out

    def date_range(self, start: int | None, end: int | None, endexcl: bool) -> int:
        """Docs dated in [start, end) (``end`` included unless ``endexcl``); values as
        in the date column (Whoosh's ``datetime_to_long``). Undated messages never match."""
        order = self.date_order()
        if self._date_sorted is None:
            values = self.dates().values(self.n_all)
            self._date_sorted = [-values[dn] for dn in order]  # ascending
        keys = self._date_sorted
        # keys are negated dates; undated messages have 0 or _NO_DATE and are left out.
        lo = bisect.bisect_right(keys, -_NO_DATE)
        if end is not None:
            lo = max(
                lo, bisect.bisect_right(keys, -end) if endexcl else bisect.bisect_left(keys, -end)
            )
        hi = bisect.bisect_left(keys, 0)
        if start is not None:
            hi = min(hi, bisect.bisect_right(keys, -start))
        if lo >= hi:
            return 0
        return _from_ids(order[lo:hi], self.nbytes) & self.live

    # -- evaluation

    def evaluate(self, ev: Evaluator) -> int:
        """The exact set of documents matching ``ev``."""
        if isinstance(ev, EvalRun):
            sets = [self.union(p.terms) for p in ev.positions]
            if not sets:
                return 0
            if ev.need >= len(sets):
                sets.sort(key=int.bit_count)
                out = sets[0]
                for other in sets[1:]:
                    if not out:
                        break
                    out &= other
                return out
            return _at_least(sets, self.live)[ev.need]
        if isinstance(ev, EvalLeaf):
            return self._leaf(ev.query)
        if ev.op == "not":
            return self.live & ~self.evaluate(ev.children[0])
        if ev.op == "and":
            # Evaluate positive children first, subtract negated ones.
            pos = [c for c in ev.children if not (isinstance(c, EvalBool) and c.op == "not")]
            neg = [c for c in ev.children if isinstance(c, EvalBool) and c.op == "not"]
            out = self.evaluate(pos[0]) if pos else self.live
            for c in pos[1:]:
                if not out:
                    break
                out &= self.evaluate(c)
            for c in neg:
                if not out:
                    break
                out &= ~self.evaluate(c.children[0])
            return out
        out = 0
        for c in ev.children:
            out |= self.evaluate(c)
        return out

    def _leaf(self, q: wq.Query) -> int:
        """Docs matching one Whoosh query, from the posting bitsets where possible."""
        if isinstance(q, wq.Every):
            return self.live
        if isinstance(q, wq.Term):
            return self.bits((q.fieldname, q.text))
        if isinstance(q, wq.DateRange) and q.fieldname == "date":
            start = q.start
            if start is not None and q.startexcl:
                start += 1
            return self.date_range(start, q.end, q.endexcl)
        if isinstance(q, wq.Sequence) and type(q) is wq.Sequence:
            # Kept per snapshot: typing on after a closing quote re-runs the same phrase.
            key = f"{q.ordered} {q!r}"
            got = self._phrases.get(key)
            if got is None:
                got = self._phrase(q)
                if got is not None:
                    with self._lock:
                        if len(self._phrases) >= 64:
                            self._phrases.clear()
                        self._phrases[key] = got
            if got is not None:
                return got
        elif isinstance(q, wq.AndMaybe):
            return self._leaf(q.a)
        elif isinstance(q, wq.Not):
            return self.live & ~self._leaf(q.query)
        elif type(q) in (wq.Or, wq.And):
            kids = [self._leaf(c) for c in q.subqueries]
            out = kids[0] if kids else 0
            for k in kids[1:]:
                out = out | k if type(q) is wq.Or else out & k
            return out
        return _from_ids(self._s.docs_for_query(q), self.nbytes) & self.live

    # -- phrases

    def _phrase(self, q: wq.Sequence) -> int | None:
        """Docs where the sub-queries occur at consecutive positions (Whoosh's ordered
        ``Sequence`` with slop 1), or ``None`` for a shape this does not handle.

        Candidates are the docs holding a term of every position (rarest first). The
        bigram field, when the text has one, narrows them further: an occurrence within
        the first ``BIGRAM_CAP`` syllables has every adjacent pair there, so the docs
        lacking a pair only need checking for occurrences beyond the cap.
        """
        if q.slop != 1 or not q.ordered:
            return None
        positions: list[list[str]] = []
        fname: str | None = None
        for sub in q.subqueries:
            terms = [sub] if isinstance(sub, wq.Term) else None
            if type(sub) is wq.Or and all(isinstance(c, wq.Term) for c in sub.subqueries):
                terms = list(sub.subqueries)
            if not terms:
                return None
            for t in terms:
                if fname is None:
                    fname = t.fieldname
                if t.fieldname != fname or not isinstance(t.text, str):
                    return None
            positions.append([t.text for t in terms])
        if fname is None or fname not in self._schema:
            return None
        pos_bits = [self.union((fname, t) for t in terms) for terms in positions]
        cand = self.live
        for b in sorted(pos_bits, key=int.bit_count):
            cand &= b
            if not cand:
                return 0
        n = len(positions)
        if n == 1:
            return cand
        order = sorted(range(n), key=lambda i: pos_bits[i].bit_count())
        sure, rest, cap = cand, 0, 0
        bif = BIGRAM_OF.get(fname)
        if bif is not None and bif in self._schema:
            cap = BIGRAM_CAP.get(bif, 0)
            for i in range(n - 1):
                a, b = _folds(positions[i]), _folds(positions[i + 1])
                if a is None or b is None:
                    continue
                sure &= self.union((bif, f"{x}_{y}") for x in a for y in b)
            rest = cand & ~sure
        out = self._verify(fname, positions, order, sure, 0)
        if rest:
            out |= self._verify(fname, positions, order, rest, cap - n + 1)
        return out

    def _verify(
        self, fname: str, positions: list[list[str]], order: list[int], docs: int, min_start: int
    ) -> int:
        """Members of ``docs`` with the phrase starting at a position ≥ ``min_start``."""
        starts: dict[int, set[int]] = {}
        first = True
        for i in order:
            if not first and not starts:
                break
            want = docs if first else _from_ids(starts, self.nbytes)
            found = self._positions(fname, positions[i], want, min_start + i if first else 0)
            if first:
                for dn, ps in found.items():
                    st = {p - i for p in ps if p - i >= min_start}
                    if st:
                        starts[dn] = st
                first = False
                continue
            nxt: dict[int, set[int]] = {}
            for dn, st in starts.items():
                ps = found.get(dn)
                if ps:
                    kept = {p for p in st if p + i in ps}
                    if kept:
                        nxt[dn] = kept
            starts = nxt
        return _from_ids(starts, self.nbytes)

    def _positions(
        self, fname: str, texts: list[str], want: int, min_pos: int = 0
    ) -> dict[int, set[int]]:
        """Positions of any of ``texts`` (terms of ``fname``) in each doc of ``want``;
        docs whose positions all lie before ``min_pos`` are left out."""
        field_obj = self._schema[fname]
        decode = field_obj.format.decode_positions
        plain = type(field_obj.format) is Positions
        out: dict[int, set[int]] = {}
        for text in texts:
            btext = field_obj.to_bytes(text)
            for leaf, offset in self._leaves:
                if (fname, btext) not in leaf:
                    continue
                n = leaf.doc_count_all()
                local = (want >> offset) & ((1 << n) - 1)
                if not local:
                    continue
                for dn, value in _values(leaf.postings(fname, btext), local):
                    if min_pos and plain and _all_before(value, min_pos):
                        continue
                    ps = _decode_positions(value) if plain else decode(value)
                    got = out.get(dn + offset)
                    if got is None:
                        out[dn + offset] = set(ps)
                    else:
                        got.update(ps)
        return out


#: Pickle opcodes that can encode an int of 256 or more (BININT2, BININT, LONG1, LONG4).
_BIG_INT_OPS = (b"M", b"J", b"\x8a", b"\x8b")


def _all_before(value: bytes, limit: int) -> bool:
    """Whether every position of a :class:`~whoosh.formats.Positions` value is < ``limit``,
    decided without unpickling when possible.

    The value is the count (4 bytes) and the pickled position deltas. With no opcode able
    to hold a delta of 256 or more, the last position is below ``256 × count``.
    """
    count = unpack_uint(value[:_INT_SIZE])[0]
    body = value[_INT_SIZE:]
    if count * 255 < limit and not any(op in body for op in _BIG_INT_OPS):
        return True
    return max(_decode_positions(value), default=-1) < limit


def _decode_positions(value: bytes) -> list[int]:
    """``Positions.decode_positions`` without its per-position Python loop."""
    if not value.endswith(b"."):
        value += b"."
    return list(itertools.accumulate(loads(value[_INT_SIZE:])))


def _folds(texts: list[str]) -> set[str] | None:
    """Fold forms of the positional terms of one phrase position (``None``: unknown)."""
    out: set[str] = set()
    for t in texts:
        if t.startswith(EXACT_PREFIX):
            forms = token_forms(t[len(EXACT_PREFIX) :])
            if forms is None:
                return None
            out.add(forms.fold)
        else:
            out.add(t)
    return out


def _values(m, want: int) -> list[tuple[int, bytes]]:  # type: ignore[no-untyped-def]
    """``(docnum, raw value)`` of the postings of matcher ``m`` whose docnum is in ``want``.

    Whoosh 3 leaf matchers are read block by block, skipping the blocks that hold no
    wanted doc (a block holds the docnums after the previous block's last one, up to
    its own last one). Should the last docnums ever go down (postings out of order), the
    whole list is read instead.
    """
    raw = want.to_bytes((want.bit_length() + 7) // 8 + 1, "little")
    top = want.bit_length()
    out: list[tuple[int, bytes]] = []
    if isinstance(m, W3LeafMatcher) and hasattr(m, "_read_ids") and hasattr(m, "_maxid"):
        skip = True
        lo = 0
        while m.is_active():
            hi = m._maxid
            if skip and hi < lo:  # out of order: start again without skipping
                skip = False
                out.clear()
                m.reset()
                continue
            if not skip or (want >> lo) & ((1 << (hi - lo + 1)) - 1):
                m._read_ids()
                m._read_values()
                for dn, v in zip(m._ids, m._values, strict=False):
                    if dn < top and raw[dn >> 3] >> (dn & 7) & 1:
                        out.append((dn, v))
            lo = hi + 1
            m._next_block()
        return out
    while m.is_active():
        dn = m.id()
        if dn < top and raw[dn >> 3] >> (dn & 7) & 1:
            out.append((dn, m.value()))
        m.next()
    return out


class _DateColumn:
    """Sortable date value per global docnum (0 when the message has no date).

    Loaded once per snapshot into a list (one read per segment). Whoosh's multi-segment
    column reader breaks when a segment has no date column at all, so the leaf readers
    are read one by one.
    """

    def __init__(self, reader) -> None:  # type: ignore[no-untyped-def]
        values: list[int] = []
        for leaf, offset in reader.leaf_readers():
            n = leaf.doc_count_all()
            values.extend([0] * (offset - len(values)))
            if not leaf.has_column("date"):
                values.extend([0] * n)
                continue
            col = leaf.column_reader("date", translate=False)
            values.extend(int(v or 0) for v in _load_column(col, n))
        self._values = values

    def __getitem__(self, docnum: int) -> int:
        return self._values[docnum] if docnum < len(self._values) else 0

    def values(self, n: int) -> list[int]:
        """The values of docnums ``0 … n-1``."""
        vals = self._values[:n]
        return vals + [0] * (n - len(vals))


def _load_column(col, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    """All ``n`` values of a fixed-width numeric column, with one read when possible."""
    try:
        count = min(col._count, n)
        raw = col._dbfile.get(col._basepos, count * col._fixedlen)
        vals = list(struct.unpack(f"!{count}{col._typecode}", raw))
        return vals + [col._default] * (n - count)
    except (AttributeError, struct.error):  # another column type: one value at a time
        return [col[i] for i in range(n)]


def _merge(a: Highlight | None, b: Highlight | None) -> Highlight | None:
    if a is None:
        return b
    if b is None:
        return a
    return Highlight(a.fold | b.fold, a.exact | b.exact, a.bare | b.bare)


Span = tuple[int, int, TokenForms]

#: Snippets and attachment checks look at most this far into a text.
SCAN_CHARS = 20_000


def _tokens(text: str) -> list[Span]:
    return list(iter_tokens(text[:SCAN_CHARS]))


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", _SPACES.sub(" ", _CONTROL.sub(" ", text)))


def make_snippet(
    text: str, hl: Highlight, width: int = SNIPPET_CHARS, tokens: list[Span] | None = None
) -> str:
    """Cut a window of ``text`` around the densest matches and mark matched words.

    Args:
        text: The source text (displayed as is: diacritics and spelling kept).
        hl: What counts as a matched word.
        width: Approximate snippet length in characters.
        tokens: ``iter_tokens(text)`` when the caller has it already.

    Returns:
        The snippet; matched words are wrapped in MARK_START/MARK_END, cuts shown as "…".
    """
    if tokens is None:
        tokens = _tokens(text)
    return _cut(text, [(s, e) for s, e, forms in tokens if hl.matches(forms)], width)


def _cut(text: str, spans: list[tuple[int, int]], width: int) -> str:
    """The snippet of ``text`` around the densest of the matched ``spans``."""
    if not spans:
        cut = text[:width]
        out = _clean(cut).strip()
        return out + ("…" if len(text) > width else "")
    # The window start that covers most matches within ``width`` characters.
    best_i, best_n, j = 0, 0, 0
    for i, (s, _e) in enumerate(spans):
        while j < len(spans) and spans[j][1] - s <= width:
            j += 1
        if j - i > best_n:
            best_i, best_n = i, j - i
    first = spans[best_i][0]
    start = max(0, first - width // 4)
    # Do not cut a word in half at the start.
    while start > 0 and not text[start - 1].isspace() and start > first - width // 2:
        start -= 1
    end = min(len(text), start + width)
    while end < len(text) and not text[end].isspace() and end < start + width + 20:
        end += 1
    parts: list[str] = []
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        parts.append(_clean(text[pos:s]))
        parts.append(MARK_START + _clean(text[s:e]) + MARK_END)
        pos = e
    parts.append(_clean(text[pos:end]))
    out = "".join(parts).strip()
    return ("…" if start > 0 else "") + out + ("…" if end < len(text) else "")


__all__ = [
    "MARK_END",
    "MARK_START",
    "Hit",
    "SearchResult",
    "Searcher",
    "make_snippet",
]
