"""Fuzzing the reference-number parser (``bparchive.filing.parse_refs``, filing.md §13).

It must never raise, answer in bounded time, return each key once, and find a
well-formed number wherever it is embedded.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bparchive.filing import parse_refs

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ALPHABET = "0123456789/-–.: _QĐUBNDTTrCVKHNQTWSYHĐNDBộBTCđqdubndÐ\u00a0\u200bsốSố "
REF_TEXT = st.text(alphabet=ALPHABET, max_size=120)


def _check(text: str) -> list:  # type: ignore[type-arg]
    t0 = time.monotonic()
    refs = parse_refs(text)
    assert time.monotonic() - t0 < 2.0, f"{len(text)} chars took {time.monotonic() - t0:.2f} s"
    keys = [r.key for r in refs]
    assert len(keys) == len(set(keys))
    for r in refs:
        assert r.key and r.display and r.num >= 0
        assert r.year is None or 0 < r.year < 10_000
    return refs


@FUZZ
@given(st.one_of(REF_TEXT, st.text(max_size=200)))
def test_parse_refs_never_raises(text: str) -> None:
    _check(text)


@FUZZ
@given(
    num=st.integers(1, 99_999),
    year=st.integers(1990, 2035),
    code=st.sampled_from(["QĐ", "CT", "TT", "NQ", "KH", "BC", "TTr", "TB", "HD"]),
    issuer=st.sampled_from(["UBND", "BTC", "BTTTT", "HĐND", "STTTT"]),
    before=st.text(alphabet=ALPHABET + "abc ", max_size=30),
    after=st.text(alphabet="abc .,;", max_size=30),
)
def test_a_well_formed_number_is_found_wherever_it_is(
    num: int, year: int, code: str, issuer: str, before: str, after: str
) -> None:
    text = f"{before} Số: {num}/{year}/{code}-{issuer} {after}"
    refs = _check(text)
    assert any(r.num == num and r.year == year for r in refs), (text, refs)


def test_long_hostile_inputs_are_bounded() -> None:
    for text in [
        "/" * 200_000,
        "1/" * 100_000,
        "1/2024/" * 30_000,
        "Số: " + "9" * 100_000 + "/2024/QĐ-UBND",
        "-".join(["A"] * 50_000) + "/",
        "12/2024/QĐ-" + "UBND-" * 20_000,
    ]:
        t0 = time.monotonic()
        parse_refs(text)
        assert time.monotonic() - t0 < 5.0, f"{text[:30]!r}… took {time.monotonic() - t0:.1f} s"
