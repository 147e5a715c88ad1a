"""More loss curves beside the loss plot's train and test losses: the named terms a
trainer records in ``Metrics.extra`` (a VAE's test ``recon`` and ``kl``; issue #11),
dashed, shown while the plot shows loss. Each is a growable series like the plot's own."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from app.look.colours import CLASS_COLOURS, ORANGE, TEST_LINE, hex_colour

# one colour per known term, the rest from the class colours in turn
TERM_COLOURS = {"recon": TEST_LINE, "kl": ORANGE}
TERM_NAMES = {"recon": "test reconstruction", "kl": "test KL (before β)"}


class ExtraCurves:
    """The extra curves of one PlotItem and its legend; ``series`` is the plot's
    growable-buffer class (app.views.loss_plot._Series)."""

    def __init__(self, item, legend, series) -> None:
        self.item, self.legend, self._series = item, legend, series
        self.series: dict[str, object] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}

    def append(self, x: np.ndarray, extra: dict[str, np.ndarray]) -> None:
        for name, values in extra.items():
            if name not in self.series:
                self._add(name)
            self.series[name].extend(x, np.asarray(values, np.float64))

    def _add(self, name: str) -> None:
        self.series[name] = self._series()
        rgb = TERM_COLOURS.get(name, CLASS_COLOURS[(2 + len(self.curves)) % len(CLASS_COLOURS)])
        pen = pg.mkPen(hex_colour(rgb), width=2, style=Qt.PenStyle.DashLine)
        curve = self.item.plot(pen=pen, name=TERM_NAMES.get(name, name), connect="finite")
        curve.setClipToView(True)
        curve.setDownsampling(auto=True, method="peak")
        self.curves[name] = curve

    def draw(self, shown: bool) -> None:
        for name, curve in self.curves.items():
            curve.setData(*(self.series[name].view() if shown else ([], [])))
            curve.setVisible(shown)

    def values(self) -> list[np.ndarray]:
        return [s.view()[1] for s in self.series.values()]

    def clear(self) -> None:
        for curve in self.curves.values():
            self.item.removeItem(curve)
            self.legend.removeItem(curve)
        self.series, self.curves = {}, {}

    def summary(self) -> str:
        return "   ".join(f"{n} {s.y[s.n - 1]:.4g}" for n, s in self.series.items() if s.n)

    def view_data(self) -> dict[str, np.ndarray]:
        return {f"test_{name}": s.view()[1].copy() for name, s in self.series.items()}
