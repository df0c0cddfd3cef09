"""T01–T51 (spec §10) through the Searcher over a real Whoosh index."""

from __future__ import annotations

from pathlib import Path

import pytest

from bparchive import vi
from bparchive.index import Searcher

from .cases import CASES, T40_NAMES, T40_SORTED, Case
from .helpers import build


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    index, labels, texts, encodings = build(case.docs, tmp_path)
    searcher = Searcher(index, texts_for=texts.get)
    result = searcher.search(case.query, sort=case.sort)  # type: ignore[arg-type]
    got = [labels[h.id] for h in result.hits]
    score = {labels[h.id]: h.score for h in result.hits}
    assert len(got) == len(set(got))
    assert result.total == len(got)
    if case.match is not None:
        assert set(got) == set(case.match), f"{case.id}: {result.converted_query!r} → {got}"
    assert case.includes <= set(got)
    assert not (case.excludes & set(got))
    for label, enc in case.encodings.items():
        assert encodings[label] == enc
    if case.order:
        if case.sort == "date":
            assert got == [lab for group in case.order for lab in group]
        for group in case.order:
            assert len({score[lab] for lab in group}) == 1, f"{case.id}: {score}"
        for hi, lo in zip(case.order, case.order[1:], strict=False):
            assert min(score[x] for x in hi) > max(score[x] for x in lo), f"{case.id}: {score}"
            assert max(got.index(x) for x in hi) < min(got.index(x) for x in lo)
    if case.matched_field:
        for h in result.hits:
            assert case.matched_field in h.matched_fields, h
    for h in result.hits:
        assert h.snippet, h


def test_t40_collation() -> None:
    assert sorted(T40_NAMES, key=vi.sort_key) == T40_SORTED


def test_t48_date_sort_is_newest_first_and_precise(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "T48")
    index, labels, texts, _ = build(case.docs, tmp_path)
    hits = Searcher(index, texts_for=texts.get).search("báo cáo", sort="date").hits
    assert [labels[h.id] for h in hits] == ["A", "C"]
    relevance = Searcher(index).search("báo cáo").hits
    assert {labels[h.id] for h in relevance} == {"A", "C"}
