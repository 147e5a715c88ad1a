"""The look every Nodeplay plot shares: the theme's ground, text and axes (light: white
ground, dark text, grey axes; app.look.theme)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from app.look import theme

TEXT = "#222"  # the light theme's; drawing code asks fg() for the current one
AXIS = "#555"


def fg() -> str:
    """The current theme's text colour."""
    return theme.current().text


def style_plot(
    item: pg.PlotItem, title: str | None = None, x_label: str | None = None, y_label: str | None = None
) -> pg.PlotItem:
    """Title, axis labels and pens; no SI prefixes (a loss of 0.001 is not "1 m")."""
    t = theme.current()
    if title is not None:
        item.setTitle(title, color=t.text, size="11pt")
    for name, text in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(name)
        if text is not None:
            axis.setLabel(text, color=t.text)
        axis.setPen(t.axis)
        axis.setTextPen(t.text)
        axis.enableAutoSIPrefix(False)
        # An axis is repainted whenever the plot beside it is; drawing it from a cached
        # picture (redrawn only when its range or text changes) saves the GUI thread,
        # and so the worker, a few milliseconds a frame while training.
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return item


def restyle_plot(plot: pg.PlotWidget, t: theme.Theme) -> None:
    """Recolour a plot's ground, title, axes and legend for theme ``t``."""
    plot.setBackground(t.background)
    item = plot.getPlotItem()
    if item.titleLabel.text:
        item.titleLabel.setText(item.titleLabel.text, color=t.text)
    for name in ("bottom", "left", "right", "top"):
        axis = item.getAxis(name)
        axis.setPen(t.axis)
        axis.setTextPen(t.text)
        if axis.labelText:
            axis.setLabel(axis.labelText, **{**axis.labelStyle, "color": t.text})
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(t.text)
        for _sample, label in legend.items:
            label.setText(label.text, color=t.text)


def plot_widget(
    title: str | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    axis_items: dict | None = None,
) -> pg.PlotWidget:
    plot = pg.PlotWidget(background=theme.current().background, axisItems=axis_items)
    style_plot(plot.getPlotItem(), title, x_label, y_label)
    theme.follow(plot, restyle_plot, now=False)
    return plot


def layer_bar(tooltip: str, margins: tuple[int, int, int, int] | None = None):
    """The row over a view that shows one layer: "Layer", its chooser and a muted note.
    Returns (combo, note, row); the view connects the combo's signal it needs."""
    from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

    combo = QComboBox()
    combo.setToolTip(tooltip)
    note = QLabel("")
    theme.follow(note, lambda w, t: w.setStyleSheet(f"color: {t.muted};"))
    row = QHBoxLayout()
    if margins is not None:
        row.setContentsMargins(*margins)
    row.addWidget(QLabel("Layer"))
    row.addWidget(combo)
    row.addWidget(note, 1)
    return combo, note, row
