"""Fuzzing the query language: only QueryError ever escapes, and nothing hangs.

``bparchive.index.query.parse`` alone, then the whole search path
(:class:`bparchive.services.search.SearchService`) on a small real archive
built by importing generated mail. Each query must answer within a time bound.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bparchive.errors import QueryError
from bparchive.index.query import parse
from bparchive.services import Archive
from bparchive.services.search import SearchService

PIECES = [
    " ",
    " ",
    '"',
    "“",
    "”",
    "(",
    ")",
    "-",
    "=",
    "~",
    "*",
    ":",
    "/",
    ".",
    "'",
    "\\",
    " OR ",
    " AND ",
    " NOT ",
    "OR",
    "|",
    "&",
    "!",
    "subject:",
    "from:",
    "to:",
    "cc:",
    "body:",
    "file:",
    "category:",
    "type:",
    "so:",
    "refno:",
    "folder:",
    "account:",
    "tag:",
    "is:",
    "has:",
    "date:",
    "before:",
    "after:",
    "urgency:",
    "unread",
    "flagged",
    "secret",
    "attachment",
    "2024",
    "2024-07",
    "2024-07-01",
    "01/07/2024",
    "2024..2025",
    "..",
    "-1",
    "99999999999999999999",
    "48/2009/QĐ-UBND",
    "57-NQ/TW",
    "QĐ-UBND",
    "báo",
    "cáo",
    "bao",
    "baos",
    "caos",
    "thuw",
    "ddieenj",
    "Vie65t",
    "công",
    "văn",
    "của",
    "và",
    "Ủy",
    "uỷ",
    "ban",
    "xoong",
    "email",
    "ubnd",
    "x",
    "\u0301",
    "\u202e",
    "\x00",
    "\x1b[31m",
    "🙂",
]
QUERY = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
    st.text(max_size=40),
    st.text(alphabet='"()-=~*:/ ORANDTaáb0123456789', max_size=40),
)
BOUND_S = 3.0
FUZZ = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(QUERY)
def test_parse_raises_only_query_error(q: str) -> None:
    t0 = time.monotonic()
    try:
        parsed = parse(q)
    except QueryError as e:
        assert str(e)
        assert e.position is None or 0 <= e.position <= len(q)
    else:
        assert parsed is not None
    assert time.monotonic() - t0 < BOUND_S


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from bparchive.demo.generator import generate

    root = tmp_path_factory.mktemp("qfuzz")
    src = root / "eml"
    src.mkdir()
    for i, m in enumerate(generate(40, 9, attachments=False)):
        (src / f"{i:03d}.eml").write_bytes(m.raw)
    archive = Archive(root / "home")
    archive.import_path(src, "old")
    svc = SearchService(archive)
    assert svc.search("công văn", limit=5).total > 0
    yield svc
    svc.close()
    archive.close()


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(q=QUERY, sort=st.sampled_from(["relevance", "date"]))
def test_search_service_raises_only_query_error(service, q: str, sort: str) -> None:  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    try:
        page = service.search(q, limit=20, sort=sort)
    except QueryError as e:
        assert str(e)
    else:
        assert page.total >= len(page.rows)
        for row in page.rows:
            assert row.id > 0
    assert time.monotonic() - t0 < BOUND_S, f"query {q!r} took {time.monotonic() - t0:.1f} s"


_DEEP = pytest.mark.deep_nesting  # was a RecursionError; now a QueryError (query.MAX_NESTING)

NASTY = [
    pytest.param("(" * 5000, id="5000-open-parens", marks=_DEEP),
    pytest.param("(" * 300 + "x" + ")" * 300, id="300-balanced-parens", marks=_DEEP),
    pytest.param("NOT " * 3000 + "x", id="3000-NOT", marks=_DEEP),
    pytest.param("-" * 10_000 + "x", id="10000-minus", marks=_DEEP),
    pytest.param(")" * 5000, id="5000-close-parens"),
    pytest.param('"' * 4001, id="odd-quotes"),
    pytest.param("a OR " * 2000 + "a", id="2000-OR"),
    pytest.param("b" * 100_000, id="100k-word"),
    pytest.param("báo cáo " * 1500, id="1500-words"),
    pytest.param("subject:" * 2000, id="2000-fields"),
    pytest.param("*" * 10_000, id="10000-stars"),
    pytest.param(" ".join(f"so:{i}/2024/QĐ-UBND" for i in range(500)), id="500-refs"),
    pytest.param("date:" + "9" * 5000, id="huge-date"),
    pytest.param("(" * 100 + "x" + ")" * 100, id="100-balanced-parens"),
]


@pytest.mark.parametrize("q", NASTY)
def test_pathological_queries_are_bounded(service, q: str) -> None:  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    try:
        service.search(q, limit=20)
    except QueryError:
        pass
    except RecursionError:  # reported briefly: pytest renders a deep traceback very slowly
        pytest.fail("RecursionError escaped the query parser")
    assert time.monotonic() - t0 < 10, f"{q[:40]!r}… took {time.monotonic() - t0:.1f} s"


@_DEEP
def test_deeply_nested_query_on_the_command_line_is_a_clear_error(service) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    home = service.archive.paths.data_dir
    r = subprocess.run(
        [sys.executable, "-m", "bparchive", "--home", str(home), "search", "(" * 300 + "x"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 2 and "Query error" in r.stderr, r.stderr[-500:]
    assert "Traceback" not in r.stderr
