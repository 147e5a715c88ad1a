"""The look every Nodeplay plot shares: white ground, dark text, grey axes."""

from __future__ import annotations

import pyqtgraph as pg

TEXT = "#222"
AXIS = "#555"


def style_plot(item: pg.PlotItem, title: str | None = None, x_label: str | None = None,
               y_label: str | None = None) -> pg.PlotItem:
    """Title, axis labels and pens; no SI prefixes (a loss of 0.001 is not "1 m")."""
    if title is not None:
        item.setTitle(title, color=TEXT, size="11pt")
    for name, text in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(name)
        if text is not None:
            axis.setLabel(text, color=TEXT)
        axis.setPen(AXIS)
        axis.setTextPen(TEXT)
        axis.enableAutoSIPrefix(False)
    return item


def plot_widget(title: str | None = None, x_label: str | None = None,
                y_label: str | None = None) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    style_plot(plot.getPlotItem(), title, x_label, y_label)
    return plot
