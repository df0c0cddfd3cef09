"""The sidebar: accounts, folders, category → year → month, tags and status, saved searches.

Used by :class:`bparchive.tui.screens.search.SearchScreen`. Each leaf carries
the query it stands for; choosing one posts :class:`Sidebar.QueryChosen` and
the search box runs it. Every label made from archive data is literal text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Tree

from bparchive.tui import render
from bparchive.tui.i18n import I18n

STATUS_TAGS = ("new", "assigned", "done")


def quote(value: str) -> str:
    """A field value for the query language (quoted when it has spaces or quotes)."""
    if value and all(ch.isalnum() or ch in "._-@/" for ch in value):
        return value
    return '"' + value.replace('"', " ") + '"'


class Sidebar(Tree[str]):
    """A tree of ways into the archive; node data is the query it runs."""

    DEFAULT_CSS = """
    Sidebar {
        width: 30;
        border-right: vkey $foreground 20%;
        padding: 0 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [("j", "cursor_down", ""), ("k", "cursor_up", "")]

    @dataclass
    class QueryChosen(Message):
        """The person picked a sidebar entry."""

        query: str

    def __init__(self, i18n: I18n, **kw: Any) -> None:
        super().__init__(Text(i18n("side.all")), data="", **kw)
        self.i18n = i18n
        self.show_root = True
        self.guide_depth = 2

    def label(self, text: str, count: int | None = None, note: str = "") -> Text:
        out = render.cell(text)
        if count is not None:
            out.append(f" {count:,}".replace(",", "."), style="dim")
        if note:
            out.append(" ")
            out.append(render.safe(note), style="italic dim")
        return out

    def load(
        self,
        status: dict[str, Any],
        folders: list[dict[str, Any]],
        tags: dict[str, int],
        saved: list[dict[str, str]],
        total: int,
    ) -> None:
        """Rebuild the tree from fresh data (keeps it compact: top groups expanded)."""
        t = self.i18n
        lang = t.language
        self.clear()
        root = self.root
        root.set_label(self.label(t("side.all"), total))
        root.data = ""
        acc_node = root.add(Text(t("side.accounts"), style="bold"), data=None, expand=True)
        for a in status.get("accounts", []):
            name = a["name"]
            fl = a.get("folders", [])
            syncs = [f["last_sync"] for f in fl if f.get("last_sync")]
            errors = [f for f in fl if f.get("error")]
            if a.get("kind") == "local":
                note = t("side.local")
            elif errors:
                note = t("side.error")
            elif syncs:
                note = render.date_vi(max(syncs), with_time=True)
            else:
                note = t("side.never")
            n = sum(f.get("messages") or 0 for f in fl)
            an = acc_node.add(
                self.label(name, n, note), data=f"account:{quote(name)}", expand=False
            )
            for f in fl:
                q = f"account:{quote(name)} folder:{quote(f['name'])}"
                fnote = t("side.error") if f.get("error") else ""
                an.add_leaf(self.label(f["name"], f.get("messages"), fnote), data=q)
        cat_node = root.add(Text(t("side.categories"), style="bold"), data=None, expand=True)
        for c in folders:
            label = c.get("label_vi") if lang == "vi" else c.get("label_en")
            cn = cat_node.add(
                self.label(label or c["category"], c.get("count")), data=f"category:{c['category']}"
            )
            for y in c.get("years", []):
                yq = f"category:{c['category']} date:{y['year']}"
                yn = cn.add(self.label(str(y["year"]), y.get("count")), data=yq)
                for m in y.get("months", []):
                    mq = f"category:{c['category']} date:{y['year']}-{int(m['month']):02d}"
                    yn.add_leaf(
                        self.label(f"{int(m['month']):02d}/{y['year']}", m.get("count")), data=mq
                    )
        tag_node = root.add(Text(t("side.tags"), style="bold"), data=None, expand=True)
        for s in STATUS_TAGS:
            tag_node.add_leaf(self.label(t(f"status.{s}"), tags.get(s, 0)), data=f"tag:{s}")
        for name, n in sorted(tags.items()):
            if name not in STATUS_TAGS:
                tag_node.add_leaf(self.label(name, n), data=f"tag:{quote(name)}")
        saved_node = root.add(Text(t("side.saved"), style="bold"), data=None, expand=True)
        if not saved:
            saved_node.add_leaf(Text(t("side.none"), style="dim"), data=None)
        for s in saved:
            saved_node.add_leaf(self.label(s.get("name", "")), data=s.get("query", ""))
        root.expand()

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.QueryChosen(event.node.data))
