"""Arrays as pictures for the vision views (filters, feature maps): grey, signed and RGB
images, and a widget that lays out a grid of captioned tiles to fit its size."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.look import theme
from app.look.colours import signed_rgb

CAPTION_H = 16  # pixels under a tile for its caption


def rgb_image(rgb: np.ndarray) -> QImage:
    """An (H, W, 3) uint8 array as a QImage (copied)."""
    data = np.ascontiguousarray(rgb, np.uint8)
    h, w, _ = data.shape
    return QImage(data.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def signed_image(values: np.ndarray, scale: float | None = None) -> QImage:
    """(H, W) signed values on the orange-white-blue map, ±``scale`` (default: the
    largest magnitude) at the ends."""
    v = np.nan_to_num(np.asarray(values, np.float64))
    s = scale if scale else float(np.abs(v).max()) or 1.0
    return rgb_image(signed_rgb(v / s, pale=False))


def grey_tile(values: np.ndarray, lo: float | None = None, hi: float | None = None) -> QImage:
    """(H, W) values stretched from ``lo`` (black) to ``hi`` (white)."""
    v = np.nan_to_num(np.asarray(values, np.float64))
    lo = float(v.min()) if lo is None else lo
    hi = float(v.max()) if hi is None else hi
    t = np.clip((v - lo) / (hi - lo), 0, 1) if hi > lo else np.zeros_like(v)
    grey = (t * 255).astype(np.uint8)
    return rgb_image(np.repeat(grey[..., None], 3, axis=2))


def colour_tile(chw: np.ndarray) -> QImage:
    """A (3, H, W) array stretched to its own range as an RGB picture (as the course's
    filter plots show a colour kernel)."""
    v = np.nan_to_num(np.asarray(chw, np.float64))
    lo, hi = float(v.min()), float(v.max())
    t = (v - lo) / (hi - lo) if hi > lo else np.full_like(v, 0.5)
    return rgb_image((np.transpose(t, (1, 2, 0)) * 255).astype(np.uint8))


class TileGrid(QWidget):
    """Captioned tiles in the most columns that keep them square and as large as fit."""

    def __init__(self, parent: QWidget | None = None, minimum: tuple[int, int] = (160, 120)) -> None:
        super().__init__(parent)
        self.tiles: list[QImage] = []
        self.captions: list[str] = []
        self.columns: int | None = None  # fixed columns (a row per output channel), or fit
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(*minimum)
        theme.follow(self, lambda w, _t: w.update(), now=False)

    def set_tiles(self, tiles: list[QImage], captions: list[str] | None = None) -> None:
        self.tiles = list(tiles)
        self.captions = list(captions) if captions is not None else [""] * len(self.tiles)
        self.update()

    def layout_cells(self) -> tuple[int, float]:
        """(columns, tile side) that fit every tile."""
        n = max(len(self.tiles), 1)
        caption = CAPTION_H if any(self.captions) else 0
        best = (1, 0.0)
        for cols in [self.columns] if self.columns else range(1, n + 1):
            rows = -(-n // cols)
            side = min(self.width() / cols, self.height() / rows - caption)
            if side > best[1]:
                best = (cols, side)
        return best

    def tile_rect(self, i: int) -> QRectF:
        cols, side = self.layout_cells()
        caption = CAPTION_H if any(self.captions) else 0
        r, c = divmod(i, cols)
        pad = max(1.0, side * 0.05)
        x0 = (self.width() - cols * side) / 2
        return QRectF(x0 + c * side + pad, r * (side + caption) + pad, side - 2 * pad, side - 2 * pad)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        t = theme.current()
        p.fillRect(self.rect(), QColor(t.background))
        font = QFont(self.font())
        font.setPointSizeF(8.0)
        p.setFont(font)
        for i, img in enumerate(self.tiles):
            box = self.tile_rect(i)
            p.drawImage(box, img)  # nearest-neighbour: each weight stays one square
            p.setPen(QPen(QColor(t.frame), 1))
            p.drawRect(box)
            if self.captions[i]:
                p.setPen(QColor(t.text))
                p.drawText(
                    QRectF(box.left() - 4, box.bottom() + 1, box.width() + 8, CAPTION_H),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    self.captions[i],
                )
        p.end()
