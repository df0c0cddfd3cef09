"""Arbitrary queries never raise anything but QueryError; searches during writes."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bparchive.errors import QueryError, StoreError
from bparchive.index import Index, IndexDoc, Searcher

ALPHABET = st.sampled_from(
    [
        *list("abcđeêoôơuưyABCĐ áàảãạâấầẩẫậăắ0123456789\"“”()-=~:/.,*+!?\\'́\xad\t"),
        "AND",
        "OR",
        "NOT",
        "from:",
        "date:",
        "before:",
        "is:",
        "has:",
        "so:",
        "subject:",
        "..",
        "2024-13",
    ]
)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    index = Index.create(tmp_path_factory.mktemp("fuzz"))
    index.add_documents(
        [
            IndexDoc(
                id=i,
                subject=f"Báo cáo số {i}",
                body="thư điện tử công vụ",
                date=datetime(2024, 1, i),
            )
            for i in range(1, 6)
        ]
    )
    return Searcher(index)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(ALPHABET, max_size=12).map("".join))
def test_token_soup_raises_only_query_error(searcher: Searcher, q: str) -> None:
    try:
        searcher.search(q)
    except QueryError as err:
        assert err.position is not None and 0 <= err.position <= len(q)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=40))
def test_any_text_raises_only_query_error(searcher: Searcher, q: str) -> None:
    try:
        searcher.search(q, sort="date")
    except QueryError as err:
        assert err.position is not None and 0 <= err.position <= len(q)


def _doc(i: int) -> IndexDoc:
    return IndexDoc(
        id=i, subject=f"Công văn {i}", body="Kế hoạch chuyển đổi số", date=datetime(2024, 5, 1)
    )


def test_search_during_open_writer_sees_last_commit(tmp_path: Path) -> None:
    index = Index.create(tmp_path)
    index.add_documents([_doc(1), _doc(2)])
    searcher = Searcher(index)
    writer = index.whoosh.writer()
    try:
        for i in range(3, 50):
            writer.update_document(
                id=str(i), subject=f"Công văn {i}", body="Kế hoạch chuyển đổi số"
            )
        # The writer holds the lock and has uncommitted documents.
        res = searcher.search("chuyển đổi số")
        assert {h.id for h in res.hits} == {1, 2}
        with pytest.raises(StoreError):
            index.add_documents([_doc(99)], lock_timeout=0.2)
    finally:
        writer.commit()
    assert {h.id for h in searcher.search("chuyển đổi số", limit=100).hits} == set(range(1, 50))


def test_concurrent_searches_while_indexing(tmp_path: Path) -> None:
    index = Index.create(tmp_path)
    index.add_documents([_doc(1)])
    searcher = Searcher(index)
    errors: list[BaseException] = []
    seen: list[int] = []
    done = threading.Event()

    def search_loop() -> None:
        try:
            while not done.is_set():
                res = searcher.search("kế hoạch", limit=1000)
                # Batches of 10 commit atomically: a snapshot never shows half a batch.
                assert (len(res.hits) - 1) % 10 == 0
                seen.append(len(res.hits))
        except BaseException as exc:  # the assertion must reach the main thread
            errors.append(exc)

    t = threading.Thread(target=search_loop)
    t.start()
    try:
        for b in range(5):
            index.add_documents([_doc(2 + b * 10 + k) for k in range(10)])
    finally:
        done.set()
        t.join(timeout=30)
    assert not errors, errors
    assert seen
    assert index.doc_count() == 51
