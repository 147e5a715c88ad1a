"""The ``pca-basis`` view (the course's first code example): for 2-D points, the
principal axes drawn over the data from its mean, each two standard deviations long
(∝ the square root of its variance), with the share of variance it explains; a
checkbox projects every point onto the first axis (PCA's one-number code). For images,
the mean image and the eigen-images (orange negative, blue positive) with the variance
each explains, as many as the Components box says."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from app.look import theme
from app.look.colours import class_rgb
from app.views.image_tiles import TileGrid, signed_image
from app.views.latent_pictures import picture
from app.views.saving import SavingMenuMixin

LENGTH = 2.0  # standard deviations each drawn axis spans from the mean
AXIS_COLOURS = ((40, 40, 40), (120, 120, 120))  # PC1 darker than PC2
LEARNED_KEYS = ("learned_axis", "learned_centre", "learned_angle")  # from the "pca-match" probe


class _PointsPlot(QWidget):
    """2-D points coloured by class, with the principal axes through their mean."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: dict | None = None
        self.learned: dict | None = None  # the "pca-match" probe's answer (an autoencoder's line)
        self.project_points = False
        self.setMinimumSize(200, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        theme.follow(self, lambda w, _t: w.update(), now=False)

    def bounds(self) -> tuple[np.ndarray, float]:
        """(centre, half side) of the square of data drawn."""
        pts = np.asarray(self.value["points"], float)
        lo, hi = pts.min(0), pts.max(0)
        return (lo + hi) / 2, float((hi - lo).max()) * 0.55 + 1e-6

    def to_pixel(self, x: float, y: float) -> QPointF:
        centre, half = self.bounds()
        side = min(self.width(), self.height()) - 16
        ox, oy = (self.width() - side) / 2, (self.height() - side) / 2
        return QPointF(
            ox + (x - centre[0] + half) / (2 * half) * side, oy + (centre[1] + half - y) / (2 * half) * side
        )

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        t = theme.current()
        p.fillRect(self.rect(), QColor(t.background))
        if self.value is None:
            p.end()
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        v = self.value
        pts, mean, axes = np.asarray(v["points"]), np.asarray(v["mean"]), np.asarray(v["axes"])
        colours = class_rgb(np.asarray(v["labels"]).astype(int))
        if self.project_points:  # each point's one-number PCA code, drawn back on the plane
            p.setPen(QPen(QColor(t.muted), 0.8))
            for pt in pts:
                on = mean + float((pt - mean) @ axes[0]) * axes[0]
                p.drawLine(self.to_pixel(*pt), self.to_pixel(*on))
        p.setPen(QPen(QColor(40, 40, 40), 0.7))
        for pt, rgb in zip(pts, colours, strict=True):
            p.setBrush(QColor(*map(int, rgb)))
            p.drawEllipse(self.to_pixel(*pt), 3.5, 3.5)
        for i in range(len(axes)):
            sd = float(np.sqrt(v["variance"][i]))
            ends = mean - LENGTH * sd * axes[i], mean + LENGTH * sd * axes[i]
            a, b = self.to_pixel(*ends[0]), self.to_pixel(*ends[1])
            colour = QColor(*AXIS_COLOURS[i]) if t.name == "light" else QColor(t.text)
            p.setPen(QPen(colour, 3.5 - i))
            p.drawLine(a, b)
            p.setPen(QColor(t.text))
            label = f"PC{i + 1}: {100 * float(v['explained'][i]):.0f}% of variance"
            width = p.fontMetrics().horizontalAdvance(label) + 4
            x = min(b.x() + 6, self.width() - width - 4)  # kept inside the plot
            y = min(max(b.y() - 10, 2.0), self.height() - 22)
            p.drawText(QRectF(x, y, width, 20), Qt.AlignmentFlag.AlignVCenter, label)
        if self.learned is not None:
            self._draw_learned(p, t, float(np.sqrt(v["variance"][0])), axes[0])
        p.setBrush(QColor(t.text))
        p.drawEllipse(self.to_pixel(*mean), 4, 4)
        p.end()

    def _draw_learned(self, p: QPainter, t, sd: float, pc1: np.ndarray) -> None:
        """The line an autoencoder with a one-number code puts its rebuilds on, dashed,
        as long as PC1, with its angle to PC1 (S-L1, the pca-basis lesson); its label at
        the end away from PC1's label."""
        axis, centre = np.asarray(self.learned["learned_axis"]), np.asarray(self.learned["learned_centre"])
        axis = axis if float(axis @ pc1) >= 0 else -axis
        a = self.to_pixel(*(centre - LENGTH * sd * axis))
        b = self.to_pixel(*(centre + LENGTH * sd * axis))
        pen = QPen(QColor(t.text), 2.0, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawLine(a, b)
        label = f"network's line: {float(self.learned['learned_angle']):.1f}° from PC1"
        width = p.fontMetrics().horizontalAdvance(label) + 4
        x = min(max(a.x() - width / 2, 4.0), self.width() - width - 4)
        y = min(a.y() + 6, self.height() - 22)
        p.drawText(QRectF(x, y, width, 20), Qt.AlignmentFlag.AlignVCenter, label)


class QtPcaBasis(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = "pca-basis"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: dict | None = None
        self.plot = _PointsPlot()
        self.tiles = TileGrid(minimum=(180, 140))
        self.components_spin = QSpinBox()
        self.components_spin.setRange(1, 64)
        self.components_spin.setValue(12)
        self.components_spin.setToolTip("How many eigen-images to show, largest variance first.")
        self.components_spin.valueChanged.connect(lambda _v: self.subscriptionsChanged.emit())
        self.project_box = QCheckBox("Project onto PC1")
        self.project_box.setToolTip("Each point's one-number PCA code, drawn back on the plane.")
        self.project_box.toggled.connect(self._project_toggled)
        self.summary = QLabel("Press Step or Play to compute the basis.")
        self.summary.setWordWrap(True)
        theme.follow(self.summary, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 4px;"))
        self.components_label = QLabel("Components")
        # the summary wraps on its own row and the controls share one, so that the tab fits
        # the window's narrow right column (points) without widening the window
        bar = QHBoxLayout()
        bar.addWidget(self.project_box)
        bar.addWidget(self.components_label)
        bar.addWidget(self.components_spin)
        bar.addStretch(1)
        pages = QWidget()
        self.stack = QStackedLayout(pages)
        self.stack.addWidget(self.plot)
        self.stack.addWidget(self.tiles)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(pages, 1)
        layout.addWidget(self.summary)
        layout.addLayout(bar)

    def set_project(self, _project, dataset) -> None:
        self.value = self.plot.value = self.plot.learned = None
        self.tiles.set_tiles([])
        points = bool(getattr(dataset, "is_2d", False))
        self.stack.setCurrentWidget(self.plot if points else self.tiles)
        self.project_box.setVisible(points)
        self.components_label.setVisible(not points)
        self.components_spin.setVisible(not points)

    def subscriptions(self) -> dict[str, dict]:
        subs = {"pca-basis": {"components": self.components_spin.value()}}
        if self.project_box.isVisibleTo(self):  # S-L1: an autoencoder's line on the points
            subs["pca-match"] = {}
        return subs

    def show_snapshot(self, snapshot) -> None:
        probes = getattr(snapshot, "probes", None) or {}
        value = probes.get("pca-basis")
        if value is not None and value is not self.value:
            self.show_value(value)
        match = probes.get("pca-match")  # S-L1: the network's line, when it rebuilds points
        if match is not None and match is not self.plot.learned:
            self.plot.learned = match if "learned_axis" in match else None
            self.plot.update()

    def show_value(self, value: dict) -> None:
        self.value = value
        explained = np.asarray(value["explained"], float)
        if "points" in value:
            self.stack.setCurrentWidget(self.plot)
            self.plot.value = value
            self.plot.update()
            sd = np.sqrt(np.asarray(value["variance"], float))
            self.summary.setText(
                f"Principal axes from the mean, each {LENGTH:g} standard deviations long "
                f"(σ1 = {sd[0]:.2f}, σ2 = {sd[1]:.2f})."
            )
            return
        self.stack.setCurrentWidget(self.tiles)
        eig = np.asarray(value["eigenimages"])
        scale = float(np.abs(eig).max()) or 1.0  # one scale for all: their sizes compare
        tiles = [picture(np.asarray(value["mean_image"]))]
        tiles += [signed_image(e[0], scale) for e in eig]
        captions = ["mean"] + [f"PC{i + 1} {100 * e:.1f}%" for i, e in enumerate(explained)]
        self.tiles.set_tiles(tiles, captions)
        self.summary.setText(
            f"The first {len(eig)} eigen-images explain {100 * explained.sum():.1f}% of the "
            "digits' variance (orange negative, blue positive weights)."
        )

    def view_data(self) -> dict:
        if self.value is None:
            return {}
        data = {k: np.asarray(v) for k, v in self.value.items()}
        if self.plot.learned is not None:  # S-L1: the autoencoder's line drawn over the points
            data.update({k: np.asarray(self.plot.learned[k]) for k in LEARNED_KEYS})
        return data

    def _project_toggled(self, on: bool) -> None:
        self.plot.project_points = on
        self.plot.update()
