"""The look every Nodeplay plot shares: white ground, dark text, grey axes."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

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
        # An axis is repainted whenever the plot beside it is; drawing it from a cached
        # picture (redrawn only when its range or text changes) saves the GUI thread,
        # and so the worker, a few milliseconds a frame while training.
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return item


def plot_widget(title: str | None = None, x_label: str | None = None,
                y_label: str | None = None, axis_items: dict | None = None) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w", axisItems=axis_items)
    style_plot(plot.getPlotItem(), title, x_label, y_label)
    return plot
