"""The demo mailbox shipped in the package (``bparchive demo`` imports it)."""

from __future__ import annotations

import email
import email.policy
import gzip
from collections import Counter
from pathlib import Path

import pytest

from bparchive.demo import SAMPLE_COUNT, sample_mailbox_path
from bparchive.demo.writers import read_mbox


def test_sample_is_a_small_gzip_mbox_with_the_promised_count() -> None:
    path = sample_mailbox_path()
    assert path.is_file()
    data = path.read_bytes()
    assert data[:2] == b"\x1f\x8b"
    assert len(data) < 3 * 1024 * 1024
    with gzip.open(path) as fh:
        assert fh.read(5) == b"From "
    messages = list(read_mbox(path))
    assert len(messages) == SAMPLE_COUNT == 300
    folders = Counter(m.folder for m in messages)
    assert {"INBOX", "Sent", "Văn bản đến", "Văn bản đi", "Lưu trữ/2023", "Lưu trữ/2024"} <= set(
        folders
    )
    pdfs = 0
    for m in messages:
        msg = email.message_from_bytes(m.raw, policy=email.policy.default)
        pdfs += sum(a.get_content_type() == "application/pdf" for a in msg.iter_attachments())
    assert pdfs > 30


def test_sample_is_what_the_generator_makes_today(tmp_path: Path) -> None:
    """Fails when the generator changed and ``python -m bparchive.demo.sample`` was not rerun."""
    pytest.importorskip("fpdf", reason="fpdf2 (bparchive[dev]) renders the PDF attachments")
    from bparchive.demo.sample import build_sample

    fresh = tmp_path / "sample.mbox.gz"
    build_sample(fresh)
    assert fresh.read_bytes() == sample_mailbox_path().read_bytes()
