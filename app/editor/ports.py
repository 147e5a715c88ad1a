"""Port dots on a node: where edges start and end, and where a connection drag begins."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsItem

from app.editor import theme


class PortItem(QGraphicsItem):
    """One input or output port; a child of its node, drawn as a dot on the node's edge."""

    def __init__(self, node_item, name: str, kind: str, is_output: bool, optional: bool = False):
        super().__init__(node_item)
        self.node_item, self.name, self.kind = node_item, name, kind
        self.is_output, self.optional = is_output, optional
        self.state = ""  # "" | "compatible" | "refused" | "target": highlight during a drag
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(1)
        self._hover = False
        self.setToolTip(f"{'output' if is_output else 'input'} '{name}' ({kind})"
                        + (", optional" if optional else ""))

    @property
    def node_id(self) -> str:
        return self.node_item.node_id

    def boundingRect(self) -> QRectF:
        r = theme.PORT_R + 4  # a generous hit area around the dot
        return QRectF(-r, -r, 2 * r, 2 * r)

    def scene_anchor(self) -> QPointF:
        return self.scenePos()

    def set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.update()

    def paint(self, painter, option, widget=None):
        r = theme.PORT_R + (1.5 if self._hover or self.state == "target" else 0)
        colour = theme.port_colour(self.kind)
        ring = QColor(theme.NODE_BODY)
        if self.state in ("compatible", "target"):
            ring = theme.OK_PORT
        elif self.state == "refused":
            ring = theme.ERROR
        painter.setPen(QPen(ring, 2.0 if self.state else 1.5))
        hollow = self.optional and not self.node_item.connected(self.name, self.is_output)
        painter.setBrush(QBrush(theme.NODE_BODY if hollow else colour))
        if hollow:
            painter.setPen(QPen(colour if not self.state else ring, 1.8))
        painter.drawEllipse(QRectF(-r, -r, 2 * r, 2 * r))

    def hoverEnterEvent(self, event):
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event):
        self._hover = False
        self.update()

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
