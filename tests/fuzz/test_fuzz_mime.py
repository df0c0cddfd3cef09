"""Fuzzing the MIME parser with mutated real messages from ``../shared/corpora``.

Mutations: byte flips, truncations, duplicated header lines, corrupted
boundaries, header/body separator removed. ``parse_message`` must return
(never raise), within a time bound, and never fall back to its last-resort
"parser error" path (an internal crash it swallowed).
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bparchive.mail import parse_message
from tests.mail.corpus import message_files

MAX_SIZE = 200_000
BOUND_S = 5.0


def _corpus() -> list[bytes]:
    out = []
    for path in message_files():
        try:
            size = path.stat().st_size
        except OSError:
            continue
        if 0 < size <= MAX_SIZE:
            out.append(path.read_bytes())
    return out


CORPUS = _corpus()
pytestmark = pytest.mark.skipif(not CORPUS, reason="shared corpora not found beside the repository")
FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_BOUNDARY = re.compile(rb'boundary="?([^";\r\n]+)"?', re.I)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(CORPUS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(["flip", "truncate", "dup_header", "boundary", "separator", "insert"])
        )
        if not raw:
            break
        if kind == "flip":
            for _ in range(draw(st.integers(1, 16))):
                i = draw(st.integers(0, len(raw) - 1))
                raw[i] = draw(st.integers(0, 255))
        elif kind == "truncate":
            raw = raw[: draw(st.integers(0, len(raw)))]
        elif kind == "dup_header":
            lines = bytes(raw).split(b"\n")
            heads = [i for i, ln in enumerate(lines[:80]) if b":" in ln[:40]]
            if heads:
                i = draw(st.sampled_from(heads))
                lines[i:i] = [lines[i]] * draw(st.integers(1, 50))
                raw = bytearray(b"\n".join(lines))
        elif kind == "boundary":
            m = _BOUNDARY.search(raw)
            if m:
                b = m.group(1)
                new = draw(
                    st.sampled_from([b"", b"-", b[:-1], b + b"x", b"--" + b, b"\x00", b"\xff" * 3])
                )
                occurrences = [mm.start() for mm in re.finditer(re.escape(b), raw)]
                for pos in (
                    draw(st.lists(st.sampled_from(occurrences), max_size=3, unique=True))
                    if occurrences
                    else []
                ):
                    raw[pos : pos + len(b)] = new.ljust(len(b), b"?")[: len(b)]
        elif kind == "separator":
            raw = bytearray(bytes(raw).replace(b"\r\n\r\n", b"\r\n", 1).replace(b"\n\n", b"\n", 1))
        else:
            i = draw(st.integers(0, len(raw)))
            junk = draw(
                st.sampled_from(
                    [
                        b"\r\n--",
                        b"\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n",
                        b"=?utf-8?B?",
                        b"=?x?Q?=FF=",
                        b"\x00" * 8,
                        b"begin 644 a.txt\n",
                        b"\r\n.\r\n",
                        b"Content-Transfer-Encoding: base64\r\n\r\n!!!!",
                        b"\xef\xbb\xbf",
                    ]
                )
            )
            raw[i:i] = junk
    return bytes(raw)


@FUZZ
@given(mutated())
def test_parse_message_survives_mutated_corpus_messages(raw: bytes) -> None:
    t0 = time.monotonic()
    parsed = parse_message(raw)
    elapsed = time.monotonic() - t0
    assert elapsed < BOUND_S, f"{len(raw)} bytes took {elapsed:.1f} s"
    crashes = [p for p in parsed.problems if p.startswith("parser error")]
    assert not crashes, crashes
    assert isinstance(parsed.subject, str) and isinstance(parsed.body_text, str)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=4000))
def test_parse_message_survives_random_bytes(raw: bytes) -> None:
    parsed = parse_message(raw)
    assert not [p for p in parsed.problems if p.startswith("parser error")]
