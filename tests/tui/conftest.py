"""Fixtures for the TUI tests: real archives built by importing real messages.

``demo_master`` builds the shipped demo archive once per session
(``services.demo.build_demo``); ``demo_archive`` gives each test its own copy.
``small_archive`` imports messages written by the test itself. Helpers wait on
conditions (``wait_for``), never on fixed sleeps.
"""

from __future__ import annotations

import asyncio
import inspect
import shutil
import time
from collections.abc import Callable, Iterator
from email.header import Header
from pathlib import Path
from typing import Any

import pytest

from bparchive.services import Archive


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (Pilot needs one; no plugin required)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names}))
    return True


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bparchive.services.demo import build_demo

    home = tmp_path_factory.mktemp("demo") / "home"
    archive = build_demo(home)
    archive.close()
    return home


@pytest.fixture
def demo_archive(demo_master: Path, tmp_path: Path) -> Iterator[Archive]:
    home = tmp_path / "home"
    shutil.copytree(demo_master, home)
    archive = Archive(home)
    yield archive
    archive.close()


def eml(
    subject: str,
    *,
    body: str = "Nội dung thư.",
    sender: str = "Sở TT&TT <sotttt@binhphuoc.gov.vn>",
    n: int = 1,
    attachment: tuple[str, bytes] | None = None,
    date: str = "Mon, 1 Jul 2024 08:00:00 +0700",
) -> bytes:
    """A real RFC 5322 message (UTF-8 subject encoded as RFC 2047)."""
    from email.message import EmailMessage
    from email.policy import SMTP

    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = "ubnd@binhphuoc.gov.vn"
    msg["Subject"] = Header(subject, "utf-8").encode()
    msg["Message-ID"] = f"<tui{n}@binhphuoc.gov.vn>"
    msg["Date"] = date
    msg.set_content(body)
    if attachment is not None:
        name, data = attachment
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


def import_messages(home: Path, messages: list[bytes], account: str = "local") -> Archive:
    folder = home.parent / "incoming"
    folder.mkdir(exist_ok=True)
    for i, raw in enumerate(messages):
        (folder / f"{i:03d}.eml").write_bytes(raw)
    archive = Archive(home)
    archive.import_path(folder, account)
    return archive


async def wait_for(pilot: Any, condition: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Let the app run until ``condition()`` is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {condition}")
        await pilot.pause(0.02)


async def search_ready(pilot: Any) -> Any:
    """Wait until the search screen has shown its first results; return the screen."""
    app = pilot.app
    screen = await wait_for(pilot, lambda: app.search_screen())
    await wait_for(pilot, lambda: screen.searches_done > 0)
    return screen


async def type_query(pilot: Any, screen: Any, text: str, *, keys: bool = False) -> None:
    """Put ``text`` in the search box (pressing each key when ``keys``) and wait for its results."""
    box = screen.query_one("#search")
    box.focus()
    before = screen.searches_done
    if keys:
        box.value = ""
        await pilot.pause()
        await pilot.press(*list(text))
    else:
        box.value = text
    await wait_for(
        pilot,
        lambda: (
            screen.searches_done > before
            and screen._timer is None
            and screen.query_text == text
            and screen.completed_seq == screen.seq
        ),
    )
