"""Port dots on a node: where edges start and end, and where a connection drag begins."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsItem

from app.editor import theme


def paint_dot(painter, centre, kind: str, hollow: bool, ring=None, big: bool = False) -> None:
    """A port's dot: filled with its kind's colour, hollow for an optional unconnected input."""
    r = theme.PORT_R + (1.5 if big else 0)
    colour = theme.port_colour(kind)
    painter.setPen(QPen(ring or (colour if hollow else theme.NODE_BODY), 2.0 if ring else 1.5))
    painter.setBrush(QBrush(theme.NODE_BODY if hollow else colour))
    painter.drawEllipse(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r))


class PortItem(QGraphicsItem):
    """One input or output port; a child of its node, and the place a connection drag starts.

    The node draws the resting dot into its cached picture; this item only paints while it
    is hovered or highlighted during a drag (otherwise Qt skips it), which keeps hundreds
    of ports from costing a Python call each per frame.
    """

    def __init__(self, node_item, name: str, kind: str, is_output: bool, optional: bool = False):
        super().__init__(node_item)
        self.node_item, self.name, self.kind = node_item, name, kind
        self.is_output, self.optional = is_output, optional
        self.state = ""  # "" | "compatible" | "refused" | "target": highlight during a drag
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(1)
        self._hover = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        self.setToolTip(
            f"{'output' if is_output else 'input'} '{name}' ({kind})" + (", optional" if optional else "")
        )

    @property
    def node_id(self) -> str:
        return self.node_item.node_id

    def boundingRect(self) -> QRectF:
        r = theme.PORT_R + 4  # a generous hit area around the dot
        return QRectF(-r, -r, 2 * r, 2 * r)

    def scene_anchor(self) -> QPointF:
        return self.scenePos()

    def hollow(self) -> bool:
        return self.optional and not self.node_item.connected(self.name, self.is_output)

    def set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self._refresh()

    def _refresh(self) -> None:
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, not (self.state or self._hover))
        self.update()

    def paint(self, painter, option, widget=None):
        ring = {"compatible": theme.OK_PORT, "target": theme.OK_PORT, "refused": theme.ERROR}.get(
            self.state, QColor(theme.HOVER) if self._hover else None
        )
        paint_dot(
            painter, QPointF(0, 0), self.kind, self.hollow(), ring, big=self._hover or self.state == "target"
        )

    def hoverEnterEvent(self, event):
        self._hover = True
        self._refresh()

    def hoverLeaveEvent(self, event):
        self._hover = False
        self._refresh()

    # a drag from a port draws a new connection; the scene runs it
    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton:
            self.scene().begin_connection(self, event.scenePos())
            event.accept()
        else:
            event.ignore()

    def mouseMoveEvent(self, event):
        self.scene().drag_connection(event.scenePos())

    def mouseReleaseEvent(self, event):
        self.scene().end_connection(event.scenePos())
