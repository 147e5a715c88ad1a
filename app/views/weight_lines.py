"""The network diagram's weight lines, drawn cheaply.

A line's pen is its weight's sign (blue positive, orange negative) and its size as a
width, quantized to 1/PEN_STEPS px (finer than the eye sees). A snapshot computes every
line's quantized pen in one numpy pass and calls ``setPen`` only on the lines whose
pen changed, from a cache of shared QPens: the per-line Python and Qt work used to hold
the GIL for ~20 ms a frame on spiral-deep, slowing the training worker.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsLineItem

from app.look.colours import BLUE, ORANGE

MIN_PEN, MAX_PEN, PEN_PER_UNIT = 0.6, 7.0, 2.2  # line width = |w| * PEN_PER_UNIT, clamped
HIT_WIDTH = 7.0  # lines are easier to hover and click than they are thick
PEN_STEPS = 16  # pen widths are kept to 1/16 px
UNSET = 0  # the code of a line no weight has reached yet (grey)

_pens: dict[int, QPen] = {}


def pen_codes(weights) -> np.ndarray:
    """Weights -> int32 pen codes: ±(width in 1/PEN_STEPS px), the sign the weight's
    (0 counts as positive; NaN as 0). Never UNSET, as the width is at least MIN_PEN."""
    w = np.nan_to_num(np.asarray(weights, np.float64))
    steps = np.rint(np.clip(np.abs(w) * PEN_PER_UNIT, MIN_PEN, MAX_PEN) * PEN_STEPS)
    return np.where(w >= 0, steps, -steps).astype(np.int32)


def code_pen(code: int) -> QPen:
    """The shared pen of a code (QPen is implicitly shared: setPen copies a pointer)."""
    pen = _pens.get(code)
    if pen is None:
        if code == UNSET:
            pen = QPen(QColor(200, 200, 200), MIN_PEN)
        else:
            pen = QPen(QColor(*(BLUE if code > 0 else ORANGE)), abs(code) / PEN_STEPS)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        _pens[code] = pen
    return pen


def weight_pen(w: float) -> QPen:
    return code_pen(int(pen_codes(w)))


class WeightLines:
    """The lines of one weight matrix (row-major: (row, column) of the state dict), with
    their values and pen codes as arrays."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.lines: list[WeightItem] = []
        self.values = np.empty(0)
        self.codes = np.empty(0, np.int32)

    def add(self, view, index: tuple[int, int]) -> WeightItem:
        line = WeightItem(view, self.key, index, QPointF(), QPointF(), self, len(self.lines))
        self.lines.append(line)
        self.values = np.append(self.values, np.nan)
        self.codes = np.append(self.codes, np.int32(UNSET))
        return line

    def __iter__(self):
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, i: int) -> WeightItem:
        return self.lines[i]

    def show(self, weights) -> None:
        """Show a whole matrix (``len(self)`` values, row-major)."""
        w = np.asarray(weights, np.float64).reshape(-1)
        codes = pen_codes(w)
        for i in np.flatnonzero(codes != self.codes).tolist():
            self.lines[i].setPen(code_pen(int(codes[i])))
        self.values, self.codes = w.copy(), codes

    def show_one(self, slot: int, value: float) -> None:
        self.values[slot] = value
        code = int(pen_codes(value))
        if code != self.codes[slot]:
            self.codes[slot] = code
            self.lines[slot].setPen(code_pen(code))


class WeightItem(QGraphicsLineItem):
    """One weight: ``key`` and ``index`` as in the state dict (row = unit of the
    layer on the right, column = unit on the left); its value lives in ``group``."""

    def __init__(self, view, key, index, a: QPointF, b: QPointF, group: WeightLines, slot: int):
        super().__init__()
        self._rect: QRectF | None = None  # boundingRect, asked for thousands of times a second
        self.setLine(a.x(), a.y(), b.x(), b.y())
        self.view, self.key, self.index = view, key, index
        self.group, self.slot = group, slot
        self.setAcceptHoverEvents(True)
        self.setPen(code_pen(UNSET))

    @property
    def value(self) -> float | None:
        v = self.group.values[self.slot]
        return None if np.isnan(v) else float(v)

    def set_value(self, w: float) -> None:
        self.group.show_one(self.slot, float(w))

    def move_to(self, a: QPointF, b: QPointF) -> None:
        self.prepareGeometryChange()
        self._rect = None
        self.setLine(a.x(), a.y(), b.x(), b.y())

    def shape(self) -> QPainterPath:
        path = QPainterPath(self.line().p1())
        path.lineTo(self.line().p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(max(self.pen().widthF(), HIT_WIDTH))
        return stroker.createStroke(path)

    def boundingRect(self) -> QRectF:
        if self._rect is None:  # pens are at most HIT_WIDTH wide (MAX_PEN): the line decides
            pad = max(MAX_PEN, HIT_WIDTH) / 2 + 1
            self._rect = (
                QRectF(self.line().p1(), self.line().p2()).normalized().adjusted(-pad, -pad, pad, pad)
            )
        return self._rect

    def tooltip(self) -> str:
        value = "—" if self.value is None else f"{self.value:.4g}"
        return f"weight {value}\n{self.key}[{self.index[0]}, {self.index[1]}]\n(click to edit)"

    def hoverEnterEvent(self, event) -> None:
        self.setZValue(1)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.setZValue(0)
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.view.open_editor(self.key, self.index, self.value, event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)
