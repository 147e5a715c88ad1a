"""The network diagram's pieces: a neuron's map, a weight's line, a residual skip, the
canvas that fits them and the inline value editor (app.views.network_view lays them out)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDoubleValidator,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLineEdit,
    QToolTip,
    QWidget,
)

from app.look import theme
from app.look.colours import FIELD_LUT
from app.views.weight_lines import HIT_WIDTH, WeightItem, weight_pen  # noqa: F401 - re-exported

NEURON_MAP_SIZE = 24  # the neuron maps' resolution the network view subscribes to
NOTE = "This network is not a plain layered perceptron; open it in the node editor."

BOX = 40.0  # a neuron's square, in scene pixels
ROW = 54.0  # vertical distance between neurons of a column
COLUMN = 130.0  # horizontal distance between columns
HEADER = 34.0  # room above the tallest column for the headers
HEADER_PX, LABEL_PX = 13, 12  # text heights in screen pixels, kept at any zoom
MAX_SCALE = 1.6  # the diagram grows with the widget up to this zoom
SKIP_DROP = 30.0  # how far a residual skip's curve dips below its two columns
SKIP_COLOUR = QColor(140, 140, 140)

BOUNDED = {"tanh", "sigmoid", "step", "sine"}  # outputs within [-1, 1]: no rescaling
_LUT = FIELD_LUT  # (256, 3): the boundary view's colours for the same values
_FEATURE_FORMULAS = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin x1": lambda x1, x2: np.sin(x1),
    "sin x2": lambda x1, x2: np.sin(x2),
}
_FEATURE_LABELS = {
    "x1": "X₁",
    "x2": "X₂",
    "x1^2": "X₁²",
    "x2^2": "X₂²",
    "x1*x2": "X₁X₂",
    "sin x1": "sin(X₁)",
    "sin x2": "sin(X₂)",
}


def scaled_field(values: np.ndarray, how: str) -> np.ndarray:
    """A map of raw outputs as values in [-1, 1] for the colour map.

    ``how``: "clip" (tanh-like outputs), "logit" (a BCE head: 2·sigmoid - 1, as the
    boundary view shows it) or "maxabs" (unbounded outputs, scaled symmetrically so
    that 0 stays white)."""
    v = np.asarray(values, np.float32)
    if how == "logit":
        return np.tanh(v / 2)
    if how == "maxabs":
        m = float(np.nanmax(np.abs(v))) if v.size else 0.0
        return v / m if m > 1e-12 else np.zeros_like(v)
    return np.clip(v, -1.0, 1.0)


def field_rgb(field: np.ndarray) -> np.ndarray:
    """(h, w) values in [-1, 1] -> (h, w, 3) uint8 colours, rows flipped so that y
    points up (row 0 of the probes is the bottom of the plane)."""
    idx = np.clip(np.nan_to_num((field + 1.0) * 127.5), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(_LUT[idx[::-1]])


def show_maps(neurons: list, maps: np.ndarray, how: str) -> None:
    """Show (units, h, w) raw maps on a column's neurons, their colours computed in one
    numpy pass for the column (per neuron, this was most of a snapshot's cost)."""
    v = np.asarray(maps, np.float32)
    if how == "logit":
        v = np.tanh(v / 2)
    elif how == "maxabs":  # each map scaled on its own, as scaled_field does
        m = np.nanmax(np.abs(v), axis=(1, 2), keepdims=True) if v.size else np.ones((len(v), 1, 1))
        v = np.where(m > 1e-12, v / np.where(m > 1e-12, m, 1.0), 0.0)
    else:
        v = np.clip(v, -1.0, 1.0)
    idx = np.clip(np.nan_to_num((v + 1.0) * 127.5), 0, 255).astype(np.uint8)
    rgb = _LUT[idx[:, ::-1]]
    for item, values, colours in zip(neurons, maps, rgb, strict=True):
        item.show_rgb(values, np.ascontiguousarray(colours))


def feature_maps(features: list[str], extent: float, size: int) -> np.ndarray:
    """(len(features), size, size) values of the input features over the plane, in
    the probes' layout (row i is y ascending, column j x ascending)."""
    axis = np.linspace(-extent, extent, size, dtype=np.float32)
    x2, x1 = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([_FEATURE_FORMULAS[f](x1, x2) for f in features]).astype(np.float32)


@dataclass
class _Column:
    node_id: str  # whose map the boxes show and what neuronHovered reports
    dense_id: str | None  # the Dense node whose bias the boxes have (None for inputs)
    units: int
    scale: str  # "clip", "logit" or "maxabs"
    header: str
    labels: list[str] = field(default_factory=list)
    neurons: list[NeuronItem] = field(default_factory=list)
    label_items: list = field(default_factory=list)
    header_item: QGraphicsSimpleTextItem | None = None


class NeuronItem(QGraphicsPixmapItem):
    """One neuron: its map as a BOX-sized image with a frame. ``values`` holds the raw
    map last shown, ``rgb`` the colours drawn."""

    def __init__(self, view, node_id: str, unit: int, dense_id: str | None):
        super().__init__()
        self.view, self.node_id, self.unit, self.dense_id = view, node_id, unit, dense_id
        self.values: np.ndarray | None = None
        self.rgb: np.ndarray | None = None
        self.bias: float | None = None
        self._side = int(BOX)  # the side of the map shown, in pixels (the blank: BOX)
        self.setAcceptHoverEvents(True)
        self.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self.frame = QGraphicsRectItem(0, 0, BOX, BOX, self)
        self.frame.setPen(QPen(QColor("#777"), 1.0))
        self.frame.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.frame.setAcceptHoverEvents(False)
        blank = QPixmap(int(BOX), int(BOX))
        blank.fill(QColor(245, 245, 245))
        self.setPixmap(blank)

    @property
    def bias_key(self) -> str | None:
        return f"layers.{self.dense_id}.bias" if self.dense_id else None

    def set_map(self, values: np.ndarray, scale: str) -> None:
        self.show_rgb(values, field_rgb(scaled_field(values, scale)))

    def show_rgb(self, values: np.ndarray, rgb: np.ndarray) -> None:
        self.values, self.rgb = values, rgb
        h, w, _ = self.rgb.shape
        image = QImage(self.rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        self.setPixmap(QPixmap.fromImage(image))  # copies, so rgb may be freed
        if max(h, w) != self._side:  # S-GUI: rescaled only when the map's size changes
            self._side = max(h, w)
            self.setScale(BOX / self._side)
            self.frame.setScale(self._side / BOX)

    def tooltip(self) -> str:
        if self.dense_id is None:
            return f"input {self.view.feature_label(self.unit)}"
        head = "output" if self.node_id == self.view.output_id else f"{self.node_id} unit {self.unit + 1}"
        bias = "—" if self.bias is None else f"{self.bias:.4g}"
        return f"{head}\nbias {bias}\n(click to edit the bias)"

    def hoverEnterEvent(self, event) -> None:
        self.frame.setPen(QPen(QColor(theme.current().text), 2.0))
        self.view.neuronHovered.emit(self.node_id, self.unit)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.frame.setPen(QPen(QColor("#777"), 1.0))
        self.view.neuronHovered.emit("", -1)
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.bias_key:
            self.view.open_editor(self.bias_key, (self.unit,), self.bias, event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)


class ResidualItem(QGraphicsPathItem):
    """A residual skip of hidden layer ``layer`` (1-based): a dashed grey curve under
    the layer, from its input's column to its own, with an arrow head. It carries no
    weight: the Add node sums the layer's input and output unchanged."""

    def __init__(self, layer: int) -> None:
        super().__init__()
        self.layer = layer
        pen = QPen(SKIP_COLOUR, 1.6, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)
        self.setAcceptHoverEvents(True)

    def place(self, a: QPointF, b: QPointF) -> None:
        """Curve from ``a`` (under the input column) to ``b`` (under the layer's)."""
        dip = max(a.y(), b.y()) + SKIP_DROP
        path = QPainterPath(a)
        path.cubicTo(QPointF(a.x(), dip), QPointF(b.x(), dip), b)
        head = 6.0  # the arrow's head, pointing up into the layer's column
        path.moveTo(b.x() - head * 0.6, b.y() + head)
        path.lineTo(b)
        path.lineTo(b.x() + head * 0.6, b.y() + head)
        self.prepareGeometryChange()
        self.setPath(path)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(HIT_WIDTH)
        return stroker.createStroke(self.path())

    def tooltip(self) -> str:
        return f"residual: adds layer {self.layer}'s input to its output"


class DiagramScene(QGraphicsScene):
    """The diagram's scene: shows the items' tooltips, written when asked so that
    snapshots stay cheap. Only the tooltip hook is Python: an override of the view's
    events (viewportEvent) would run Python, holding the GIL the training worker
    needs, on every paint event."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # S-GUI: every neuron's pixmap changes each frame, and each change would move it
        # in a BSP index; a few hundred items are found as fast without one
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)

    def helpEvent(self, event) -> None:
        view = next((v for v in self.views() if v.viewport() is event.widget()), None)
        item = self.itemAt(event.scenePos(), view.transform()) if view is not None else None
        while item is not None and not hasattr(item, "tooltip"):
            item = item.parentItem()
        if item is not None:
            QToolTip.showText(event.screenPos(), item.tooltip(), event.widget())
        else:
            QToolTip.hideText()
        event.accept()


class DiagramCanvas(QGraphicsView):
    """The scene's view: fits the diagram (zooming up to MAX_SCALE)."""

    def __init__(self, scene: QGraphicsScene, parent) -> None:
        super().__init__(scene, parent)
        self.parent_view = parent
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setMouseTracking(True)
        theme.follow(self, lambda w, t: w.setBackgroundBrush(QBrush(QColor(t.background))))
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def fit(self) -> None:
        # the size without scroll bars: fitting to the viewport itself ping-pongs forever
        # when a bar appears (it shrinks the viewport, the refit hides it, and so on)
        vp = self.maximumViewportSize()
        self.parent_view._fit_columns(vp.width(), vp.height())
        rect = self.scene().itemsBoundingRect().adjusted(-8, -8, 8, 8)
        self.setSceneRect(rect)
        if rect.isEmpty():
            return
        zoom = min(vp.width() / rect.width(), vp.height() / rect.height(), MAX_SCALE)
        zoom = max(zoom, 0.35)
        self.resetTransform()
        self.scale(zoom, zoom)
        self.centerOn(rect.center())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()


class ValueEditor(QLineEdit):
    """The inline value editor: Enter accepts, Escape or leaving cancels."""

    def __init__(self, parent: QWidget, accept) -> None:
        super().__init__(parent)
        self._accept = accept
        self.setValidator(QDoubleValidator(-1e6, 1e6, 6, self))
        self.setFixedWidth(90)
        theme.follow(
            self,
            lambda w, t: w.setStyleSheet(
                f"QLineEdit {{ background: {t.background}; color: {t.text}; "
                "border: 1px solid #0877bd; padding: 1px 3px; }"
            ),
        )
        self.returnPressed.connect(self._accept)
        self.hide()

    def open_at(self, text: str, tip: str, at: QPoint) -> None:
        """Show ``text`` selected for typing, just above and right of ``at`` (parent
        coordinates), kept inside the parent."""
        self.setText(text)
        self.setToolTip(tip)
        area, h = self.parentWidget(), self.sizeHint().height()
        x = min(max(at.x() + 6, 0), max(area.width() - self.width(), 0))
        y = min(max(at.y() - h - 4, 0), max(area.height() - h, 0))
        self.move(x, y)
        self.show()
        self.raise_()
        self.setFocus()
        self.selectAll()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.hide()
