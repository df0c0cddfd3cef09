"""Shared pytest fixtures and markers for the bparchive test-suite.

Who uses it: every test under ``tests/``. It provides a private, real Dovecot
(``tests/dovecot.py``) instead of any IMAP mock, the shared test corpora beside
the repository, and a fresh bparchive home per test.

Fixtures:

* ``dovecot``: a fresh private Dovecot per test (about 50 ms to start); use it
  when the test stops, kills or restarts the server, or needs exact server state.
* ``dovecot_self_signed``: the same, serving a self-signed certificate.
* ``dovecot_session``: one server for the whole run; never stop or kill it.
* ``imap_user``: a brand-new user (empty mailbox) on ``dovecot_session``: the
  cheap way to get an isolated account.
* ``corpora_dir``: ``Path`` of ``../shared/corpora`` (skips when absent).
* ``tmp_home``: a fresh, empty bparchive home (0700) under ``tmp_path``; also set
  as ``BPARCHIVE_HOME`` for the test.

Markers: ``dovecot`` and ``corpora`` are added automatically to tests that use
those fixtures (``-m "not dovecot"`` runs the rest); ``slow`` is declared in
pyproject.toml.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_REPO = Path(__file__).resolve().parents[1]
if str(_REPO) not in sys.path:  # `pytest` run without `python -m`: make `tests.` importable
    sys.path.insert(0, str(_REPO))

from tests.dovecot import DovecotServer, ImapUser, dovecot_binary  # noqa: E402

CORPORA_DIR = _REPO.parent / "shared" / "corpora"
"""Where the real test material lives: ``shared/corpora`` beside the repository."""

_SERVER_FIXTURES = ("dovecot", "dovecot_self_signed", "dovecot_session", "imap_user")


def pytest_configure(config: pytest.Config) -> None:
    """Register this suite's markers."""
    config.addinivalue_line("markers", "dovecot: uses the private Dovecot IMAP server")
    config.addinivalue_line("markers", "corpora: reads the shared corpora in ../shared/corpora")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests by the fixtures they use, so ``-m`` can select them."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & set(_SERVER_FIXTURES):
            item.add_marker(pytest.mark.dovecot)
        if "corpora_dir" in names:
            item.add_marker(pytest.mark.corpora)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """Attach the end of the Dovecot log to the report of a failed test."""
    report: pytest.TestReport = yield
    if report.failed:
        funcargs = getattr(item, "funcargs", {})
        for name in _SERVER_FIXTURES:
            value = funcargs.get(name)
            server = value.server if isinstance(value, ImapUser) else value
            if isinstance(server, DovecotServer) and server._root is not None:
                tail = "\n".join(server.log_text().splitlines()[-60:])
                report.sections.append((f"dovecot log ({name})", tail))
    return report


def _require_dovecot() -> None:
    if dovecot_binary() is None:
        message = "dovecot is not installed: scripts/test installs dovecot-imapd"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    """A fresh private Dovecot (IMAPS + STARTTLS, users alice and bob), stopped afterwards."""
    _require_dovecot()
    server = DovecotServer()
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def dovecot_self_signed() -> Iterator[DovecotServer]:
    """A fresh private Dovecot serving a self-signed certificate (its ``cafile`` is that cert)."""
    _require_dovecot()
    server = DovecotServer(tls="self-signed")
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def dovecot_session() -> Iterator[DovecotServer]:
    """One private Dovecot for the whole run. Tests must not stop, kill or restart it."""
    _require_dovecot()
    server = DovecotServer(spare_users=300)
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def imap_user(dovecot_session: DovecotServer) -> ImapUser:
    """A new user with an empty mailbox on the session-wide Dovecot."""
    if not dovecot_session.running:  # a test broke the rule: bring it back
        dovecot_session.start()
    return dovecot_session.take_user()


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    """The shared corpora folder (``../shared/corpora``); skips the test when absent."""
    if not CORPORA_DIR.is_dir():
        pytest.skip(f"shared corpora not found at {CORPORA_DIR} (expected beside the repository)")
    return CORPORA_DIR


@pytest.fixture
def tmp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty bparchive home (mode 0700), also exported as ``BPARCHIVE_HOME``."""
    home = tmp_path / "bparchive-home"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("BPARCHIVE_HOME", str(home))
    return home
