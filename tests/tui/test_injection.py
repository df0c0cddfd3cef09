"""Untrusted text is shown literally: markup, escapes and bidi overrides never act."""

from __future__ import annotations

from email.utils import formataddr

from bparchive.tui.app import BPArchiveApp
from bparchive.tui.screens.reader import ReaderScreen
from tests.tui.conftest import eml, import_messages, search_ready, type_query, wait_for

EVIL_SUBJECT = "[@click=app.quit]Hóa đơn [0] [bold"
ESCAPE_SUBJECT = "Thư \x1b[31mđỏ\x1b[0m và \u202egnp.exe"


def make_archive(tmp_path):
    return import_messages(
        tmp_path / "home",
        [
            eml(
                EVIL_SUBJECT,
                n=1,
                body="Hóa đơn tháng 7 [link=file:///etc/passwd]bấm[/link]",
                sender=formataddr(("[red]Kẻ xấu[/red]", "attacker@example.com")),
                attachment=("[bold red]hoa-don [@click=app.quit].txt", b"noi dung hoa don"),
            ),
            eml(ESCAPE_SUBJECT, n=2),
        ],
    )


async def test_markup_in_subject_is_shown_literally_and_clicking_does_nothing(tmp_path):
    archive = make_archive(tmp_path)
    app = BPArchiveApp(archive, language="vi", check_network=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, "hóa đơn")
        table = screen.query_one("#results")
        assert table.row_count == 1
        cells = table.get_row_at(0)
        assert cells[3].plain == EVIL_SUBJECT
        assert "[red]Kẻ xấu[/red]" in cells[2].plain
        # Click the subject cell: the [@click=app.quit] must not run.
        await pilot.click("#results", offset=(40, 1))
        await pilot.click("#results", offset=(40, 1))
        reader = await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen)
        await wait_for(pilot, lambda: reader.data is not None)
        assert app.is_running
        headers = reader.query_one("#headers").render()
        assert EVIL_SUBJECT in headers.plain
        assert "[red]Kẻ xấu[/red] <attacker@example.com>" in headers.plain
        body = reader.query_one("#body").render()
        assert "[link=file:///etc/passwd]bấm[/link]" in body.plain
        await pilot.click("#headers", offset=(14, 0))
        await pilot.click("#body", offset=(5, 0))
        assert app.is_running and app.screen is reader
        att = reader.query_one("#attachments").get_row_at(0)
        assert att[0].plain == "[bold red]hoa-don [@click=app.quit].txt"


async def test_escapes_and_bidi_overrides_are_neutralised(tmp_path):
    archive = make_archive(tmp_path)
    app = BPArchiveApp(archive, language="en", check_network=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, "gnp.exe")
        table = screen.query_one("#results")
        assert table.row_count == 1
        shown = table.get_row_at(0)[3].plain
        assert "\x1b" not in shown and "\u202e" not in shown
        assert "đỏ" in shown and "gnp.exe" in shown
