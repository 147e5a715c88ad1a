"""Edges: bezier curves between ports with the tensor shape at their middle."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem

from app.editor import theme
from app.editor.node_item import FAR

_LABEL = theme.font(7.5)
_LABEL_FM = QFontMetricsF(_LABEL)


def bezier(a: QPointF, b: QPointF) -> QPainterPath:
    """A left-to-right S curve; a backwards edge loops out so it never hides under its nodes."""
    dx = max(abs(b.x() - a.x()) * 0.5, 50.0)
    path = QPainterPath(a)
    path.cubicTo(QPointF(a.x() + dx, a.y()), QPointF(b.x() - dx, b.y()), b)
    return path


class EdgeItem(QGraphicsItem):
    def __init__(self, edge, src_port, dst_port):
        super().__init__()
        self.edge, self.src_port, self.dst_port = edge, src_port, dst_port
        self.label, self.error = "", False
        self.hovered = False
        self._path = QPainterPath()
        self._label_rect = QRectF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        # panning blits the curve from a pixmap instead of calling paint() for every edge
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.update_path()

    def set_label(self, label: str, error: bool) -> bool:
        if (label, error) == (self.label, self.error):
            return False
        self.label, self.error = label, error
        self.update_path()
        self.update()
        return True

    def update_path(self) -> None:
        self.prepareGeometryChange()
        self._path = bezier(self.src_port.scenePos(), self.dst_port.scenePos())
        mid = self._path.pointAtPercent(0.5)
        w = _LABEL_FM.horizontalAdvance(self.label) + 10 if self.label else 0
        self._label_rect = QRectF(mid.x() - w / 2, mid.y() - 8, w, 16)

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-4, -4, 4, 4).united(self._label_rect)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        out = stroker.createStroke(self._path)
        out.addRect(self._label_rect)
        return out

    def paint(self, painter, option, widget=None):
        colour = (theme.SELECTED if self.isSelected() else theme.ERROR if self.error
                  else theme.HOVER if self.hovered else theme.EDGE)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if lod < FAR:  # far out: a one-pixel curve, no label
            painter.setRenderHint(painter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(colour, 0))
            painter.drawPath(self._path)
            return
        pen = QPen(colour, 2.6 if self.isSelected() or self.hovered else 1.8)
        if self.error:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        if self.label:
            painter.setPen(QPen(colour, 1.0))
            painter.setBrush(theme.EDGE_LABEL_BG)
            painter.drawRoundedRect(self._label_rect, 8, 8)
            painter.setFont(_LABEL)
            painter.setPen(theme.ERROR if self.error else theme.TEXT)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self.label)

    def hoverEnterEvent(self, event):
        self.hovered = True
        self.update()

    def hoverLeaveEvent(self, event):
        self.hovered = False
        self.update()


class DragEdge(QGraphicsItem):
    """The rubber-band curve from a port to the cursor while a connection is drawn."""

    def __init__(self, anchor: QPointF, from_output: bool):
        super().__init__()
        self.anchor, self.from_output = anchor, from_output
        self.ok: bool | None = None  # None: not over a port; else whether the drop would be taken
        self._path = QPainterPath()
        self.setZValue(10)
        self.move_to(anchor)

    def move_to(self, pos: QPointF, ok: bool | None = None) -> None:
        self.prepareGeometryChange()
        self.ok = ok
        a, b = (self.anchor, pos) if self.from_output else (pos, self.anchor)
        self._path = bezier(a, b)

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-4, -4, 4, 4)

    def paint(self, painter, option, widget=None):
        colour = theme.EDGE if self.ok is None else theme.OK_PORT if self.ok else theme.ERROR
        pen = QPen(colour, 2.2, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawPath(self._path)
