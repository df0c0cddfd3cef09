"""The searcher's own evaluation of phrases and dates agrees with Whoosh's queries.

The searcher answers quoted phrases from positions (narrowed by the bigram fields) and
``date:``/``before:``/``after:`` from the date column, instead of Whoosh's ``Sequence``
and ``DateRange`` matchers. Whoosh's matchers stay the oracle: on a multi-segment index
with deletions, long texts (phrases beyond the bigram cap) and undated messages, both
must find exactly the same messages. Lazy snippets (``snippets=False`` then
:meth:`Searcher.snippet`) must give what ``snippets=True`` gives.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bparchive.index import Index, IndexAttachment, IndexDoc, Searcher
from bparchive.index.query import compile_query, parse
from bparchive.index.schema import ATT_BIGRAM_TOKENS, BODY_BIGRAM_TOKENS

WORDS = [
    "an",
    "toàn",
    "thông",
    "tin",
    "mạng",
    "báo",
    "cáo",
    "bao",
    "cao",
    "tình",
    "hình",
    "kế",
    "hoạch",
    "uỷ",
    "ban",
    "nhân",
    "dân",
    "sở",
]


def _doc(i: int, rnd: random.Random) -> IndexDoc:
    body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(5, 60)))
    att = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(0, 40)))
    date = None if i % 11 == 0 else datetime(2023, 1, 1) + timedelta(hours=37 * i)
    return IndexDoc(
        id=i,
        subject=" ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(2, 8))),
        body=body,
        attachments=(IndexAttachment("tệp an toàn.pdf", att, "pdf"),) if att else (),
        date=date,
        sender_name=rnd.choice(["Nguyễn Văn An", "Trần Thị Bình", "An Văn Nguyễn"]),
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Index, dict[int, IndexDoc]]:
    rnd = random.Random(7)
    index = Index.create(tmp_path_factory.mktemp("fast") / "ix")
    docs = {i: _doc(i, rnd) for i in range(1, 301)}
    filler = " ".join(["kế hoạch"] * BODY_BIGRAM_TOKENS)
    # Phrase only beyond the bigram cap (body and attachment text), and words far apart.
    docs[301] = IndexDoc(id=301, subject="x", body=filler + " an toàn thông tin mạng")
    docs[302] = IndexDoc(
        id=302,
        subject="y",
        attachments=(
            IndexAttachment("a.pdf", " ".join(["sở"] * ATT_BIGRAM_TOKENS) + " báo cáo tình hình"),
        ),
    )
    docs[303] = IndexDoc(id=303, subject="z", body="an " + filler + " toàn thông tin mạng")
    # Straddling the cap: starts before it, ends after it.
    docs[304] = IndexDoc(
        id=304, subject="w", body=" ".join(["sở"] * (BODY_BIGRAM_TOKENS - 2)) + " an toàn thông"
    )
    # Exactly on the boundaries of the date queries below.
    for i, when in [
        (305, datetime(2023, 2, 10)),
        (306, datetime(2023, 3, 1)),
        (307, datetime(2023, 2, 28, 23, 59, 59, 999999)),
        (308, datetime(2023, 2, 2)),
    ]:
        docs[i] = IndexDoc(id=i, subject="báo cáo", date=when)
    ids = sorted(docs)
    for k in range(0, len(ids), 100):  # several segments
        index.add_documents([docs[i] for i in ids[k : k + 100]])
    # Updates and deletions leave deleted docnums behind.
    for i in (5, 17, 150):
        docs[i] = IndexDoc(**{**_fields(_doc(2000 + i, rnd)), "id": i})  # type: ignore[arg-type]
    index.add_documents([docs[5], docs[17], docs[150]])
    index.delete([42, 250])
    del docs[42], docs[250]
    return index, docs


def _fields(doc: IndexDoc) -> dict[str, object]:
    return {name: getattr(doc, name) for name in IndexDoc.__slots__}


def _whoosh_ids(searcher: Searcher, query: str) -> set[int]:
    """The oracle: Whoosh's own matchers on the compiled query."""
    s = searcher._current()
    q = compile_query(parse(query)).query
    return {int(s.stored_fields(dn)["id"]) for dn in s.docs_for_query(q)}


def _ids(searcher: Searcher, query: str) -> set[int]:
    res = searcher.search(query, limit=10_000, snippets=False)
    assert res.total == len(res.hits)
    return {h.id for h in res.hits}


PHRASES = [
    '"an toàn"',
    '"an toàn thông tin mạng"',
    '"an toan thong tin mang"',
    '"báo cáo tình hình"',
    '"bao cao"',
    '"uỷ ban nhân dân"',
    '"ủy ban"',
    '"an toàn thông"',
    '"sở sở sở"',
    '"mạng an"',
    'body:"an toàn thông tin"',
    'subject:"báo cáo"',
    'file:"báo cáo tình hình"',
    'file:"tệp an toàn"',
    'from:"Nguyễn Văn"',
    '"an toàn" -"thông tin"',
    '"kế hoạch" OR "tình hình"',
    '=("an toàn")',
    '~"bao cao"',
]


@pytest.mark.parametrize("query", PHRASES)
def test_phrases_agree_with_whoosh(corpus: tuple[Index, dict[int, IndexDoc]], query: str) -> None:
    index, _ = corpus
    searcher = Searcher(index)
    assert _ids(searcher, query) == _whoosh_ids(searcher, query)


def test_phrases_beyond_the_bigram_cap_are_found(corpus: tuple[Index, dict[int, IndexDoc]]) -> None:
    index, _ = corpus
    searcher = Searcher(index)
    assert {301, 303} <= _ids(searcher, '"thông tin mạng"')
    assert 301 in _ids(searcher, '"an toàn thông tin mạng"')
    assert 303 not in _ids(searcher, '"an toàn thông tin mạng"')
    assert 302 in _ids(searcher, '"báo cáo tình hình"')
    assert 304 in _ids(searcher, '"sở an toàn thông"')


DATES = [
    "date:2023",
    "date:2023-03",
    "date:2023-03-05",
    "date:05/03/2023",
    "date:2023-01-01..2023-02-01",
    "date:2023-02..",
    "date:..2023-02",
    "before:2023-02-10",
    "after:2023-02-10",
    "after:2024",
    "báo cáo date:2023-02",
    "-date:2023-02",
    "date:2023-01 OR date:2023-03",
]


@pytest.mark.parametrize("query", DATES)
def test_dates_agree_with_whoosh(corpus: tuple[Index, dict[int, IndexDoc]], query: str) -> None:
    index, docs = corpus
    searcher = Searcher(index)
    got = _ids(searcher, query)
    assert got == _whoosh_ids(searcher, query)
    if query.startswith(("date:", "before:", "after:")):
        assert all(docs[i].date is not None for i in got)  # undated never match


def test_date_sort_and_relevance_keep_their_order(
    corpus: tuple[Index, dict[int, IndexDoc]],
) -> None:
    index, docs = corpus
    searcher = Searcher(index)
    hits = searcher.search("an toàn", sort="date", limit=40).hits
    dates = [docs[h.id].date or datetime.max for h in hits]
    assert dates == sorted(dates, reverse=True)
    rel = searcher.search("an toàn thông tin", limit=40).hits
    assert [h.score for h in rel] == sorted((h.score for h in rel), reverse=True)
    assert len({h.id for h in rel}) == len(rel)


def test_lazy_snippets_match_eager_ones(corpus: tuple[Index, dict[int, IndexDoc]]) -> None:
    index, docs = corpus
    calls: list[list[int]] = []

    def many(ids: list[int]) -> dict[int, IndexDoc]:
        calls.append(list(ids))
        return {i: docs[i] for i in ids if i in docs}

    searcher = Searcher(index, texts_for_many=many)
    for query in ["an toàn thông tin", '"báo cáo"', "file:tệp", "kế hoạch -sở"]:
        calls.clear()
        eager = searcher.search(query, limit=20).hits
        assert len(calls) == 1 and calls[0] == [h.id for h in eager]  # one batch per page
        lazy = searcher.search(query, limit=20, snippets=False).hits
        assert [h.id for h in lazy] == [h.id for h in eager]
        assert [h.score for h in lazy] == [h.score for h in eager]
        assert all(h.snippet == "" and h.matched_attachments == [] for h in lazy)
        for h in eager:
            one = searcher.snippet(query, h.id)
            assert (one.snippet, one.snippet_source) == (h.snippet, h.snippet_source)
            assert one.matched_attachments == h.matched_attachments
        assert any("\x02" in h.snippet for h in eager)
    # The single-id callback still works, and so does no callback at all.
    single = Searcher(index, texts_for=docs.get).search("an toàn", limit=5).hits
    assert single and all(h.snippet for h in single)
    assert Searcher(index).snippet("an toàn", 1).snippet == ""


def test_position_decoding_matches_whoosh() -> None:
    from whoosh.formats import Positions

    from bparchive.index.search import _all_before, _decode_positions
    from bparchive.index.writer import encode_positions

    rnd = random.Random(3)
    fmt = Positions()
    for _ in range(2000):
        span = rnd.choice([40, 300, 5000, 100_000])
        ps = sorted(rnd.sample(range(span), rnd.randint(1, min(span, 40))))
        for value in (fmt.encode(ps), encode_positions(ps)):
            assert _decode_positions(value) == fmt.decode_positions(value) == ps
            for limit in (10, 255, 256, 1496, 3996, 70_000):
                assert _all_before(value, limit) == (max(ps) < limit), (ps, limit)


def test_cached_phrases_follow_new_commits(tmp_path: Path) -> None:
    index = Index.create(tmp_path / "ix")
    index.add_documents([IndexDoc(id=1, body="an toàn thông tin mạng")])
    searcher = Searcher(index)
    assert [h.id for h in searcher.search('"thông tin mạng"').hits] == [1]
    index.add_documents([IndexDoc(id=2, body="thông tin mạng"), IndexDoc(id=1, body="khác")])
    assert [h.id for h in searcher.search('"thông tin mạng"').hits] == [2]
