"""Two small curve plots for the GAN views: KL and JS divergence of generated against
real points, and the discriminator's and generator's losses."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import BLUE, ORANGE, TRAIN_LINE
from app.views.style import style_plot


class GanCurves(QWidget):
    def __init__(self, parent: QWidget | None = None, divergence: bool = True, across: bool = False) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self) if across else QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.div_plot = pg.PlotWidget() if divergence else None
        self.loss_plot = pg.PlotWidget()
        self.kl = self.js = None
        if self.div_plot is not None:
            _legend_in_title_band(self.div_plot)
            self.kl = self.div_plot.plot([], [], name="KL(real‖gen.)", **_line(TRAIN_LINE))
            self.js = self.div_plot.plot([], [], name="JS", **_line(BLUE))
            layout.addWidget(self.div_plot, 1)
        _legend_in_title_band(self.loss_plot)
        self.d_loss = self.loss_plot.plot([], [], pen=pg.mkPen(BLUE, width=2), name="D loss")
        self.g_loss = self.loss_plot.plot([], [], pen=pg.mkPen(ORANGE, width=2), name="G loss")
        layout.addWidget(self.loss_plot, 1)
        theme.follow(self, lambda w, _t: w._restyle())

    def _restyle(self) -> None:
        t = theme.current()
        for plot, title, x in (
            (self.div_plot, "Divergence", "iteration"),
            (self.loss_plot, "Losses", "epoch"),
        ):
            if plot is not None:
                plot.setBackground(t.background)
                item = style_plot(plot.getPlotItem(), None, x, None)
                item.setTitle(title, color=t.text, size="11pt", justify="left")  # the legend: right
                item.legend.setLabelTextColor(t.text)

    def clear(self) -> None:
        for item in (self.kl, self.js, self.d_loss, self.g_loss):
            if item is not None:
                item.setData([], [])

    def show_divergence(self, curve: dict) -> None:
        if self.kl is None or self.js is None:
            return
        step = np.asarray(curve["step"], np.float64)
        self.kl.setData(step, np.asarray(curve["kl"], np.float64))
        self.js.setData(step, np.asarray(curve["js"], np.float64))

    def show_losses(self, losses: dict) -> None:
        x = np.arange(len(losses["d_loss"]), dtype=np.float64) if "epoch" not in losses else losses["epoch"]
        self.d_loss.setData(x, losses["d_loss"])
        self.g_loss.setData(x, losses["g_loss"])


def _line(colour) -> dict:
    """A curve with dots in its own colour (pyqtgraph's default dots are one dark blue)."""
    return dict(
        pen=pg.mkPen(colour, width=2),
        symbol="o",
        symbolSize=4,
        symbolBrush=pg.mkBrush(colour),
        symbolPen=None,
    )


def _legend_in_title_band(plot: pg.PlotWidget) -> None:
    """The legend on one row at the right of the title, never over the curves."""
    item = plot.getPlotItem()
    legend = item.addLegend(offset=None, colCount=2)
    legend.setParentItem(item)
    legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-6, 0))
    legend.layout.setContentsMargins(0, 2, 0, 0)
