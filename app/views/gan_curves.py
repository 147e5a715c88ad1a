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
            self.div_plot.addLegend(offset=(-4, 4))
            self.kl = self.div_plot.plot(
                [],
                [],
                pen=pg.mkPen(TRAIN_LINE, width=2),
                name="KL(real ‖ generated)",
                symbol="o",
                symbolSize=4,
            )
            self.js = self.div_plot.plot(
                [], [], pen=pg.mkPen(BLUE, width=2), name="JS", symbol="o", symbolSize=4
            )
            layout.addWidget(self.div_plot, 1)
        self.loss_plot.addLegend(offset=(-4, 4))
        self.d_loss = self.loss_plot.plot([], [], pen=pg.mkPen(BLUE, width=2), name="D loss")
        self.g_loss = self.loss_plot.plot([], [], pen=pg.mkPen(ORANGE, width=2), name="G loss")
        layout.addWidget(self.loss_plot, 1)
        theme.follow(self, lambda w, _t: w._restyle())

    def _restyle(self) -> None:
        t = theme.current()
        for plot, title, x in (
            (self.div_plot, "KL and JS on a grid", "iteration"),
            (self.loss_plot, "Losses", "epoch"),
        ):
            if plot is not None:
                plot.setBackground(t.background)
                style_plot(plot.getPlotItem(), title, x, None)

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
