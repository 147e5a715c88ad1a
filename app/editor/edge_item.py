"""Edges: bezier curves between ports with the tensor shape at their middle."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem

from app.editor import theme
from app.editor.node_item import FAR

_LABEL = theme.font(7.5)
_LABEL_FM = QFontMetricsF(_LABEL)
LONG_EDGE = 360.0  # wider than one column gap and node: the edge skips a column


def bezier(a: QPointF, b: QPointF) -> QPainterPath:
    """A left-to-right S curve; a backwards edge loops out so it never hides under its nodes."""
    dx = max(abs(b.x() - a.x()) * 0.5, 50.0)
    path = QPainterPath(a)
    path.cubicTo(QPointF(a.x() + dx, a.y()), QPointF(b.x() - dx, b.y()), b)
    return path


def routed(a: QPointF, b: QPointF, y: float) -> QPainterPath:
    """A curve that drops to a free lane at height ``y``, runs along it, and rises to ``b``."""
    r = min(60.0, (b.x() - a.x()) / 4)
    path = QPainterPath(a)
    path.cubicTo(QPointF(a.x() + r, a.y()), QPointF(a.x() + r, y), QPointF(a.x() + 2 * r, y))
    path.lineTo(QPointF(b.x() - 2 * r, y))
    path.cubicTo(QPointF(b.x() - r, y), QPointF(b.x() - r, b.y()), b)
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

    def is_long(self) -> bool:
        return self.dst_port.scenePos().x() - self.src_port.scenePos().x() > LONG_EDGE

    def update_path(self) -> None:
        self.prepareGeometryChange()
        a, b = self.src_port.scenePos(), self.dst_port.scenePos()
        long = b.x() - a.x() > LONG_EDGE
        lane = self._lane(a, b) if long and self.scene() is not None else None
        self._path = bezier(a, b) if lane is None else routed(a, b, lane)
        # a long edge's label sits just after its source, where it is seen (and where
        # sibling edges of one port share one label)
        mid = self._path.pointAtPercent(self._path.percentAtLength(62) if long else 0.5)
        w = _LABEL_FM.horizontalAdvance(self.label) + 10 if self.label else 0
        self._label_rect = QRectF(mid.x() - w / 2, mid.y() - 8, w, 16)

    def _lane(self, a: QPointF, b: QPointF) -> float | None:
        """A height below (or above) the nodes a straight curve would pass behind, or None."""
        ends = {self.src_port.node_item, self.dst_port.node_item}
        band = QRectF(a.x() + 20, min(a.y(), b.y()) - 4, b.x() - a.x() - 40, abs(b.y() - a.y()) + 8)
        blocking = [
            i.sceneBoundingRect()
            for i in self.scene().items(band)
            if getattr(i, "node_id", None) is not None and hasattr(i, "ports") and i not in ends
        ]
        if not blocking:
            return None
        below = max(r.bottom() for r in blocking) + 14
        above = min(r.top() for r in blocking) - 14
        mean = (a.y() + b.y()) / 2
        return below if below - mean <= mean - above else above

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-4, -4, 4, 4).united(self._label_rect)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        out = stroker.createStroke(self._path)
        out.addRect(self._label_rect)
        return out

    def paint(self, painter, option, widget=None):
        colour = (
            theme.SELECTED
            if self.isSelected()
            else theme.ERROR
            if self.error
            else theme.HOVER
            if self.hovered
            else theme.EDGE
        )
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setBrush(Qt.BrushStyle.NoBrush)  # the view does not save painter state per item
        if lod < FAR:  # far out: a one-pixel curve, no label
            painter.setRenderHint(painter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(colour, 0))
            painter.drawPath(self._path)
            painter.setRenderHint(painter.RenderHint.Antialiasing, True)
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
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
