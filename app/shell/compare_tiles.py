"""Compare mode's small multiples: one tile per variant, laid out in a grid that
re-flows its columns to keep the tiles as large as it can."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QWidget

from app.look.colours import CLASS_COLOURS, variant_colours
from app.views.boundary_view import (
    FIELD_MAP,
    boundary_field,
    class_field_rgb,
    dataset_brushes,
)

# Tableau 10: distinct curve colours; more variants than that get evenly spread hues.
GREY_MAP = pg.ColorMap([0.0, 0.5, 1.0], [(170, 170, 170), (225, 225, 225), (140, 140, 140)])


def variant_colour(k: int, count: int) -> pg.QtGui.QColor:
    """Variant k's colour: the shared variant palette (app.look.colours), hues beyond it."""
    if count <= len(CLASS_COLOURS) - 2:
        return pg.mkColor(variant_colours(count)[k])
    return pg.intColor(k, hues=count, values=1, maxValue=200)


class VariantTile:
    """One variant's tile: its boundary map (an ImageItem and the training points) for
    2-D points, else a small chart of its test accuracy (or test loss, without classes)
    per epoch, so that image projects get a meaningful tile too."""

    def __init__(self, plot: pg.PlotItem, label: str, colour, dataset) -> None:
        self.plot, self.label, self.colour = plot, label, colour
        self.diverged_at: int | None = None
        self.metrics: dict = {}
        self.title_text = ""
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.setAspectLocked(True)
        plot.disableAutoRange()
        small = QFont()
        small.setPointSize(7)
        for name in ("bottom", "left"):
            axis = plot.getAxis(name)
            axis.setPen("#888")
            axis.setTextPen("#444")
            axis.setStyle(tickFont=small, tickLength=-4, tickTextOffset=2)
        plot.getAxis("left").setWidth(22)
        plot.getAxis("bottom").setHeight(16)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(FIELD_MAP)
        self.image.setLevels((-1.0, 1.0))
        plot.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=5, pen=pg.mkPen("w", width=0.8))
        plot.addItem(self.points)
        self.extent = float(dataset.extent)
        self.on_plane = bool(dataset.is_2d)
        self.curve = None
        self._x: list[np.ndarray] = []
        self._y: list[np.ndarray] = []
        if self.on_plane:
            x = np.asarray(dataset.x_train)
            self.points.setData(x[:, 0], x[:, 1], brush=dataset_brushes(dataset.y_train, dataset.classes))
            e = self.extent
            plot.setRange(xRange=(-e, e), yRange=(-e, e), padding=0)
        else:
            plot.setAspectLocked(False)
            plot.enableAutoRange()
            plot.showGrid(x=True, y=True, alpha=0.15)
            self.curve = plot.plot(
                pen=pg.mkPen(colour, width=2), connect="finite", symbol="o", symbolSize=4, symbolBrush=colour
            )
        self.set_title()

    def add_rows(self, epochs: np.ndarray, acc: np.ndarray, loss: np.ndarray) -> None:
        """Off the plane: extend the tile's chart (accuracy where there are classes)."""
        if self.curve is None or not len(epochs):
            return
        classes = np.isfinite(acc).any()
        values = acc if classes else loss
        if classes:  # accuracy: the whole 0..1 range, so that tiles compare at a glance
            self.plot.setYRange(0.0, 1.0, padding=0.02)
        self._x.append(np.asarray(epochs, np.float64))
        self._y.append(np.where(np.isfinite(values), values, np.nan))
        self.curve.setData(np.concatenate(self._x), np.concatenate(self._y))

    def clear_rows(self) -> None:
        self._x, self._y = [], []
        if self.curve is not None:
            self.curve.setData([], [])

    def show_boundary(self, boundary: np.ndarray) -> None:
        if boundary.ndim == 3 and boundary.shape[2] > 2:
            field, levels = class_field_rgb(boundary), (0, 255)
            if self.diverged_at is not None:  # grey: the rgb's mean brightness
                field = np.repeat(field.mean(2, keepdims=True), 3, 2).astype(np.uint8)
        else:
            field, levels = boundary_field(boundary), (-1.0, 1.0)
        field = np.nan_to_num(field, nan=0.0)
        self.image.setImage(field, autoLevels=False, levels=levels)
        e = self.extent
        self.image.setRect(QRectF(-e, -e, 2 * e, 2 * e))

    def set_metrics(self, m: dict) -> None:
        self.metrics = m
        self.set_title()

    def set_diverged(self, epoch: int | None) -> None:
        if epoch == self.diverged_at:
            return
        self.diverged_at = epoch
        grey = epoch is not None
        self.image.setColorMap(GREY_MAP if grey else FIELD_MAP)
        self.image.setLevels((-1.0, 1.0))
        self.points.setOpacity(0.25 if grey else 1.0)
        self.set_title()

    def set_title(self) -> None:
        swatch = f'<span style="color: {self.colour.name()};">■</span>'
        if self.diverged_at is not None:
            detail = f"diverged at epoch {self.diverged_at}"
            head, colour = f"{swatch} <b>{self.label}</b>", "#999"
        else:
            m, colour = self.metrics, "#222"
            loss, acc = m.get("test_loss", math.nan), m.get("test_acc", math.nan)
            detail = f"test loss {loss:.3f}" if math.isfinite(loss) else "test loss –"
            if math.isfinite(acc):
                detail += f" · acc {acc:.0%}"
            head = f"{swatch} <b>{self.label}</b>"
        self.title_text = f"{self.label} — {detail}"
        self.plot.setTitle(
            f"{head}<br><span style='font-size: 8pt;'>{detail}</span>", color=colour, size="9pt"
        )


class TileGrid(pg.GraphicsLayoutWidget):
    """The small multiples; re-flows its columns to keep the tiles as large as it can."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("w")
        self.plots: list[pg.PlotItem] = []
        self.columns = 0

    def set_count(self, count: int) -> list[pg.PlotItem]:
        self.ci.clear()
        self.plots = [pg.PlotItem() for _ in range(count)]
        self.columns = 0
        self.reflow()
        return self.plots

    @staticmethod
    def best_columns(count: int, width: float, height: float) -> int:
        best, best_side = 1, -1.0
        for cols in range(1, count + 1):
            rows = -(-count // cols)
            side = min(width / cols, (height - 30 * rows) / rows)  # 30 px: the title
            if side > best_side + 1e-9:
                best, best_side = cols, side
        return best

    def reflow(self) -> None:
        if not getattr(self, "plots", None):
            return
        cols = self.best_columns(len(self.plots), max(self.width(), 100), max(self.height(), 100))
        if cols == self.columns:
            return
        self.columns = cols
        for p in self.plots:
            if p.scene() is not None:
                self.ci.removeItem(p)
        for i, p in enumerate(self.plots):
            self.ci.addItem(p, row=i // cols, col=i % cols)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.reflow()
