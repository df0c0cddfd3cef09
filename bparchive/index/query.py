"""The search query language: lexer, recursive-descent parser and Whoosh query builder.

Called by :class:`bparchive.index.search.Searcher` (and by the TUI/CLI only through it).
The language is documented in ``docs/query-language.md``; the matching rules are §6.3 of
the Vietnamese search spec. Whoosh's own ``QueryParser`` is never used: it would
misread ``/``, ``-`` and ``:`` inside reference numbers such as ``48/2009/QĐ-UBND``.

:func:`parse` turns a string into a small AST (raising :class:`~bparchive.errors.QueryError`
with a character position), :func:`compile_query` turns the AST into a Whoosh query plus
the bookkeeping the re-ranker, the snippet builder and the post-filter need
(:class:`CompiledQuery`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from whoosh import query as wq

from bparchive import vi
from bparchive.errors import QueryError
from bparchive.index.analysis import EXACT_PREFIX, TokenForms, iter_tokens, token_forms
from bparchive.index.indexer import _kw
from bparchive.index.schema import BIGRAM_OF, FREE_TEXT_FIELDS

# ----------------------------------------------------------------------------- AST

#: Field names of the language, mapped to their canonical name.
FIELD_NAMES: dict[str, str] = {
    "from": "from",
    "to": "to",
    "cc": "cc",
    "subject": "subject",
    "body": "body",
    "file": "file",
    "category": "category",
    "type": "type",
    "so": "refno",
    "refno": "refno",
    "folder": "folder",
    "account": "account",
    "tag": "tag",
    "is": "is",
    "has": "has",
    "date": "date",
    "before": "before",
    "after": "after",
    "urgency": "urgency",
}

IS_VALUES = {
    "unread": ("unread", True),
    "read": ("unread", False),
    "flagged": ("flagged", True),
    "unflagged": ("flagged", False),
    "secret": ("secret", True),
}
HAS_VALUES = {"attachment", "attachments", "file", "files"}

REFNO_BOOST = 5.0
BIGRAM_BOOST = 3.0
EXACT_BOOST = 2.0
RELAXED_MIN_POSITIONS = 5
RELAXED_SHARE = 0.75


@dataclass(frozen=True)
class Word:
    """A free word as typed (``start`` = offset in the query)."""

    text: str
    start: int


@dataclass(frozen=True)
class Run:
    """Free words next to each other: one §6.3 syllable run."""

    words: tuple[Word, ...]


@dataclass(frozen=True)
class Phrase:
    """A quoted phrase."""

    text: str
    start: int


@dataclass(frozen=True)
class FieldTerm:
    """``name:value`` (value possibly quoted)."""

    name: str
    value: str
    start: int
    value_start: int
    quoted: bool


@dataclass(frozen=True)
class Not:
    """Negation (``NOT x`` or ``-x``)."""

    child: Node


@dataclass(frozen=True)
class And:
    """Conjunction (explicit ``AND`` or juxtaposition)."""

    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Disjunction (``OR``)."""

    children: tuple[Node, ...]


Node = Run | Phrase | FieldTerm | Not | And | Or


@dataclass(frozen=True)
class ParsedQuery:
    """Result of :func:`parse`.

    Attributes:
        root: The AST.
        mode: ``"normal"``, ``"strict"`` (leading ``=``) or ``"loose"`` (leading ``~``).
        text: The query as typed.
    """

    root: Node
    mode: str
    text: str


# ----------------------------------------------------------------------------- lexer

_OPEN_QUOTES = {'"': '"', "“": "”", "”": "”", "„": "”"}
_WORD_STOP = set(" \t\r\n()") | set(_OPEN_QUOTES)


@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD PHRASE FIELD LP RP AND OR NOT
    start: int
    text: str = ""
    name: str = ""
    value_start: int = 0
    quoted: bool = False


def _read_quoted(q: str, i: int) -> tuple[str, int]:
    """Read a quoted string starting at ``q[i]``; return (content, index after it)."""
    close = _OPEN_QUOTES[q[i]]
    j = i + 1
    while j < len(q) and q[j] != close and not (close == "”" and q[j] == '"'):
        j += 1
    if j >= len(q):
        raise QueryError(f"Unclosed quotation mark at position {i + 1}.", query=q, position=i)
    return q[i + 1 : j], j + 1


def _lex(q: str, start: int) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = start, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
        elif c == "(":
            toks.append(_Tok("LP", i))
            i += 1
        elif c == ")":
            toks.append(_Tok("RP", i))
            i += 1
        elif c in _OPEN_QUOTES:
            text, j = _read_quoted(q, i)
            toks.append(_Tok("PHRASE", i, text))
            i = j
        elif c == "-" and i + 1 < n and not q[i + 1].isspace() and q[i + 1] != ")":
            toks.append(_Tok("NOT", i, "-"))
            i += 1
        else:
            j = i
            while j < n and q[j] not in _WORD_STOP:
                j += 1
            word = q[i:j]
            if word in {"AND", "OR", "NOT"}:
                toks.append(_Tok(word, i, word))
                i = j
                continue
            name, colon, value = word.partition(":")
            canon = FIELD_NAMES.get(name.lower()) if colon else None
            if canon is None:
                toks.append(_Tok("WORD", i, word))
                i = j
                continue
            vstart = i + len(name) + 1
            if not value and j < n and q[j] in _OPEN_QUOTES:
                text, j2 = _read_quoted(q, j)
                if not text.strip():
                    raise QueryError(
                        f"Empty value after {name}: at position {i + 1}.", query=q, position=j
                    )
                toks.append(_Tok("FIELD", i, text, canon, j + 1, True))
                i = j2
                continue
            if not value:
                raise QueryError(
                    f"Missing value after {name}: at position {i + 1}.", query=q, position=vstart
                )
            toks.append(_Tok("FIELD", i, value, canon, vstart, False))
            i = j
    return toks


# ----------------------------------------------------------------------------- parser


MAX_NESTING = 50
"""Parentheses and NOTs nested deeper than this are refused (a person never needs
more; without a bound, a pasted line of 300 "(" would exhaust Python's stack)."""


class _Parser:
    def __init__(self, q: str, toks: list[_Tok]) -> None:
        self.q = q
        self.toks = toks
        self.i = 0
        self.depth = 0

    def _deeper(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self._error(
                f"Too deeply nested (more than {MAX_NESTING} levels of parentheses or NOT)",
                tok.start,
            )

    def _peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _error(self, message: str, position: int) -> QueryError:
        return QueryError(f"{message} (position {position + 1}).", query=self.q, position=position)

    def parse(self) -> Node:
        node = self._or()
        tok = self._peek()
        if tok is not None:
            if tok.kind == "RP":
                raise self._error("Closing parenthesis without an opening one", tok.start)
            raise self._error(f"Unexpected {tok.text or tok.kind}", tok.start)
        return node

    def _or(self) -> Node:
        children = [self._and()]
        while (tok := self._peek()) is not None and tok.kind == "OR":
            self.i += 1
            nxt = self._peek()
            if nxt is None or nxt.kind in {"OR", "AND", "RP"}:
                raise self._error("OR needs something to search on both sides", tok.start)
            children.append(self._and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def _and(self) -> Node:
        items: list[Node] = []
        words: list[Word] = []

        def flush() -> None:
            if words:
                items.append(Run(tuple(words)))
                words.clear()

        while True:
            tok = self._peek()
            if tok is None or tok.kind in {"OR", "RP"}:
                if not items and not words:
                    where = tok.start if tok is not None else len(self.q)
                    what = (
                        "OR"
                        if tok is not None and tok.kind == "OR"
                        else ("Empty parentheses" if tok is not None else "Nothing to search for")
                    )
                    if what == "OR":
                        raise self._error("OR needs something to search on both sides", where)
                    raise self._error(what, where)
                break
            if tok.kind == "AND":
                self.i += 1
                nxt = self._peek()
                if not items and not words:
                    raise self._error("AND needs something to search on both sides", tok.start)
                if nxt is None or nxt.kind in {"OR", "AND", "RP"}:
                    raise self._error("AND needs something to search on both sides", tok.start)
                flush()
                continue
            if tok.kind == "WORD":
                self.i += 1
                words.append(Word(tok.text, tok.start))
                continue
            flush()
            items.append(self._unary())
        flush()
        return items[0] if len(items) == 1 else And(tuple(items))

    def _unary(self) -> Node:
        tok = self._peek()
        assert tok is not None
        if tok.kind == "NOT":
            self.i += 1
            nxt = self._peek()
            if nxt is None or nxt.kind in {"OR", "AND", "RP"}:
                raise self._error("NOT needs something after it", tok.start)
            self._deeper(tok)
            node = Not(self._unary())
            self.depth -= 1
            return node
        return self._primary()

    def _primary(self) -> Node:
        tok = self._peek()
        assert tok is not None
        self.i += 1
        if tok.kind == "LP":
            self._deeper(tok)
            inner = self._or()
            close = self._peek()
            if close is None or close.kind != "RP":
                raise self._error("Unclosed parenthesis", tok.start)
            self.i += 1
            self.depth -= 1
            return inner
        if tok.kind == "PHRASE":
            return Phrase(tok.text, tok.start)
        if tok.kind == "FIELD":
            return FieldTerm(tok.name, tok.text, tok.start, tok.value_start, tok.quoted)
        if tok.kind == "WORD":
            return Run((Word(tok.text, tok.start),))
        raise self._error(f"Unexpected {tok.text or tok.kind}", tok.start)


def parse(q: str) -> ParsedQuery:
    """Parse a query string.

    Args:
        q: The query as typed.

    Returns:
        The parsed query.

    Raises:
        QueryError: The query is malformed; ``position`` is the 0-based offset of the problem.
    """
    if not isinstance(q, str):
        raise QueryError("The query must be text.", query=str(q), position=0)
    i = 0
    while i < len(q) and q[i].isspace():
        i += 1
    mode = "normal"
    if i < len(q) and q[i] in "=~":
        mode = "strict" if q[i] == "=" else "loose"
        i += 1
    toks = _lex(q, i)
    if not toks:
        raise QueryError("Nothing to search for.", query=q, position=i)
    root = _Parser(q, toks).parse()
    _validate(root, q)
    return ParsedQuery(root, mode, q)


def _validate(node: Node, q: str) -> None:
    """Check field values early so that errors carry the right position."""
    if isinstance(node, FieldTerm):
        if node.name in {"date", "before", "after"}:
            parse_date_value(node.name, node.value, q, node.value_start)
        elif node.name == "is" and node.value.lower() not in IS_VALUES:
            raise QueryError(
                f"is:{node.value} is not known; use one of "
                f"{', '.join('is:' + k for k in IS_VALUES)} (position {node.value_start + 1}).",
                query=q,
                position=node.value_start,
            )
        elif node.name == "has" and node.value.lower() not in HAS_VALUES:
            raise QueryError(
                f"has:{node.value} is not known; use has:attachment "
                f"(position {node.value_start + 1}).",
                query=q,
                position=node.value_start,
            )
    elif isinstance(node, Not):
        _validate(node.child, q)
    elif isinstance(node, And | Or):
        for c in node.children:
            _validate(c, q)


# ----------------------------------------------------------------------------- dates

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_VN = re.compile(r"^(?:(\d{1,2})[/.])?(\d{1,2})[/.](\d{4})$")


def _date_span(text: str, q: str, pos: int) -> tuple[datetime, datetime]:
    """``2024`` / ``2024-03`` / ``2024-03-05`` / ``05/03/2024`` / ``03/2024`` → [start, end)."""
    m = _ISO.match(text)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
    else:
        m2 = _VN.match(text)
        if not m2:
            raise QueryError(
                f"{text!r} is not a date; write 2024, 2024-03, 2024-03-05 or 05/03/2024 "
                f"(position {pos + 1}).",
                query=q,
                position=pos,
            )
        d, mo, y = m2.group(1), m2.group(2), m2.group(3)
    year = int(y)
    try:
        if mo is None:
            start = datetime(year, 1, 1)
            end = datetime(year + 1, 1, 1)
        elif d is None:
            start = datetime(year, int(mo), 1)
            end = datetime(year + (int(mo) == 12), int(mo) % 12 + 1, 1)
        else:
            day = date(year, int(mo), int(d))
            start = datetime(day.year, day.month, day.day)
            end = start + timedelta(days=1)
    except ValueError as exc:
        raise QueryError(
            f"{text!r} is not a valid date: {exc} (position {pos + 1}).", query=q, position=pos
        ) from exc
    return start, end


def parse_date_value(
    name: str, value: str, q: str = "", pos: int = 0
) -> tuple[datetime | None, datetime | None]:
    """Turn a ``date:``/``before:``/``after:`` value into a half-open [start, end) range.

    Raises:
        QueryError: The value is not a valid date or range.
    """
    value = value.strip()
    if name == "date" and ".." in value:
        left, _, right = value.partition("..")
        if not left and not right:
            raise QueryError(
                f"A date range needs at least one end (position {pos + 1}).",
                query=q,
                position=pos,
            )
        start = _date_span(left, q, pos)[0] if left else None
        end = _date_span(right, q, pos + len(left) + 2)[1] if right else None
        if start is not None and end is not None and start >= end:
            raise QueryError(
                f"The date range {value!r} ends before it starts (position {pos + 1}).",
                query=q,
                position=pos,
            )
        return start, end
    start, end = _date_span(value, q, pos)
    if name == "before":
        return None, start
    if name == "after":
        return start, None
    return start, end


# ----------------------------------------------------------------------------- compiled form

Term = tuple[str, str]  # (field, indexed text)


@dataclass
class Alternative:
    """One spelling of a query syllable (literal or Telex/VNI conversion)."""

    forms: TokenForms
    primary: bool
    text: str


@dataclass
class Position:
    """One query syllable with its alternatives and the index terms that satisfy it.

    Attributes:
        alts: Alternatives (primary first).
        stop: Optional stop-word position.
        marked: The primary alternative is marked (counts for ``exact_cov``).
        terms: Every index term satisfying the position.
        exact_terms: Terms that are verbatim exact matches of a marked alternative.
        primary_terms: Terms produced by the primary alternative.
    """

    alts: list[Alternative]
    stop: bool = False
    marked: bool = False
    terms: set[Term] = field(default_factory=set)
    exact_terms: set[Term] = field(default_factory=set)
    primary_terms: set[Term] = field(default_factory=set)


@dataclass
class Pair:
    """Two adjacent query syllables: the bigram terms that reward adjacency."""

    fold_terms: set[Term] = field(default_factory=set)
    exact_terms: set[Term] = field(default_factory=set)


@dataclass
class Highlight:
    """Per-source token sets used to mark words in snippets and to check attachments."""

    fold: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    bare: set[str] = field(default_factory=set)

    def matches(self, forms: TokenForms) -> bool:
        """Whether a document syllable satisfies one of the query syllables."""
        if forms.fold in self.fold or forms.exact in self.exact:
            return True
        return not forms.marked and forms.fold in self.bare


# Post-filter evaluators (only used when a run was relaxed to the 75 % rule).


@dataclass
class EvalRun:
    positions: list[Position]
    need: int


@dataclass
class EvalLeaf:
    query: wq.Query


@dataclass
class EvalBool:
    op: str  # and | or | not
    children: list[Evaluator]


Evaluator = EvalRun | EvalLeaf | EvalBool


@dataclass
class CompiledQuery:
    """A query ready to run.

    Attributes:
        query: The Whoosh query (recall; may be looser than the language when relaxed).
        positions: Positive syllable positions (for the re-rank coverage features).
        pairs: Adjacent positive pairs (bigram coverage).
        refno_terms: ``refno`` terms of reference numbers in the query.
        extra_terms: Other keyword terms (addresses) that tell which field matched.
        highlight: Highlight sets per source (``subject``, ``body``, ``att_name``, ``att_text``).
        evaluator: Exact matching semantics as set operations over posting lists.
        converted: The query with Telex/VNI syllables replaced (shown as "Đã hiểu là").
        mode: ``normal`` / ``strict`` / ``loose``.
    """

    query: wq.Query
    positions: list[Position]
    pairs: list[Pair]
    refno_terms: set[Term]
    extra_terms: set[Term]
    highlight: dict[str, Highlight]
    evaluator: Evaluator | None
    converted: str
    mode: str
    refno_only: bool = False


# ----------------------------------------------------------------------------- vi adapters


def _stop_words() -> frozenset[str]:
    words = getattr(vi, "STOP_WORDS", frozenset())
    return frozenset(w.replace(" ", "_").lower() for w in words)


def typed_alternatives(raw: str) -> list[str]:
    """Telex/VNI readings of one query syllable, primary first (§8.3, via ``vi``)."""
    if raw.isdigit():
        return [raw]
    tok = vi.convert_query_tokens([raw], mode="auto").tokens[0]
    return [r for r in tok.readings if r] or [raw]


def _ref_key(word: str) -> str | None:
    if "/" not in word or not any(c.isdigit() for c in word):
        return None
    from bparchive.filing import normalise_ref_query

    key = normalise_ref_query(word)
    return _kw(key) if key else None


# ----------------------------------------------------------------------------- compiler


class _Compiler:
    def __init__(self, parsed: ParsedQuery) -> None:
        self.parsed = parsed
        self.q = parsed.text
        self.mode = parsed.mode
        self.positions: list[Position] = []
        self.pairs: list[Pair] = []
        self.refno_terms: set[Term] = set()
        self.extra_terms: set[Term] = set()
        self.highlight: dict[str, Highlight] = {}
        self.relaxed = False
        self.replacements: list[tuple[int, int, str]] = []
        self.stop = _stop_words()
        self.refno_only = False

    # -- syllables

    def _syllables(self, text: str, offset: int) -> list[Position]:
        spans = list(iter_tokens(text))
        out: list[Position] = []
        exacts = [f.exact for _, _, f in spans]
        stop_flags = [e in self.stop for e in exacts]
        for i in range(len(exacts) - 1):
            if f"{exacts[i]}_{exacts[i + 1]}" in self.stop:
                stop_flags[i] = stop_flags[i + 1] = True
        for (s, e, _forms), is_stop in zip(spans, stop_flags, strict=True):
            raw = text[s:e]
            alts: list[Alternative] = []
            seen: set[str] = set()
            for k, alt in enumerate(typed_alternatives(raw)):
                forms = token_forms(alt)
                if forms is None or forms.exact in seen:
                    continue
                seen.add(forms.exact)
                alts.append(Alternative(forms, k == 0, alt))
            if not alts:
                continue
            if alts[0].text != raw:
                self.replacements.append((offset + s, offset + e, alts[0].text))
            out.append(Position(alts, stop=is_stop))
        return out

    def _alt_terms(self, alt: Alternative, fieldname: str) -> list[tuple[str, float, bool]]:
        """(indexed text, boost, is_exact) of one alternative in one positional field."""
        f = alt.forms
        if self.mode == "loose" or not f.marked:
            # Every spelling: marked syllables are indexed under their fold, unmarked ones
            # only under their exact (= bare = fold) token (see ``analysis``).
            return [(f.fold, 1.0, False), (EXACT_PREFIX + f.fold, 1.0, False)]
        out = [(EXACT_PREFIX + f.exact, EXACT_BOOST, True)]
        if self.mode != "strict":
            out.append((EXACT_PREFIX + f.fold, 1.0, False))
        return out

    def _position_query(
        self, pos: Position, fields: dict[str, float], sources: Iterable[str]
    ) -> wq.Query:
        clauses: list[wq.Query] = []
        for fname, weight in fields.items():
            for alt in pos.alts:
                for text, boost, is_exact in self._alt_terms(alt, fname):
                    # A document matched only through a non-primary alternative ranks lower.
                    b = weight * boost * (1.0 if alt.primary else 0.5)
                    clauses.append(wq.Term(fname, text, boost=b))
                    pos.terms.add((fname, text))
                    if is_exact:
                        pos.exact_terms.add((fname, text))
                    if alt.primary:
                        pos.primary_terms.add((fname, text))
        pos.marked = self.mode != "loose" and pos.alts[0].forms.marked
        for src in sources:
            h = self.highlight.setdefault(src, Highlight())
            for alt in pos.alts:
                f = alt.forms
                if self.mode == "loose" or not f.marked:
                    h.fold.add(f.fold)
                else:
                    h.exact.add(f.exact)
                    if self.mode != "strict":
                        h.bare.add(f.fold)
        return clauses[0] if len(clauses) == 1 else wq.Or(clauses)

    def _pair(self, a: Position, b: Position, fields: Iterable[str]) -> tuple[Pair, list[wq.Query]]:
        pair = Pair()
        clauses: list[wq.Query] = []
        for fname in fields:
            bif = BIGRAM_OF.get(fname)
            if bif is None:
                continue
            weight = FREE_TEXT_FIELDS.get(fname, 1.0)
            for x in a.alts:
                for y in b.alts:
                    fold = f"{x.forms.fold}_{y.forms.fold}"
                    clauses.append(wq.Term(bif, fold, boost=BIGRAM_BOOST * weight))
                    pair.fold_terms.add((bif, fold))
                    if self.mode != "loose" and x.forms.marked and y.forms.marked:
                        ex = f"{EXACT_PREFIX}{x.forms.exact}_{y.forms.exact}"
                        clauses.append(wq.Term(bif, ex, boost=BIGRAM_BOOST * weight))
                        pair.exact_terms.add((bif, ex))
        return pair, clauses

    # -- runs and phrases

    def run(
        self,
        words: Iterable[Word],
        fields: dict[str, float],
        sources: tuple[str, ...],
        positive: bool,
    ) -> tuple[wq.Query | None, Evaluator | None]:
        positions: list[Position] = []
        ref_terms: list[wq.Query] = []
        all_refs = True
        for w in words:
            positions.extend(self._syllables(w.text, w.start))
            key = _ref_key(w.text)
            if key:
                ref_terms.append(wq.Term("refno", key, boost=REFNO_BOOST))
                if positive:
                    self.refno_terms.add(("refno", key))
            else:
                all_refs = False
        if not positions:
            if ref_terms:
                return wq.Or(ref_terms), EvalLeaf(wq.Or(ref_terms))
            return None, None
        hl_sources = sources if positive else ()
        clauses = [self._position_query(p, fields, hl_sources) for p in positions]
        content = [c for c, p in zip(clauses, positions, strict=True) if not p.stop]
        content_pos = [p for p in positions if not p.stop]
        optional = [c for c, p in zip(clauses, positions, strict=True) if p.stop]
        if not content:
            content, content_pos, optional = clauses, positions, []
        pairs: list[Pair] = []
        for a, b in itertools.pairwise(positions):
            pair, bi = self._pair(a, b, fields)
            if bi:
                pairs.append(pair)
                optional.extend(bi)
        n = len(content)
        need = n
        if n >= RELAXED_MIN_POSITIONS:
            need = math.ceil(RELAXED_SHARE * n)
            core: wq.Query = wq.Or(content, scale=0.9)
            self.relaxed = True
        else:
            core = content[0] if n == 1 else wq.And(content)
        if optional:
            core = wq.AndMaybe(core, wq.Or(optional))
        if ref_terms:
            core = wq.Or([*ref_terms, core]) if all_refs else wq.AndMaybe(core, wq.Or(ref_terms))
            if all_refs and positive:
                self.refno_only = True
        if positive:
            self.positions.extend(positions)
            self.pairs.extend(pairs)
        ev: Evaluator = EvalRun(content_pos, need)
        if ref_terms and all_refs:
            ev = EvalBool("or", [EvalLeaf(wq.Or(ref_terms)), ev])
        return core, ev

    def phrase(
        self,
        text: str,
        start: int,
        fields: dict[str, float],
        sources: tuple[str, ...],
        positive: bool,
    ) -> wq.Query | None:
        positions = self._syllables(text, start + 1)
        if not positions:
            return None
        for p in positions:
            p.stop = False
        if not positive:
            sources = ()
        if len(positions) == 1:
            q = self._position_query(positions[0], fields, sources)
        else:
            per_field: list[wq.Query] = []
            for fname, weight in fields.items():
                subs = [self._position_query(p, {fname: weight}, sources) for p in positions]
                per_field.append(wq.Sequence(subs, slop=1, ordered=True))
            q = per_field[0] if len(per_field) == 1 else wq.Or(per_field)
        if positive:
            self.positions.extend(positions)
            for a, b in itertools.pairwise(positions):
                pair, _ = self._pair(a, b, fields)
                self.pairs.append(pair)
        return q

    # -- fields

    def field_term(self, node: FieldTerm, positive: bool) -> wq.Query | None:
        name, value = node.name, node.value
        if name in {"subject", "body", "file", "category", "type", "urgency"}:
            fields = {
                "subject": {"subject": FREE_TEXT_FIELDS["subject"]},
                "body": {"body": FREE_TEXT_FIELDS["body"]},
                "file": {
                    "att_name": FREE_TEXT_FIELDS["att_name"],
                    "att_text": FREE_TEXT_FIELDS["att_text"],
                },
                "category": {"category": 1.0},
                "type": {"doc_type": 1.0},
                "urgency": {"urgency": 1.0},
            }[name]
            sources = tuple(f for f in fields if f in FREE_TEXT_FIELDS)
            if node.quoted:
                return self.phrase(value, node.value_start - 1, fields, sources, positive)
            words = [
                Word(m.group(), node.value_start + m.start()) for m in re.finditer(r"\S+", value)
            ]
            q, _ = self.run(words, fields, sources, positive)
            return q
        if name in {"from", "to", "cc"}:
            return self._person(node, positive)
        if name in {"date", "before", "after"}:
            start, end = parse_date_value(name, value, self.q, node.value_start)
            return wq.DateRange("date", start, end, endexcl=True)
        if name == "is":
            fname, flag = IS_VALUES[value.lower()]
            return wq.Term(fname, flag)
        if name == "has":
            return wq.Term("has_attachment", True)
        if name == "refno":
            key = _ref_key(value)
            if key:
                if positive:
                    self.refno_terms.add(("refno", key))
                return wq.Term("refno", key, boost=REFNO_BOOST)
            kw = _kw(value)
            if kw.isdigit():
                return wq.Prefix("refno", f"{int(kw)}/")
            return wq.Prefix("refno", kw) if kw else None
        kw = _kw(value)
        return wq.Term(name, kw) if kw else None  # folder, account, tag

    def _person(self, node: FieldTerm, positive: bool) -> wq.Query | None:
        name_fields = {"from": ["from_name"], "to": ["to_name", "cc_name"], "cc": ["cc_name"]}[
            node.name
        ]
        addr_fields = {"from": ["from_addr"], "to": ["to_addr", "cc_addr"], "cc": ["cc_addr"]}[
            node.name
        ]
        kw = _kw(node.value)
        addr_q = [wq.Term(f, kw) for f in addr_fields] if kw else []
        if positive:
            self.extra_terms.update((f, kw) for f in addr_fields)
        if "@" in kw or "." in kw:
            return wq.Or(addr_q) if addr_q else None
        fields = {f: 1.0 for f in name_fields}
        sources = tuple(name_fields)
        if node.quoted or " " in node.value.strip():
            name_q = self.phrase(node.value, node.value_start - 1, fields, sources, positive)
        else:
            name_q, _ = self.run([Word(node.value, node.value_start)], fields, sources, positive)
        parts = [q for q in [name_q, *addr_q] if q is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    # -- tree

    def node(self, node: Node, positive: bool = True) -> tuple[wq.Query | None, Evaluator | None]:
        if isinstance(node, Run):
            return self.run(node.words, FREE_TEXT_FIELDS, tuple(FREE_TEXT_FIELDS), positive)
        if isinstance(node, Phrase):
            q = self.phrase(
                node.text, node.start, FREE_TEXT_FIELDS, tuple(FREE_TEXT_FIELDS), positive
            )
            return q, (EvalLeaf(q) if q is not None else None)
        if isinstance(node, FieldTerm):
            q = self.field_term(node, positive)
            return q, (EvalLeaf(q) if q is not None else None)
        if isinstance(node, Not):
            q, ev = self.node(node.child, positive=False)
            if q is None or ev is None:
                return None, None
            return wq.Not(q), EvalBool("not", [ev])
        if isinstance(node, And | Or):
            qs: list[wq.Query] = []
            evs: list[Evaluator] = []
            for child in node.children:
                q, ev = self.node(child, positive)
                if q is not None and ev is not None:
                    qs.append(q)
                    evs.append(ev)
            if not qs:
                return None, None
            op = "and" if isinstance(node, And) else "or"
            if len(qs) == 1:
                return qs[0], evs[0]
            if op == "and":
                if all(isinstance(q, wq.Not) for q in qs):
                    qs.insert(0, wq.Every())
                    evs.insert(0, EvalLeaf(wq.Every()))
                return wq.And(qs), EvalBool("and", evs)
            return wq.Or(qs), EvalBool("or", evs)
        raise TypeError(f"unknown node {node!r}")

    def converted(self) -> str:
        out = self.q
        for s, e, text in sorted(self.replacements, reverse=True):
            out = out[:s] + text + out[e:]
        return out


def compile_query(parsed: ParsedQuery) -> CompiledQuery:
    """Build the Whoosh query and ranking bookkeeping of a parsed query.

    Raises:
        QueryError: The query has nothing searchable in it (only punctuation …).
    """
    comp = _Compiler(parsed)
    q, ev = comp.node(parsed.root)
    if q is None or ev is None:
        raise QueryError("The query has no words to search for.", query=parsed.text, position=0)
    if isinstance(q, wq.Not):
        q = wq.And([wq.Every(), q])
    return CompiledQuery(
        query=q,
        positions=comp.positions,
        pairs=comp.pairs,
        refno_terms=comp.refno_terms,
        extra_terms=comp.extra_terms,
        highlight=comp.highlight,
        evaluator=ev,
        converted=comp.converted(),
        mode=parsed.mode,
        refno_only=comp.refno_only,
    )


def evaluate(
    ev: Evaluator,
    doc: int,
    term_docs: dict[Term, set[int]],
    leaf_docs: Callable[[wq.Query], set[int]],
) -> bool:
    """Exact language semantics for one candidate document (the 75 % post-filter)."""
    if isinstance(ev, EvalRun):
        hit = sum(1 for p in ev.positions if any(doc in term_docs.get(t, ()) for t in p.terms))
        return hit >= ev.need
    if isinstance(ev, EvalLeaf):
        return doc in leaf_docs(ev.query)
    if ev.op == "not":
        return not evaluate(ev.children[0], doc, term_docs, leaf_docs)
    results = (evaluate(c, doc, term_docs, leaf_docs) for c in ev.children)
    return all(results) if ev.op == "and" else any(results)
