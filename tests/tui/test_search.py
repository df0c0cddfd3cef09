"""Search as you type, Telex conversion, query errors, sorting and loading more rows."""

from __future__ import annotations

from bparchive.tui.app import BPArchiveApp
from tests.tui.conftest import search_ready, type_query, wait_for


async def test_blank_box_lists_everything_newest_first(demo_archive):
    app = BPArchiveApp(demo_archive, language="en", check_network=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await search_ready(pilot)
        table = screen.query_one("#results")
        assert screen.total == 294
        dates = [r.date for r in table.ordered if r.date]
        assert dates == sorted(dates, reverse=True)
        assert "294 messages" in app.status_state.results


async def test_typing_updates_results_and_shows_telex_conversion(demo_archive):
    app = BPArchiveApp(demo_archive, language="vi", check_network=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, "baos caos", keys=True)
        assert screen.converted == "báo cáo"
        hint = str(screen.query_one("#hint").render())
        assert "Đã hiểu là: báo cáo" in hint
        table = screen.query_one("#results")
        assert 0 < table.row_count <= screen.total < 294
        assert all(
            "báo cáo" in (r.subject + r.snippet.replace("\x02", "").replace("\x03", "")).lower()
            or r.attachments
            for r in table.ordered[:10]
        )
        # Narrowing the query narrows the list.
        first_total = screen.total
        await type_query(pilot, screen, "baos caos tuaanf")
        assert screen.total < first_total
        assert screen.converted == "báo cáo tuần"


async def test_malformed_query_shows_error_and_app_stays_usable(demo_archive):
    app = BPArchiveApp(demo_archive, language="en", check_network=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, '"công văn')
        assert "Query error" in screen.error
        assert "quotation" in screen.error.lower()
        await type_query(pilot, screen, "công văn")
        assert screen.error == ""
        assert screen.total > 0


async def test_sort_toggle_orders_by_date(demo_archive):
    app = BPArchiveApp(demo_archive, language="en", check_network=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, "giấy mời")
        assert screen.sort == "relevance"
        screen.query_one("#results").focus()
        before = screen.completed_seq
        await pilot.press("f4")
        await wait_for(
            pilot, lambda: screen.completed_seq > before and screen.completed_seq == screen.seq
        )
        assert screen.sort == "date"
        dates = [r.date for r in screen.query_one("#results").ordered if r.date]
        assert dates == sorted(dates, reverse=True)


async def test_more_rows_load_when_the_end_is_near(demo_archive):
    app = BPArchiveApp(demo_archive, language="en", check_network=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await search_ready(pilot)
        table = screen.query_one("#results")
        assert 20 <= table.row_count < 50  # the first page only fills the screen
        table.focus()
        seen = [table.row_count]
        for _ in range(10):
            await pilot.press("end")
            await wait_for(
                pilot, lambda: not screen.loading_more and screen.completed_seq == screen.seq
            )
            seen.append(table.row_count)
            if table.row_count == 294:
                break
        assert table.row_count == 294, seen
        assert table.cursor_row == 293 or table.cursor_row > seen[1] - 12
        ids = [r.id for r in table.ordered]
        assert len(ids) == len(set(ids))


async def test_slash_focuses_search_and_j_k_move(demo_archive):
    app = BPArchiveApp(demo_archive, language="en", check_network=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await search_ready(pilot)
        table = screen.query_one("#results")
        table.focus()
        await pilot.press("j", "j", "k")
        assert table.cursor_row == 1
        await pilot.press("slash")
        assert screen.query_one("#search").has_focus
        await pilot.press("escape")
        assert table.has_focus
