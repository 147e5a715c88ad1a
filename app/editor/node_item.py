"""A node on the canvas: coloured header, port rows, settings summary, parameter count.

The item mirrors one model node; the scene calls ``set_content`` when the node or its
validation changes and never edits the model from here.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFontMetricsF, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from app.editor import theme
from app.editor.ports import PortItem, paint_dot
from engine.graph.catalogue import node_type

FAR = 0.399  # below this zoom (0.4 less rounding) text is unreadable: nodes and edges draw as plain shapes
_TITLE = theme.font(9.5, bold=True)
_TEXT = theme.font(8.5)
_SMALL = theme.font(8)
_TITLE_FM, _TEXT_FM, _SMALL_FM = QFontMetricsF(_TITLE), QFontMetricsF(_TEXT), QFontMetricsF(_SMALL)


_SHORT = {"kernel": "k", "stride": "s", "padding": "p", "output_padding": "op"}


def summary(node) -> str:
    """The settings in a few words: '16 units', 'tanh', '8 channels · k3 s1 p1', 'x1, x2'."""
    spec = node_type(node.type)
    parts, short = [], []
    for p in spec.params:
        v = node.params.get(p.name)
        if p.name == "init" and v == p.default:
            continue  # the usual initializer is noise on a small node
        if p.kind == "bool":
            if not v:
                parts.append(f"no {p.name}")
        elif p.name in _SHORT:
            short.append(f"{_SHORT[p.name]}{v}")
        elif p.kind == "choice":
            parts.append(str(v))
        elif p.kind == "features":
            parts.append(", ".join(v))
        elif p.kind == "shape":
            parts.append("×".join(map(str, v)))
        elif isinstance(v, float):
            parts.append(f"{p.name} {v:g}")
        else:
            if p.name in ("units", "channels"):
                parts.append(f"{v} {p.name[:-1] if v == 1 else p.name}")
            else:
                parts.append(f"{p.name} {v}")
    if short:
        parts.insert(min(1, len(parts)), " ".join(short))
    return " · ".join(parts)


def _header_path() -> QPainterPath:
    """The header's shape: rounded on top, square where it meets the body."""
    w, r = theme.NODE_WIDTH, theme.RADIUS
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    path.addRoundedRect(QRectF(0, 0, w, theme.HEADER_H), r, r)
    path.addRect(QRectF(0, theme.HEADER_H - r, w, r))
    return path.simplified()


_HEADER = _header_path()


class NodeItem(QGraphicsItem):
    def __init__(self, node_id: str, type_name: str):
        super().__init__()
        self.node_id, self.type_name = node_id, type_name
        spec = node_type(type_name)
        self.colour = theme.category_colour(spec.category)
        optional = set(getattr(spec, "optional_inputs", ()))
        self.inputs = [PortItem(self, p.name, p.kind, False, p.name in optional) for p in spec.inputs]
        self.outputs = [PortItem(self, p.name, p.kind, True) for p in spec.outputs]
        self.ports = {("in", p.name): p for p in self.inputs} | {("out", p.name): p for p in self.outputs}
        self.title, self.summary, self.count, self.error = type_name, "", None, None
        self.thumb = None
        self.linked: set[tuple[str, str]] = set()  # ("in"|"out", port) with an edge
        self.hovered = False
        self.edges: list = []  # EdgeItems attached, kept by the scene
        self._height = 0.0
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        # nodes redraw from a pixmap while panning; only content changes repaint them
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(2)
        self._layout()

    # -- content -----------------------------------------------------------------
    def set_content(
        self, title: str, summary_text: str, count: int | None, error: str | None, linked: set
    ) -> bool:
        """Update what the node shows; returns whether anything changed."""
        new = (title, summary_text, count, error, frozenset(linked))
        if new == (self.title, self.summary, self.count, self.error, frozenset(self.linked)):
            return False
        self.title, self.summary, self.count, self.error = title, summary_text, count, error
        self.linked = set(linked)
        self.setToolTip(error or node_type(self.type_name).doc)
        self.update()
        return True

    def set_thumbnail(self, pixmap) -> None:
        if (pixmap is None) != (self.thumb is None):
            self.prepareGeometryChange()
            self.thumb = pixmap
            self._layout()
        self.thumb = pixmap
        self.update()

    def connected(self, port: str, is_output: bool) -> bool:
        return ("out" if is_output else "in", port) in self.linked

    def _rows(self) -> int:
        return max(len(self.inputs), len(self.outputs), 1)

    def _layout(self) -> None:
        top = theme.HEADER_H + 4
        for i, p in enumerate(self.inputs):
            p.setPos(0, top + (i + 0.5) * theme.ROW_H)
        for i, p in enumerate(self.outputs):
            p.setPos(theme.NODE_WIDTH, top + (i + 0.5) * theme.ROW_H)
        self._height = (
            top + self._rows() * theme.ROW_H + (theme.THUMB_H + 4 if self.thumb else 0) + theme.FOOTER_H
        )

    def size(self) -> tuple[float, float]:
        return float(theme.NODE_WIDTH), self._height

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, theme.NODE_WIDTH + 4, self._height + 4)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, theme.NODE_WIDTH, self._height), theme.RADIUS, theme.RADIUS)
        return path

    # -- drawing -----------------------------------------------------------------
    def paint(self, painter, option: QStyleOptionGraphicsItem, widget=None):
        w, h, r = theme.NODE_WIDTH, self._height, theme.RADIUS
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        body = QRectF(0, 0, w, h)
        selected = self.isSelected()
        border = (
            theme.SELECTED
            if selected
            else theme.ERROR
            if self.error
            else theme.HOVER
            if self.hovered
            else theme.NODE_BORDER
        )
        if lod < FAR:  # far out: a plain box and its header, cheap enough to skip the cache
            painter.setRenderHint(painter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(border, 0 if not (selected or self.error) else 3 / lod))
            painter.setBrush(theme.NODE_BODY)
            painter.drawRect(body)
            painter.fillRect(QRectF(0, 0, w, theme.HEADER_H), self.colour)
            if self.thumb is not None:  # what flows out stays visible in the overview
                y = theme.HEADER_H + 4 + self._rows() * theme.ROW_H
                painter.drawPixmap(QPointF((w - self.thumb.width()) / 2, y), self.thumb)
            painter.setRenderHint(painter.RenderHint.Antialiasing, True)
            return
        painter.setPen(QPen(border, 2.2 if selected or self.error else 1.2))
        painter.setBrush(QBrush(theme.NODE_BODY))
        painter.drawRoundedRect(body, r, r)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colour)
        painter.drawPath(_HEADER)
        for p in self.ports.values():
            paint_dot(painter, p.pos(), p.kind, p.hollow())
        painter.setPen(theme.HEADER_TEXT)
        painter.setFont(_TITLE)
        right = w - (26 if self.error else 8)
        title = _TITLE_FM.elidedText(self.title, Qt.TextElideMode.ElideRight, right - 8)
        painter.drawText(
            QRectF(8, 0, right - 8, theme.HEADER_H),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            title,
        )
        if self.error:
            self._badge(painter, QPointF(w - 13, theme.HEADER_H / 2))
        painter.setFont(_TEXT)
        painter.setPen(theme.TEXT)
        for p in self.inputs:
            painter.drawText(
                QRectF(10, p.y() - 9, w / 2 - 10, 18),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                p.name,
            )
        for p in self.outputs:
            painter.drawText(
                QRectF(w / 2, p.y() - 9, w / 2 - 10, 18),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                p.name,
            )
        y = theme.HEADER_H + 4 + self._rows() * theme.ROW_H
        if self.thumb is not None:
            tw = self.thumb.width()
            painter.drawPixmap(QPointF((w - tw) / 2, y), self.thumb)
            y += theme.THUMB_H + 4
        painter.setPen(QPen(theme.NODE_BORDER, 0.8))
        painter.drawLine(QPointF(6, y), QPointF(w - 6, y))
        painter.setFont(_SMALL)
        painter.setPen(theme.TEXT_DIM)
        count = f"{self.count:,} params" if self.count else ""
        cw = _SMALL_FM.horizontalAdvance(count) + (6 if count else 0)
        text = _SMALL_FM.elidedText(self.summary, Qt.TextElideMode.ElideRight, w - 16 - cw)
        box = QRectF(8, y, w - 16, theme.FOOTER_H)
        painter.drawText(box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        if count:
            painter.setPen(theme.TEXT)
            painter.drawText(box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, count)

    @staticmethod
    def _badge(painter, centre: QPointF):
        painter.setPen(QPen(theme.NODE_BODY, 1.5))
        painter.setBrush(theme.ERROR)
        painter.drawEllipse(centre, 8, 8)
        painter.setFont(theme.font(9, bold=True))
        painter.setPen(theme.NODE_BODY)
        painter.drawText(QRectF(centre.x() - 8, centre.y() - 8, 16, 16), Qt.AlignmentFlag.AlignCenter, "!")

    # -- interaction -------------------------------------------------------------
    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged and self.scene():
            self.scene().node_moved(self)
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.update()
        return super().itemChange(change, value)

    def hoverEnterEvent(self, event):
        self.hovered = True
        self.update()

    def hoverLeaveEvent(self, event):
        self.hovered = False
        self.update()

    def mouseDoubleClickEvent(self, event):
        if self.scene():
            self.scene().nodeOpened.emit(self.node_id)
        event.accept()
