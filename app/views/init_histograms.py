"""The ``init-histograms`` view: one row per weighted layer, its activations' and its
weight gradients' histograms of log10 |value| over training (engine.probes.init_histograms),
each as an image: time to the right, magnitude upwards, darker blue where more values
lie. Vanishing signals sink to the bottom of the later rows, exploding ones rise to
the top, and a good initialisation keeps every row at about the same height."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import BLUE, mix
from app.views.saving import SavingMenuMixin
from app.views.style import style_plot

PROBE = "init-histograms"
KINDS = (("activations", "activation_std", "activations, std"), ("gradients", "gradient_rms", "∂L/∂W, rms"))
# white (no values) to the positive blue: a density, not a sign
LUT = np.array([mix(BLUE, t=1.0 - k / 255) for k in range(256)], np.uint8)


class QtInitHistograms(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = PROBE

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: dict | None = None
        self.plots = pg.GraphicsLayoutWidget()
        self.rows: list[tuple[pg.PlotItem, pg.ImageItem, pg.PlotItem, pg.ImageItem]] = []
        self.summary = QLabel("Press Step or Play: each row shows one layer's values over training.")
        self.summary.setWordWrap(True)
        theme.follow(self.summary, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 4px;"))
        theme.follow(self.plots, lambda w, t: w.setBackground(t.background))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.summary)

    def set_project(self, _project, _dataset) -> None:
        self.value = None
        self._make_rows([])

    def subscriptions(self) -> dict[str, dict]:
        return {PROBE: {}}

    def show_snapshot(self, snapshot) -> None:
        value = (getattr(snapshot, "probes", None) or {}).get(PROBE)
        if value is not None and value is not self.value:
            self.show_value(value)

    def _make_rows(self, layers: list[str]) -> None:
        self.plots.clear()
        self.rows = []
        for r in range(len(layers)):
            row = []
            for c in range(2):
                plot = self.plots.addPlot(r, c)
                plot.setMenuEnabled(False)
                plot.setMouseEnabled(False, False)
                plot.hideButtons()
                image = pg.ImageItem(axisOrder="row-major")
                image.setLookupTable(LUT)
                plot.addItem(image)
                bottom = "epoch" if r == len(layers) - 1 else None
                style_plot(plot, None, bottom, "log₁₀|·|" if c == 0 else None)
                row += [plot, image]
            self.rows.append(tuple(row))  # type: ignore[arg-type]

    def show_value(self, value: dict) -> None:
        self.value = value
        layers = [str(n) for n in value["layers"]]
        if len(layers) != len(self.rows):
            self._make_rows(layers)
        edges = np.asarray(value["edges"], np.float64)
        low, high = float(edges[0]), float(edges[-1])
        epochs = np.asarray(value["epochs"])
        t = len(epochs)
        for r, row in enumerate(self.rows):
            for c, (key, size_key, what) in enumerate(KINDS):
                plot, image = row[2 * c], row[2 * c + 1]
                hist = np.asarray(value[key][:, r], np.float64).T  # (bins, time): magnitude upwards
                peak = hist.max(axis=0, keepdims=True)
                # each column against its own peak, square-rooted: thin tails stay visible
                image.setImage(np.sqrt(hist / np.where(peak > 0, peak, 1.0)), levels=(0.0, 1.0))
                image.setRect(QRectF(0.0, low, float(t), high - low))
                plot.setXRange(0.0, float(t), padding=0)
                plot.setYRange(low, high, padding=0)
                plot.getAxis("bottom").setTicks([_epoch_ticks(epochs)])
                size = float(value[size_key][-1, r])
                style_plot(plot, f"{layers[r]} {what} {size:.3g}", None, None)
        self.summary.setText(self._summary(value, layers))

    @staticmethod
    def _summary(value: dict, layers: list[str]) -> str:
        epoch = int(np.asarray(value["epochs"])[-1])
        std = np.asarray(value["activation_std"])[-1]
        rms = np.asarray(value["gradient_rms"])[-1]
        if not layers:
            return "This network has no weighted layers."
        return (
            f"Epoch {epoch}: activation std from {std[0]:.3g} ({layers[0]}) to {std[-1]:.3g} "
            f"({layers[-1]}); weight-gradient rms from {rms[0]:.3g} to {rms[-1]:.3g}. "
            "Columns are snapshots over training (the first: the initial weights); darker blue: "
            "more values of that size; the bottom row holds zeros."
        )

    def view_data(self) -> dict:
        if self.value is None:
            return {}
        keys = ("layers", "epochs", "edges", "activations", "gradients", "activation_std", "gradient_rms")
        return {k: np.asarray(self.value[k]) for k in keys}


def _epoch_ticks(epochs: np.ndarray, most: int = 8) -> list[tuple[float, str]]:
    """Each column's epoch under its middle, at most ``most`` of them."""
    every = max(1, -(-len(epochs) // most))
    return [(i + 0.5, str(int(e))) for i, e in enumerate(epochs) if i % every == 0]
