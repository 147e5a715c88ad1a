"""Small pictures on nodes: a neuron's map, a filter or feature map, or a histogram."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

from app.look.colours import signed_rgb

HISTOGRAM = QColor("#2f6fdb")  # the editor's selection blue: a count, not a signed value


def _rgb_image(rgb: np.ndarray) -> QImage:
    rgb = np.ascontiguousarray(rgb.astype(np.uint8))
    h, w, _ = rgb.shape
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def map_rgb(values: np.ndarray) -> np.ndarray:
    """Values scaled by their largest magnitude (0 stays white) on the one diverging
    map every view uses: orange negative, blue positive."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float64))
    scale = float(np.abs(v).max()) or 1.0
    return signed_rgb(v / scale, pale=True)


def image_rgb(values: np.ndarray) -> np.ndarray:
    v = np.nan_to_num(np.asarray(values, dtype=np.float64))
    lo, hi = float(v.min()), float(v.max())
    g = (v - lo) / (hi - lo) * 255.0 if hi > lo else np.full_like(v, 128.0)
    return np.repeat(g[..., None], 3, axis=-1)


def render(thumb, width: int, height: int) -> QPixmap | None:
    """The picture for a thumbnail object (``.kind``, ``.values``), or None if it cannot be drawn."""
    kind = getattr(thumb, "kind", None)
    values = np.asarray(getattr(thumb, "values", ()), dtype=np.float64)
    pix = QPixmap(width, height)
    pix.fill(QColor("#ffffff"))
    p = QPainter(pix)
    try:
        if kind in ("map", "image") and values.ndim == 2 and values.size:
            img = _rgb_image(map_rgb(values) if kind == "map" else image_rgb(values))
            # keep the aspect ratio, pixels sharp: these are tiny grids
            scale = min(width / img.width(), height / img.height())
            w, h = img.width() * scale, img.height() * scale
            p.drawImage(QRectF((width - w) / 2, (height - h) / 2, w, h), img)
        elif kind == "histogram" and values.ndim == 1 and values.size:
            top = float(values.max()) or 1.0
            bar = width / len(values)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(HISTOGRAM)
            for i, c in enumerate(values):
                h = (height - 2) * max(float(c), 0.0) / top
                p.drawRect(QRectF(i * bar, height - h, max(bar - 1, 1), h))
        else:
            return None
    finally:
        p.end()
    return pix
