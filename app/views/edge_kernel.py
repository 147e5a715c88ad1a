"""The "edge-kernel" view: the 3×3 kernel a single convolution has learned beside the
Sobel kernel it is learning (the edge-filter preset), each cell coloured by sign and
labelled with its value, and their cosine similarity. It reads the "kernels" probe of
the first convolution; the comparison is nine numbers, cheap enough to draw here."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from app.look import theme
from app.look.colours import signed_rgb
from app.views.filters import conv_layer_names
from app.views.saving import SavingMenuMixin
from engine.data.photos import SOBEL


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    return float(a @ b / norm) if norm else 0.0


class QtEdgeKernelView(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = "edge-kernel"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference = SOBEL
        self.learned: np.ndarray | None = None
        self.epoch = 0
        self.layer: str | None = None
        self.setMinimumSize(360, 220)
        self._colours = theme.current()
        theme.follow(self, lambda w, t: (setattr(w, "_colours", t), w.update()))

    # -- the registry's view protocol ---------------------------------------------------
    def set_project(self, project, _dataset) -> None:
        layers = conv_layer_names(project)
        self.layer = layers[0] if layers else None
        self.learned = None
        self.update()
        self.subscriptionsChanged.emit()

    def note_for(self, project, _dataset) -> str | None:
        layers = conv_layer_names(project)
        params = project.graph.nodes[layers[0]].params if layers else {}
        if len(layers) != 1 or params.get("kernel") != 3 or params.get("channels") != 1:
            return (
                "This view compares a single 3×3 convolution with the Sobel edge kernel; "
                "open the edge-filter preset to see one learn it."
            )
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {"kernels": {"layer": self.layer}} if self.layer else {}

    def show_snapshot(self, snapshot) -> None:
        value = snapshot.probes.get("kernels")
        if value is None or str(value["layer"]) != self.layer:
            return
        kernels = np.asarray(value["kernels"])
        if kernels.shape[:2] != (1, 1) or kernels.shape[2:] != self.reference.shape:
            return
        self.learned, self.epoch = kernels[0, 0].astype(np.float32), int(snapshot.epoch)
        self.update()

    def view_data(self) -> dict:
        if self.learned is None:
            return {}
        return {
            "kernels": self.learned[None, None],
            "reference": self.reference,
            "cosine": np.array(cosine(self.learned, self.reference)),
            "epoch": np.array(self.epoch),
        }

    # -- drawing --------------------------------------------------------------------
    def caption(self) -> str:
        if self.learned is None:
            return "Press Play: the learned kernel appears here."
        return f"Cosine similarity {cosine(self.learned, self.reference):.5f} after {self.epoch} epochs"

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        t = self._colours
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(t.background))
        w, h = self.width(), self.height()
        side = max(60.0, min((w - 60) / 2.0, h - 90.0))
        top = 36.0
        font = QFont(self.font())
        font.setPointSizeF(max(9.0, side / 16))
        p.setFont(font)
        fg = QColor(t.text)
        scale = float(np.abs(self.reference).max())
        panels = (("Learned", self.learned), ("Sobel (true)", self.reference))
        for k, (title, kernel) in enumerate(panels):
            left = w / 2.0 - side - 10 + k * (side + 20)
            p.setPen(fg)
            p.drawText(QRectF(left, 4, side, top - 6), Qt.AlignmentFlag.AlignCenter, title)
            if kernel is None:
                p.drawRect(QRectF(left, top, side, side))
                continue
            cell = side / kernel.shape[0]
            rgb = signed_rgb(np.clip(kernel / scale, -1, 1), pale=False)
            for i in range(kernel.shape[0]):
                for j in range(kernel.shape[1]):
                    r = QRectF(left + j * cell, top + i * cell, cell, cell)
                    colour = QColor(*(int(c) for c in rgb[i, j]))
                    p.fillRect(r, colour)
                    p.setPen(QColor("black") if colour.lightness() > 140 else QColor("white"))
                    p.drawText(r, Qt.AlignmentFlag.AlignCenter, f"{kernel[i, j]:+.2f}")
        p.setPen(fg)
        small = QFont(self.font())
        small.setPointSizeF(10)
        p.setFont(small)
        text = self.caption() + "; orange negative, blue positive."
        p.drawText(QRectF(0, top + side + 8, w, h - top - side - 8), Qt.AlignmentFlag.AlignHCenter, text)
        p.end()
