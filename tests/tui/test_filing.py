"""Refile, tag and status, export of the current results, the report screen — from the TUI."""

from __future__ import annotations

from bparchive.services.search import show
from bparchive.tui.app import BPArchiveApp
from bparchive.tui.screens.export_modal import ExportModal
from bparchive.tui.screens.refile_modal import RefileModal
from bparchive.tui.screens.report import ReportScreen
from bparchive.tui.screens.tag_modal import TagModal
from tests.tui.conftest import search_ready, type_query, wait_for


async def test_refile_moves_the_message_to_the_chosen_category(demo_archive):
    app = BPArchiveApp(demo_archive, language="en", check_network=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, "so:31/BC-UBND")
        table = screen.query_one("#results")
        row = table.current
        assert row.category == "bao_cao_dinh_ky"
        table.focus()
        await pilot.press("r")
        modal = await wait_for(pilot, lambda: isinstance(app.screen, RefileModal) and app.screen)
        options = modal.query_one("#categories")
        options.highlighted = options.get_option_index("cong_van")
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                table.current is not None
                and table.current.id == row.id
                and table.current.category == "cong_van"
            ),
        )
        store = demo_archive.reader()
        try:
            filing = show(store, row.id)["filing"]
        finally:
            store.close()
        assert (filing["category"], filing["rule"]) == ("cong_van", "manual")
        assert table.get_row(str(row.id))[4].plain == "Official letters"


async def test_tag_and_status(demo_archive):
    app = BPArchiveApp(demo_archive, language="en", check_network=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, "so:31/BC-UBND")
        table = screen.query_one("#results")
        row = table.current
        table.focus()
        await pilot.press("t")
        modal = await wait_for(pilot, lambda: isinstance(app.screen, TagModal) and app.screen)
        modal.query_one("#add").value = "quan trọng, họp giao ban"
        modal.query_one("#assigned").value = True
        await pilot.press("enter")
        await wait_for(pilot, lambda: table.current is not None and table.current.tags)
        assert sorted(table.current.tags) == ["assigned", "họp giao ban", "quan trọng"]
        await type_query(pilot, screen, 'tag:"quan trọng"')
        assert [r.id for r in table.ordered] == [row.id]
        await wait_for(
            pilot,
            lambda: app.sidebar_data is not None and app.sidebar_data.tags.get("assigned") == 1,
        )


async def test_export_current_results(demo_archive, tmp_path):
    dest = tmp_path / "export"
    app = BPArchiveApp(demo_archive, language="en", check_network=False)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await search_ready(pilot)
        await type_query(pilot, screen, "so:31/BC-UBND")
        total = screen.total
        screen.query_one("#results").focus()
        await pilot.press("e")
        modal = await wait_for(pilot, lambda: isinstance(app.screen, ExportModal) and app.screen)
        modal.query_one("#dest").value = str(dest)
        modal.query_one("#format").value = "eml"
        modal.query_one("#ok").press()
        result = await wait_for(pilot, lambda: getattr(app, "last_export", None), timeout=60)
        assert result.written == total == 3
        assert len(list(dest.rglob("*.eml"))) == 3
        await wait_for(
            pilot, lambda: any("Exported 3 messages" in str(n.message) for n in app._notifications)
        )


async def test_report_screen_draws_the_charts(demo_archive):
    app = BPArchiveApp(demo_archive, language="vi", check_network=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await search_ready(pilot)
        await pilot.press("f6")
        report = await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen) and app.screen)
        await wait_for(pilot, lambda: report.folders, timeout=30)
        by_cat = report.query_one("#by-category")
        assert sum(by_cat.values) == 294
        assert by_cat.labels[0]
        assert report.query_one("#by-month").values
        await pilot.press("escape")
        assert not isinstance(app.screen, ReportScreen)
