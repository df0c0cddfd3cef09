"""Opening a message, the attachment text with highlighted words, saving an attachment."""

from __future__ import annotations

from bparchive.tui.app import BPArchiveApp
from bparchive.tui.screens.attachment import AttachmentScreen
from bparchive.tui.screens.reader import ReaderScreen
from bparchive.tui.screens.save_modal import SaveModal
from tests.tui.conftest import search_ready, type_query, wait_for


async def open_first(pilot, screen):
    table = screen.query_one("#results")
    table.focus()
    await pilot.press("enter")
    reader = await wait_for(
        pilot, lambda: isinstance(pilot.app.screen, ReaderScreen) and pilot.app.screen
    )
    await wait_for(pilot, lambda: reader.data is not None)
    return reader


async def test_enter_opens_the_message_and_escape_goes_back(demo_archive):
    app = BPArchiveApp(demo_archive, language="vi", check_network=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, "so:31/BC-UBND")
        row = screen.query_one("#results").current
        reader = await open_first(pilot, screen)
        assert reader.mid == row.id
        headers = str(reader.query_one("#headers").render())
        assert row.subject in headers
        assert "31/BC-UBND" in headers
        body = str(reader.query_one("#body").render())
        assert "Kính gửi" in body
        atts = reader.query_one("#attachments")
        assert atts.row_count == len(reader.data["attachments"]) >= 1
        first = atts.get_row_at(0)
        assert first[0].plain.endswith(".pdf") and "ok" in first[3].plain
        await pilot.press("escape")
        assert app.screen is screen


async def test_attachment_text_highlights_the_searched_words(demo_archive):
    app = BPArchiveApp(demo_archive, language="en", check_network=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, "so:31/BC-UBND viễn thông")
        reader = await open_first(pilot, screen)
        atts = reader.query_one("#attachments")
        atts.focus()
        await pilot.press("enter")
        att_screen = await wait_for(
            pilot, lambda: isinstance(app.screen, AttachmentScreen) and app.screen
        )
        assert att_screen.spans, "the searched words are found in the attachment text"
        text = att_screen.attachment["text"]
        words = {text[s:e].lower() for s, e in att_screen.spans}
        assert words & {"viễn", "thông"}
        content = att_screen.query_one("#att-text").render()
        marked = [
            content.plain[s.start : s.end].lower()
            for s in content.spans
            if "reverse" in str(s.style)
        ]
        assert marked and set(marked) <= {"viễn", "thông", "vien", "thong"}
        header = str(att_screen.query_one("#att-header").render())
        assert f"{len(att_screen.spans)} matches" in header
        await pilot.press("escape")
        assert app.screen is reader


async def test_save_attachment_writes_the_original_bytes(demo_archive, tmp_path):
    app = BPArchiveApp(demo_archive, language="en", check_network=False)
    dest = tmp_path / "saved"
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, "so:31/BC-UBND")
        reader = await open_first(pilot, screen)
        reader.query_one("#attachments").focus()
        await pilot.press("s")
        modal = await wait_for(pilot, lambda: isinstance(app.screen, SaveModal) and app.screen)
        modal.query_one("#folder").value = str(dest)
        await pilot.press("enter")
        files = await wait_for(pilot, lambda: list(dest.glob("*")) if dest.exists() else [])
        name = reader.data["attachments"][0]["filename"]
        assert files[0].name == name
        assert files[0].read_bytes().startswith(b"%PDF-")
        assert files[0].stat().st_mode & 0o077 == 0
        # Saving again never overwrites: a numbered copy appears.
        await pilot.press("s")
        modal = await wait_for(pilot, lambda: isinstance(app.screen, SaveModal) and app.screen)
        modal.query_one("#folder").value = str(dest)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(list(dest.glob("*"))) == 2)
