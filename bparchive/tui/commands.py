"""The command palette provider (Ctrl+P): every action, the categories, saved searches, themes.

Registered in ``BPArchiveApp.COMMANDS``. Labels built from archive data
(saved search names) are literal text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from bparchive.tui import render


class ArchiveCommands(Provider):
    """Actions of bparchive for the command palette."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app: Any = self.app
        t = app.i18n
        out: list[tuple[str, Callable[[], Any], str]] = [
            (t("key.sync"), app.action_sync, "F5"),
            (t("key.cancel_sync"), app.action_cancel_sync, "Ctrl+X"),
            (t("key.report"), app.action_report, "F6"),
            (t("key.help"), app.action_help, "F1"),
            (t("key.account"), app.action_add_account, "a"),
            (t("key.export"), partial(app.run_on_search, "action_export"), "e"),
            (t("key.sort"), partial(app.run_on_search, "action_toggle_sort"), "F4"),
            (t("key.sidebar"), partial(app.run_on_search, "action_toggle_sidebar"), "F2"),
            (t("key.quit"), app.action_quit, "q"),
        ]
        from bparchive.filing import CATEGORIES

        for cat, (vi, en) in CATEGORIES.items():
            label = vi if t.language == "vi" else en
            out.append(
                (t("cmd.category", label=label), partial(app.run_query, f"category:{cat}"), cat)
            )
        for s in app.archive.settings.saved_searches:
            out.append(
                (
                    t("cmd.saved", name=render.safe(s.get("name", ""))),
                    partial(app.run_query, s.get("query", "")),
                    render.safe(s.get("query", "")),
                )
            )
        for name in sorted(app.available_themes):
            out.append((t("cmd.theme", name=name), partial(setattr, app, "theme", name), ""))
        return out

    async def discover(self) -> Hits:
        for title, fn, help_text in self._commands():
            yield DiscoveryHit(render.literal(title), fn, text=title, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, fn, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, self._highlight(matcher, title), fn, text=title, help=help_text or None
                )

    @staticmethod
    def _highlight(matcher: Any, title: str) -> Any:
        # Matcher.highlight() parses its candidate as markup; titles can hold
        # saved-search names, so mark the matched letters on literal text instead.
        content = render.literal(title)
        _score, offsets = matcher.fuzzy_search.match(matcher.query, title)
        for offset in offsets:
            if offset < len(title) and not title[offset].isspace():
                content = content.stylize("bold underline", offset, offset + 1)
        return content
