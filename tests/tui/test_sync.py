"""Sync from the TUI against the private Dovecot: progress in a worker, errors shown, app usable."""

from __future__ import annotations

import socket

from bparchive.tui.app import BPArchiveApp
from bparchive.tui.screens.account_modal import AccountModal
from bparchive.tui.widgets.status_bar import StatusBar
from tests.sync.helpers import archive_for, make_message
from tests.tui.conftest import search_ready, type_query, wait_for


def notes(app, severity=None):
    return [n for n in app._notifications if severity is None or n.severity == severity]


async def test_sync_now_runs_in_the_background_and_new_mail_is_searchable(imap_user, tmp_path):
    for i in range(5):
        imap_user.server.append(
            imap_user.name, "INBOX", make_message(i, subject=f"Giấy mời họp số {i}")
        )
    archive = archive_for(tmp_path / "home", imap_user)
    app = BPArchiveApp(archive, language="vi")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await search_ready(pilot)
        bar = screen.query_one(StatusBar)
        await wait_for(pilot, lambda: app.status_state.reachable == {"work": True})
        assert "trực tuyến" in str(bar.render())
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.sync_token is None, timeout=60)
        assert app.last_sync_error is None, repr(app.last_sync_error)
        (report,) = app.last_sync_reports
        assert report.fatal is None and sum(f.fetched for f in report.folders) == 5
        assert any("5 thư mới" in str(n.message) for n in notes(app))
        await type_query(pilot, screen, "giấy mời họp")
        assert screen.total == 5
        await wait_for(
            pilot, lambda: getattr(app, "sidebar_data", None) and app.sidebar_data.total == 5
        )


async def test_bad_password_shows_a_clear_error_and_the_app_stays_usable(
    imap_user, tmp_path, monkeypatch
):
    imap_user.server.append(imap_user.name, "INBOX", make_message(1))
    archive = archive_for(tmp_path / "home", imap_user)
    monkeypatch.setenv("BP_TEST_PW", "not-the-password")
    app = BPArchiveApp(archive, language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await search_ready(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: app.sync_token is None and app.last_sync_reports, timeout=60)
        (report,) = app.last_sync_reports
        assert report.fatal_kind == "auth"
        errors = notes(app, "error")
        assert errors and "login refused" in str(errors[-1].title).lower()
        assert "work" in str(errors[-1].message)
        assert app.is_running
        await type_query(pilot, screen, "báo cáo")  # searching still works
        assert screen.error == "" or "empty" in screen.error.lower()


async def test_unreachable_server_status_bar_says_offline(tmp_path):
    from bparchive.config import Account
    from bparchive.services import Archive

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    archive = Archive(tmp_path / "home")
    archive.add_account(
        Account(name="work", host="127.0.0.1", port=port, user="u", password_env="BP_TEST_UNSET_PW")
    )
    app = BPArchiveApp(archive, language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await search_ready(pilot)
        await wait_for(pilot, lambda: app.status_state.reachable is not None)
        bar = app.screen.query_one(StatusBar)
        assert "offline" in str(bar.render())
        assert bar.has_class("-offline")
        await pilot.press("f5")
        await wait_for(
            pilot,
            lambda: app.sync_token is None and (app.last_sync_reports or app.last_sync_error),
            timeout=60,
        )
        assert notes(app, "error")
        assert app.is_running


async def test_first_run_form_tests_the_connection_and_adds_the_account(
    imap_user, tmp_path, monkeypatch
):
    from bparchive.services import Archive

    monkeypatch.setenv("BP_FORM_PW", imap_user.password)
    archive = Archive(tmp_path / "home")
    app = BPArchiveApp(archive, language="en")
    async with app.run_test(size=(100, 40)) as pilot:
        modal = await wait_for(pilot, lambda: isinstance(app.screen, AccountModal) and app.screen)
        modal.query_one("#host").value = imap_user.host
        modal.query_one("#port").value = str(imap_user.port)
        modal.query_one("#user").value = imap_user.name
        modal.query_one("#cafile").value = str(imap_user.cafile)
        modal.query_one("#source-value").value = "BP_FORM_PW"
        modal.query_one("#test").press()
        await wait_for(pilot, lambda: modal.test_result is not None, timeout=30)
        assert modal.test_result == "Connected and logged in."
        monkeypatch.setenv("BP_FORM_PW", "wrong")
        modal.test_result = None
        modal.query_one("#test").press()
        await wait_for(pilot, lambda: modal.test_result is not None, timeout=30)
        assert modal.test_result.startswith("Login refused")
        modal.query_one("#save").press()
        await wait_for(pilot, lambda: not isinstance(app.screen, AccountModal))
    archive.reload()
    (acc,) = archive.settings.accounts
    assert (acc.host, acc.port, acc.user, acc.password_env) == (
        imap_user.host,
        imap_user.port,
        imap_user.name,
        "BP_FORM_PW",
    )
