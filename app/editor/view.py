"""The canvas view: zoom around the cursor, pan with the middle button or space, box select,
and dropping node types from the palette."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsView

from app.editor import theme as _editor_theme  # noqa: F401 - its colours follow the theme first
from app.look import theme

NODE_MIME = "application/x-nodeplay-node-type"
MIN_ZOOM, MAX_ZOOM = 0.15, 3.0
# a graph opens fitted, but not below the zoom at which a node's smallest text (8 pt) is this
# many pixels high on screen; a long graph then shows its inputs first and pans to the rest
LEGIBLE_PX = 9.0
SMALLEST_PT = 8.0  # node_item._SMALL, the smallest node text (footers, shapes)


def legible_zoom(widget=None) -> float:
    """The lowest zoom at which node text reads (LEGIBLE_PX on screen): about 0.84 at 96 dpi."""
    dpi = widget.logicalDpiY() if widget is not None else 96
    return min(1.0, LEGIBLE_PX / (SMALLEST_PT * dpi / 72))


class GraphView(QGraphicsView):
    typeDropped = Signal(str, QPointF)  # node type, scene position
    nudgeRequested = Signal(float, float)  # arrow keys on the canvas: move the selection
    contextMenuRequested = Signal(QPoint, QPointF)  # global position, scene position
    fitted = Signal(bool)  # after a fit: whether the whole graph shows

    def __init__(self, scene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontSavePainterState
            | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
        )
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan_from = None
        self._space = False
        # a graph set while the view is hidden or not laid out yet is fitted once the
        # viewport has its real size (fitting a 100x30 default viewport centres it wrongly)
        self._fit_pending: float | None = None
        self._settle = QTimer(self, singleShot=True, interval=250)
        self._settle.timeout.connect(self.viewport().update)
        theme.follow(self, GraphView._repaint_all, now=False)

    def _repaint_all(self, _theme=None) -> None:
        """Repaint the canvas and every item in the (new) theme's colours: the background
        and the items are cached as pixmaps."""
        self.resetCachedContent()
        for item in self.scene().items():
            item.update()
        self.viewport().update()

    # -- zoom and pan ------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def paintEvent(self, event):
        # scale(), fitInView() and resetTransform() do not pass through a Python hook, so the
        # zoom-dependent caching is settled here, once per frame (a no-op unless it changes)
        self.scene().set_caching(self._settle.isActive())
        super().paintEvent(event)

    def zoom_by(self, factor: float) -> None:
        factor = max(MIN_ZOOM / self.zoom(), min(MAX_ZOOM / self.zoom(), factor))
        self._settle.start()  # items paint uncached until the zoom holds still
        self.scale(factor, factor)

    def wheelEvent(self, event):
        steps = event.angleDelta().y() / 120.0
        if steps:
            at = event.position()
            under = self.mapToScene(at.toPoint())
            self.zoom_by(1.15**steps)
            # keep the scene point under the cursor where it was (the event's own position,
            # which the built-in anchor does not use)
            now = self.mapFromScene(under)
            self.pan_by(at.x() - now.x(), at.y() - now.y())
        event.accept()

    def pan_by(self, dx: float, dy: float) -> None:
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(dx))
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(dy))

    def fit_when_shown(self, readable: float = MIN_ZOOM) -> None:
        """Fit now if the view is on screen, else at its first resize."""
        self._fit_pending = readable
        if self.isVisible() and self.viewport().width() > 200:
            self.fit(readable)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._fit_pending is not None and self.isVisible():
            self.fit(self._fit_pending)

    def fit(self, readable: float = MIN_ZOOM) -> None:
        """Fit the graph in the view, never above 100% nor below ``readable``.

        Opening a long graph uses a readable floor and shows its inputs (the left end)
        rather than shrinking the text away; F fits everything.
        """
        self._fit_pending = None
        rect = self.scene().itemsBoundingRect()
        if rect.isEmpty():
            return
        self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        zoom = min(1.0, max(readable, self.zoom()))
        if zoom != self.zoom():
            self.resetTransform()
            self.scale(zoom, zoom)
            half = self.viewport().width() / 2 / zoom
            self.centerOn(QPointF(min(rect.center().x(), rect.left() - 30 + half), rect.center().y()))
        shown = self.mapToScene(self.viewport().rect()).boundingRect()
        self.fitted.emit(shown.contains(rect))

    def event(self, event):
        # Space is the window's Play shortcut; on the canvas it is held to pan (Space+drag),
        # so the canvas claims it before the shortcut fires
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and event.key() == Qt.Key.Key_Space
            and not event.modifiers()
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event):
        arrows = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if event.key() in arrows:
            step = 1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 10
            dx, dy = arrows[event.key()]
            self.nudgeRequested.emit(dx * step, dy * step)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Space:  # held: the repeats change nothing
            if not event.isAutoRepeat():
                self._space = True
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event):
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def mousePressEvent(self, event):
        if event.button() == Qt.MouseButton.MiddleButton or (
            self._space and event.button() == Qt.MouseButton.LeftButton
        ):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event):
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.pan_by(delta.x(), delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event):
        if self._pan_from is not None:
            self._pan_from = None
            if self._space:
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def contextMenuEvent(self, event):
        at = self.mapToScene(event.pos())
        item = self.itemAt(event.pos())
        node = item if hasattr(item, "ports") else getattr(item, "node_item", None)
        if node is not None and not node.isSelected():  # right-click acts on what it hits
            self.scene().clearSelection()
            node.setSelected(True)
        self.contextMenuRequested.emit(event.globalPos(), at)
        event.accept()

    # -- palette drops -----------------------------------------------------------
    def dragEnterEvent(self, event):
        if event.mimeData().hasFormat(NODE_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event):
        if event.mimeData().hasFormat(NODE_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event):
        if event.mimeData().hasFormat(NODE_MIME):
            name = bytes(event.mimeData().data(NODE_MIME)).decode()
            self.typeDropped.emit(name, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
        else:
            super().dropEvent(event)
