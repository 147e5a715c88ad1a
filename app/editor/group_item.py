"""A block: a titled frame behind a group of nodes; dragging its title moves them together."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsItem

from app.editor import theme

_TITLE = theme.font(9, bold=True)
_MARGIN, _TITLE_H = 16.0, 24.0


class GroupItem(QGraphicsItem):
    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.members: list = []  # NodeItems
        self._rect = QRectF()
        self._drag_from: QPointF | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(-5)
        self.setToolTip(f"Block '{name}': drag the title to move it, double-click to rename")

    def set_members(self, members: list) -> None:
        self.members = members
        self.refit()

    def refit(self) -> None:
        rect = QRectF()
        for m in self.members:
            rect = rect.united(m.sceneBoundingRect())
        self.prepareGeometryChange()
        self._rect = rect.adjusted(-_MARGIN, -_MARGIN - _TITLE_H, _MARGIN, _MARGIN)

    def title_rect(self) -> QRectF:
        return QRectF(self._rect.x(), self._rect.y(), self._rect.width(), _TITLE_H)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter, option, widget=None):
        border = theme.SELECTED if self.isSelected() else theme.GROUP_BORDER
        painter.setPen(QPen(border, 2.0 if self.isSelected() else 1.2, Qt.PenStyle.DashLine))
        painter.setBrush(theme.GROUP_FILL)
        painter.drawRoundedRect(self._rect, 10, 10)
        painter.setFont(_TITLE)
        painter.setPen(theme.GROUP_TITLE)
        painter.drawText(
            self.title_rect().adjusted(12, 0, -12, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            self.name,
        )

    # the frame moves its members; the scene turns the finished drag into one MoveNodes
    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.scenePos()
            super().mousePressEvent(event)
            event.accept()
        else:
            event.ignore()

    def mouseMoveEvent(self, event):
        if self._drag_from is None:
            return
        delta = event.scenePos() - self._drag_from
        self._drag_from = event.scenePos()
        for m in self.members:
            m.moveBy(delta.x(), delta.y())
        self.refit()

    def mouseReleaseEvent(self, event):
        self._drag_from = None
        super().mouseReleaseEvent(event)
        self.scene().commit_moves()

    def mouseDoubleClickEvent(self, event):
        self.scene().groupRenameRequested.emit(self.name)
        event.accept()
