"""Vietnamese analyzers for the Whoosh index (spec §6.1, decisions D2–D4).

Called by :mod:`bparchive.index.schema` (field analyzers), by :mod:`bparchive.index.query`
(the query side must analyse exactly like the index) and by :mod:`bparchive.index.search`
(snippets re-tokenise the stored texts to mark matched words).

Streams (per syllable; every per-token rule comes from :mod:`bparchive.vi`):

* **exact**: N1–N5, tone placement canonical (§2.2), lower case, IY rule (§2.3).
* **fold**: all marks removed, đ→d, lower case, IY rule.
* **bare**: the fold tokens of syllables the document wrote with no diacritic. A bare
  token is by construction identical to its exact token, so the index realises the bare
  stream as the unmarked terms of the exact stream (no separate postings).
* **exact bigram** / **fold bigram**: adjacent syllables joined with ``_``.

The positional text fields carry, at the *same* position, the exact token (prefixed with
:data:`EXACT_PREFIX`) and, when the syllable is marked, its fold token. An unmarked
syllable's exact token *is* its fold (and its bare) token, so it is stored once: a fold
look-up is ``fold OR =fold``, an exact look-up ``=exact``, a bare look-up ``=fold``. One
field thus answers all three and phrases can mix them per position (§6.3 step 7).
Bigram fields carry fold bigrams and, when both syllables are marked, exact bigrams
(prefixed likewise).

:func:`analyze` and :func:`text_postings` are the fast path the index writer uses; they
produce exactly the terms and positions of :func:`text_analyzer` / :func:`bigram_analyzer`
(tested), without Whoosh's per-token objects.

No StandardAnalyzer, StopFilter or CharsetFilter anywhere (D4, F2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import Filter, Tokenizer
from whoosh.analysis.acore import Token

from bparchive import vi

#: Prefix of exact-stream terms inside the combined fields (never produced by the tokenizer).
EXACT_PREFIX = "="

#: N5 token pattern, widened with the format characters N4 deletes (soft hyphen, zero-width
#: characters) so that a syllable broken by them stays one token and keeps its offsets.
TOKEN_RE = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u00ad\u200b-\u200d\u2060\ufeff])+")


@dataclass(frozen=True, slots=True)
class TokenForms:
    """The analysed forms of one raw syllable.

    Attributes:
        exact: Exact-stream token (canonical tones, lower case, IY).
        fold: Fold-stream token (no marks, đ→d, lower case, IY).
        marked: Whether the syllable carries any diacritic or đ (``exact != fold``).
    """

    exact: str
    fold: str
    marked: bool


@lru_cache(maxsize=262_144)
def token_forms(raw: str) -> TokenForms | None:
    """Analyse one raw token as matched by :data:`TOKEN_RE`.

    Args:
        raw: The token as it appears in the text (any normalisation form).

    Returns:
        Its forms, or ``None`` when nothing is left after N4 clean-up.
    """
    clean = vi.normalize(raw)
    if not clean:
        return None
    exact = vi.exact_token(clean)
    fold = vi.fold_token(clean)
    if not exact or not fold:
        return None
    return TokenForms(exact, fold, exact != fold)


def iter_tokens(text: str) -> Iterator[tuple[int, int, TokenForms]]:
    """Yield ``(start, end, forms)`` for every syllable of ``text``.

    Offsets index into ``text`` itself, so highlighting works on the original string.
    """
    for m in TOKEN_RE.finditer(text):
        forms = token_forms(m.group())
        if forms is not None:
            yield m.start(), m.end(), forms


class VnTokenizer(Tokenizer):
    """Syllable tokenizer (N5); ``token.text`` is the raw syllable, offsets kept."""

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for m in TOKEN_RE.finditer(value):
            raw = m.group()
            if token_forms(raw) is None:
                continue
            t.text = raw
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = raw
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + m.start()
                t.endchar = start_char + m.end()
            pos += 1
            yield t


class ExactFilter(Filter):
    """Raw syllable → exact-stream token (tone canon, lower case, IY)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            forms = token_forms(t.text)
            if forms is None:
                continue
            t.text = forms.exact
            yield t


class FoldFilter(Filter):
    """Raw syllable → fold-stream token (F1 + IY). Unit-tested for đ→d."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            forms = token_forms(t.text)
            if forms is None:
                continue
            t.text = forms.fold
            yield t


class BareFilter(Filter):
    """Raw syllable → fold token, only for syllables written without any diacritic."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            forms = token_forms(t.text)
            if forms is None or forms.marked:
                continue
            t.text = forms.fold
            yield t


class StreamsFilter(Filter):
    """Raw syllable → prefixed exact token and (if marked) fold token at the same position.

    This is the analyzer of the positional text fields (see the module docstring).
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            forms = token_forms(t.text)
            if forms is None:
                continue
            t.text = EXACT_PREFIX + forms.exact
            yield t
            if forms.marked:
                t.text = forms.fold
                yield t


class BigramFilter(Filter):
    """Raw syllables → adjacent pairs joined with ``_``.

    Args:
        stream: ``"fold"`` (fold pairs), ``"exact"`` (exact pairs of two marked syllables)
            or ``"both"`` (fold pairs plus prefixed exact pairs, for the combined fields).
        cap: Only pairs within the first ``cap`` syllables (``None``: all).
    """

    def __init__(self, stream: str = "both", cap: int | None = None) -> None:
        if stream not in {"fold", "exact", "both"}:
            raise ValueError(f"unknown bigram stream {stream!r}")
        self.stream = stream
        self.cap = cap

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, BigramFilter)
            and other.stream == self.stream
            and other.cap == self.cap
        )

    def __hash__(self) -> int:
        return hash(("BigramFilter", self.stream, self.cap))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        prev: TokenForms | None = None
        prev_start = prev_pos = 0
        seen = 0
        for t in tokens:
            forms = token_forms(t.text)
            if forms is None:
                continue
            seen += 1
            if self.cap is not None and seen > self.cap:
                return
            cur_start = t.startchar if t.chars else 0
            cur_pos = t.pos if t.positions else 0
            if prev is not None:
                if t.chars:
                    t.startchar = prev_start
                if t.positions:
                    t.pos = prev_pos
                if self.stream in {"fold", "both"}:
                    t.text = f"{prev.fold}_{forms.fold}"
                    yield t
                if self.stream != "fold" and prev.marked and forms.marked:
                    prefix = EXACT_PREFIX if self.stream == "both" else ""
                    t.text = f"{prefix}{prev.exact}_{forms.exact}"
                    yield t
            prev, prev_start, prev_pos = forms, cur_start, cur_pos


def exact_analyzer() -> object:
    """A_EXACT of §6.1."""
    return VnTokenizer() | ExactFilter()


def fold_analyzer() -> object:
    """A_FOLD of §6.1."""
    return VnTokenizer() | FoldFilter()


def bare_analyzer() -> object:
    """The bare stream of D2 on its own (for tests and diagnostics)."""
    return VnTokenizer() | BareFilter()


def text_analyzer() -> object:
    """Combined fold + exact (+ implicit bare) stream of the positional fields."""
    return VnTokenizer() | StreamsFilter()


def bigram_analyzer(stream: str = "both", cap: int | None = None) -> object:
    """A_FOLD_BI (``"fold"``), A_EXACT_BI (``"exact"``) or the combined bigram stream.

    Args:
        stream: Which pairs (see :class:`BigramFilter`).
        cap: Only pairs within the first ``cap`` syllables.
    """
    return VnTokenizer() | BigramFilter(stream, cap)


# ----------------------------------------------------------------------------- fast path

#: raw token → forms (``None``: nothing left after N4); cleared when it grows too big.
_FORMS: dict[str, TokenForms | None] = {}
_FORMS_MAX = 500_000


def analyze(text: str) -> list[TokenForms]:
    """The syllables of ``text`` in order (what :class:`VnTokenizer` keeps), analysed."""
    cache = _FORMS
    if len(cache) > _FORMS_MAX:
        cache.clear()
    out: list[TokenForms] = []
    append = out.append
    for raw in TOKEN_RE.findall(text):
        forms = cache.get(raw, _MISSING)
        if forms is _MISSING:
            forms = cache[raw] = token_forms(raw)
        if forms is not None:
            append(forms)  # type: ignore[arg-type]
    return out


_MISSING: object = object()


def text_postings(tokens: list[TokenForms]) -> dict[str, list[int]]:
    """Terms of a positional field with their positions (same as :func:`text_analyzer`)."""
    out: dict[str, list[int]] = {}
    get = out.get
    for i, f in enumerate(tokens):
        key = EXACT_PREFIX + f.exact
        lst = get(key)
        if lst is None:
            out[key] = [i]
        else:
            lst.append(i)
        if f.marked:
            lst = get(f.fold)
            if lst is None:
                out[f.fold] = [i]
            else:
                lst.append(i)
    return out


def bigram_terms(tokens: list[TokenForms], cap: int | None = None) -> set[str]:
    """Distinct terms of a bigram field (same as ``bigram_analyzer("both", cap)``)."""
    out: set[str] = set()
    add = out.add
    toks = tokens if cap is None else tokens[:cap]
    for a, b in zip(toks, toks[1:], strict=False):  # noqa: RUF007 (faster than pairwise)
        add(a.fold + "_" + b.fold)
        if a.marked and b.marked:
            add(EXACT_PREFIX + a.exact + "_" + b.exact)
    return out
