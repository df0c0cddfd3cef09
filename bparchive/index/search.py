"""Running queries: retrieval, deterministic re-rank (§6.4), snippets.

Called by the search service behind ``bparchive search`` and the TUI search screen.
A :class:`Searcher` keeps one Whoosh searcher open and refreshes it before each query,
so it always sees the last committed state and never waits on a writer.

Snippets mark matched words with :data:`MARK_START` / :data:`MARK_END` (control
characters that never occur in the cleaned snippet text), so the CLI and TUI can turn
them into styles without parsing any markup.
"""

from __future__ import annotations

import heapq
import math
import re
import struct
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from whoosh import query as wq
from whoosh.scoring import BM25F

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
from bparchive.index.schema import FREE_TEXT_FIELDS, PUBLIC_NAME

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
            matched attachments). Without it, hits carry no snippet.
    """

    def __init__(
        self, index: Index, texts_for: Callable[[int], IndexDoc | None] | None = None
    ) -> None:
        self.index = index
        self.texts_for = texts_for
        self._lock = threading.Lock()
        self._searcher = index.whoosh.searcher(weighting=BM25F())
        self._postings: _Postings | None = None

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

    def search(
        self,
        query: str,
        *,
        limit: int = 50,
        sort: Literal["relevance", "date"] = "relevance",
    ) -> SearchResult:
        """Run a query.

        Args:
            query: Query in the language of ``docs/query-language.md``; blank → no hits.
            limit: Maximum number of hits returned.
            sort: ``relevance`` (§6.4 re-rank) or ``date`` (newest first, same matches).

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
        compiled = compile_query(parse(query))
        s = self._current()
        with self._lock:
            if self._postings is None or self._postings.searcher is not s:
                self._postings = _Postings(s)
            ctx = self._postings
        assert compiled.evaluator is not None
        matched = ctx.evaluate(compiled.evaluator)
        dates = ctx.dates()
        limit = max(limit, 0)
        score = self._scorer(ctx, compiled)
        if sort == "date":
            order = heapq.nsmallest(limit, matched, key=lambda dn: (-dates[dn], dn))
            rel = {dn: score(dn) for dn in order}
        else:
            keys = self._rank_keys(ctx, compiled, matched)
            top = heapq.nlargest(RERANK_DEPTH, matched, key=lambda dn: (keys(dn), dates[dn], -dn))
            rel = {dn: score(dn) for dn in top}
            order = sorted(top, key=lambda dn: (-rel[dn], -dates[dn], dn))[:limit]
        hits = [self._hit(s, ctx, compiled, dn, rel[dn]) for dn in order]
        elapsed = (time.perf_counter() - t0) * 1000.0
        return SearchResult(hits, len(matched), compiled.converted, elapsed)

    # -- internals

    @staticmethod
    def _rank_keys(ctx: _Postings, compiled: CompiledQuery, matched: set[int]):  # type: ignore[no-untyped-def]
        """Integer features of §6.4 (1–4, plus reference-number hits) for every match."""
        fold_bi: Counter[int] = Counter()
        exact_bi: Counter[int] = Counter()
        exact_cov: Counter[int] = Counter()
        for pair in compiled.pairs:
            fold_bi.update(ctx.union(pair.fold_terms) & matched)
            if pair.exact_terms:
                exact_bi.update(ctx.union(pair.exact_terms) & matched)
        for p in compiled.positions:
            if p.marked:
                exact_cov.update(ctx.union(p.exact_terms) & matched)
        content = [p for p in compiled.positions if not p.stop]
        primary: set[int] = set(matched)
        for p in content:
            primary &= ctx.union(p.primary_terms)
        refno = ctx.union(compiled.refno_terms) & matched

        def key(dn: int) -> tuple[int, int, int, int, int]:
            return (
                dn in refno,
                fold_bi[dn],
                exact_bi[dn],
                exact_cov[dn],
                dn in primary,
            )

        return key

    @staticmethod
    def _scorer(ctx: _Postings, compiled: CompiledQuery) -> Callable[[int], float]:
        """Relevance of one document (the §6.4 tuple folded into one float, date excluded).

        The posting sets and weights the score needs are gathered once per query.
        """
        pairs = compiled.pairs
        fold_pairs = [ctx.union(p.fold_terms) for p in pairs]
        ex_pairs = [ctx.union(p.exact_terms) for p in pairs if p.exact_terms]
        marked = [ctx.union(p.exact_terms) for p in compiled.positions if p.marked]
        primary = [ctx.union(p.primary_terms) for p in compiled.positions if not p.stop]
        refno = ctx.union(compiled.refno_terms) if compiled.refno_terms else None
        # Stand-in for BM25F: idf-weighted, field-weighted matched terms (no tf), squashed.
        # Per position the best-weighted matching term counts; per pair every term.
        pos_terms = [
            sorted(((ctx.weight(t), ctx.docs(t)) for t in p.terms), key=lambda x: -x[0])
            for p in compiled.positions
        ]
        pair_terms = [
            (ctx.weight(t), ctx.docs(t))
            for pair in pairs
            for t in pair.fold_terms | pair.exact_terms
        ]

        def score(dn: int) -> float:
            fold_bi = sum(1 for d in fold_pairs if dn in d) / len(pairs) if pairs else 0.0
            exact_bi = sum(1 for d in ex_pairs if dn in d) / len(ex_pairs) if ex_pairs else 0.0
            exact_cov = sum(1 for d in marked if dn in d) / len(marked) if marked else 0.0
            prim = 1.0 if all(dn in d for d in primary) else 0.0
            ref = 1.0 if refno is not None and dn in refno else 0.0
            weight = 0.0
            for terms in pos_terms:
                for w, d in terms:
                    if dn in d:
                        weight += w
                        break
            for w, d in pair_terms:
                if dn in d:
                    weight += w
            bm = weight / (1.0 + weight)
            # Lexicographic order of the tuple folded into one float (safe for queries of
            # up to ~90 syllables); the date is *not* part of it.
            return ref * 1e4 + fold_bi * 1e3 + exact_bi + exact_cov * 1e-3 + prim * 1e-5 + bm * 1e-6

        return score

    def _hit(
        self,
        s,
        ctx: _Postings,
        compiled: CompiledQuery,
        dn: int,
        score: float,  # type: ignore[no-untyped-def]
    ) -> Hit:
        doc_id = int(s.stored_fields(dn)["id"])
        terms = set(compiled.refno_terms) | set(compiled.extra_terms)
        for p in compiled.positions:
            terms |= p.terms
        matched = sorted({PUBLIC_NAME.get(t[0], t[0]) for t in terms if dn in ctx.docs(t)})
        hit = Hit(id=doc_id, score=score, matched_fields=matched)
        if self.texts_for is not None:
            doc = self.texts_for(doc_id)
            if doc is not None:
                self._fill_snippet(hit, doc, compiled)
        return hit

    def _fill_snippet(self, hit: Hit, doc: IndexDoc, compiled: CompiledQuery) -> None:
        hl = compiled.highlight
        att_hl = _merge(hl.get("att_name"), hl.get("att_text"))
        if att_hl is not None:
            for att in doc.attachments:
                if _coverage(att.name, att_hl) or _coverage(att.text, att_hl):
                    hit.matched_attachments.append(att.name)
        # The source where most distinct query words match; ties go to body, then
        # attachment text, then subject, then attachment names.
        sources: list[tuple[str, str, Highlight | None]] = [("body", doc.body, hl.get("body"))]
        sources += [(f"attachment:{a.name}", a.text, hl.get("att_text")) for a in doc.attachments]
        sources.append(("subject", doc.subject, hl.get("subject")))
        sources += [(f"attachment:{a.name}", a.name, hl.get("att_name")) for a in doc.attachments]
        best: tuple[int, str, str, Highlight] | None = None
        for name, text, h in sources:
            if h is None or not text:
                continue
            n = _coverage(text, h)
            if n and (best is None or n > best[0]):
                best = (n, name, text, h)
        if best is not None:
            _, hit.snippet_source, text, h = best
            hit.snippet = make_snippet(text, h)
            return
        hit.snippet = make_snippet(doc.body or doc.subject, Highlight())
        hit.snippet_source = "body" if doc.body else "subject"


class _Postings:
    """Posting lists of one searcher snapshot as Python sets, and set-based matching."""

    #: Posting sets kept per snapshot (search-as-you-type repeats most terms).
    MAX_TERMS = 4096

    def __init__(self, searcher) -> None:  # type: ignore[no-untyped-def]
        self.searcher = searcher
        self._s = searcher
        self._reader = searcher.reader()
        self._schema = self._reader.schema
        self._docs: dict[Term, frozenset[int]] = {}
        self._universe: frozenset[int] | None = None
        self._n = max(1, self._reader.doc_count())
        self._dates: _DateColumn | None = None

    def dates(self) -> _DateColumn:
        """The date column of this snapshot (loaded on first use)."""
        if self._dates is None:
            self._dates = _DateColumn(self._reader)
        return self._dates

    def docs(self, term: Term) -> frozenset[int]:
        """Live docnums containing ``term``."""
        got = self._docs.get(term)
        if got is None:
            fname, text = term
            got = frozenset()
            if fname in self._schema:
                btext = self._schema[fname].to_bytes(text)
                if (fname, btext) in self._reader:
                    ids = self._reader.postings(fname, btext).all_ids()
                    got = frozenset(ids)
                    if self._reader.has_deletions():
                        got = got & self.universe()
            if len(self._docs) >= self.MAX_TERMS:
                self._docs.clear()
            self._docs[term] = got
        return got

    def seen(self) -> list[Term]:
        """Terms looked up so far that occur somewhere."""
        return [t for t, d in self._docs.items() if d]

    def weight(self, term: Term) -> float:
        """idf × field weight of a term."""
        df = len(self.docs(term)) or 1
        fname = term[0].removesuffix("_bi")
        w = FREE_TEXT_FIELDS.get(fname, 1.0)
        if term[1].startswith(EXACT_PREFIX):
            w *= 1.5
        return w * math.log(1.0 + self._n / df)

    def union(self, terms: Iterable[Term]) -> set[int]:
        """Docs containing any of ``terms``."""
        out: set[int] = set()
        for t in terms:
            out |= self.docs(t)
        return out

    def universe(self) -> frozenset[int]:
        """All live docnums."""
        if self._universe is None:
            self._universe = frozenset(self._reader.all_doc_ids())
        return self._universe

    def evaluate(self, ev: Evaluator) -> set[int]:
        """The exact set of documents matching ``ev``."""
        if isinstance(ev, EvalRun):
            sets = [self.union(p.terms) for p in ev.positions]
            if not sets:
                return set()
            if ev.need >= len(sets):
                sets.sort(key=len)
                out = set(sets[0])
                for other in sets[1:]:
                    out &= other
                return out
            counts: Counter[int] = Counter()
            for st in sets:
                counts.update(st)
            return {dn for dn, c in counts.items() if c >= ev.need}
        if isinstance(ev, EvalLeaf):
            if isinstance(ev.query, wq.Every):
                return set(self.universe())
            return set(self._s.docs_for_query(ev.query))
        if ev.op == "not":
            return set(self.universe() - self.evaluate(ev.children[0]))
        if ev.op == "and":
            # Evaluate positive children first, subtract negated ones.
            pos = [c for c in ev.children if not (isinstance(c, EvalBool) and c.op == "not")]
            neg = [c for c in ev.children if isinstance(c, EvalBool) and c.op == "not"]
            out = self.evaluate(pos[0]) if pos else set(self.universe())
            for c in pos[1:]:
                if not out:
                    break
                out &= self.evaluate(c)
            for c in neg:
                if not out:
                    break
                out -= self.evaluate(c.children[0])
            return out
        out = set()
        for c in ev.children:
            out |= self.evaluate(c)
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


def _coverage(text: str, hl: Highlight) -> int:
    """Number of distinct query words (by fold form) matched in ``text``.

    Looks at each distinct raw token once (no offsets needed here).
    """
    found: set[str] = set()
    for raw in set(TOKEN_RE.findall(text[:SCAN_CHARS])):
        forms = token_forms(raw)
        if forms is not None and hl.matches(forms):
            found.add(forms.fold)
    return len(found)


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
    spans = [(s, e) for s, e, forms in tokens if hl.matches(forms)]
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
