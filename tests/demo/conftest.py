"""Fixtures for the demo mail generator tests: one shared generated mailbox."""

from __future__ import annotations

import pytest

from bparchive.demo.generator import GeneratedMessage, generate


@pytest.fixture(scope="session")
def mailbox() -> list[GeneratedMessage]:
    """400 messages, seed 1, with attachments (renders PDFs: needs fpdf2)."""
    pytest.importorskip("fpdf", reason="fpdf2 (bparchive[dev]) renders the PDF attachments")
    return list(generate(400, 1))


@pytest.fixture(scope="session")
def plain_mailbox() -> list[GeneratedMessage]:
    """600 messages without attachments (fast, no optional dependency)."""
    return list(generate(600, 5, attachments=False))
