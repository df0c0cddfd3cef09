"""A bar chart (textual-plotext) for the report screen: messages per month or per category."""

from __future__ import annotations

from typing import Any

from textual_plotext import PlotextPlot


class BarChart(PlotextPlot):
    """Vertical or horizontal bars with a title; labels are plain text (plotext draws them as cells)."""

    DEFAULT_CSS = """
    BarChart { height: 1fr; min-height: 8; }
    """

    def __init__(self, title: str, *, horizontal: bool = False, **kw: Any) -> None:
        super().__init__(**kw)
        self.title = title
        self.horizontal = horizontal
        self.labels: list[str] = []
        self.values: list[int] = []

    def set_data(self, labels: list[str], values: list[int]) -> None:
        """Draw ``values`` against ``labels`` (control characters removed from labels)."""
        from bparchive.tui.render import safe

        self.labels = [safe(x) for x in labels]
        self.values = list(values)
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(self.title)
        if self.labels:
            plt.bar(
                self.labels,
                self.values,
                orientation="horizontal" if self.horizontal else "vertical",
                width=0.6,
            )
        self.refresh()
