"""The "receptive-field" view: one unit of an image-shaped layer and the input pixels it
sees, for the selected test sample. Left, the chosen channel's feature map: click a
unit to choose it. Right, the sample with the unit's theoretical receptive field (the
box the kernels, strides and paddings allow, dashed) and its effective field (where
the gradient of the unit's activation with respect to the input is, in blue).

The worker computes both (probe "receptive_field", engine.probes.receptive_field).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSpinBox, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import BLUE
from app.views.choices import LayerChoiceMixin, SelectedSampleMixin
from app.views.feature_maps import image_layer_names
from app.views.image_tiles import rgb_image, signed_image
from app.views.sample_grid import picture
from app.views.saving import SavingMenuMixin
from app.views.style import layer_bar

PROBE = "receptive_field"


def field_overlay(effective: np.ndarray) -> QImage:
    """|gradient| (H, W) as blue whose opacity grows with it (ARGB, premultiplied)."""
    e = np.nan_to_num(np.asarray(effective, np.float64))
    top = float(e.max())
    alpha = np.sqrt(e / top) if top > 0 else np.zeros_like(e)  # faint pixels still show
    rgb = np.array(BLUE, np.float64)
    argb = np.zeros((*e.shape, 4), np.uint8)
    a = (alpha * 200).astype(np.uint8)
    argb[..., 3] = a
    for i, c in enumerate(rgb[::-1]):  # BGRA in memory on little-endian machines
        argb[..., i] = (c * a / 255).astype(np.uint8)
    h, w = e.shape
    data = np.ascontiguousarray(argb)
    return QImage(data.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied).copy()


def _channel_counts(project, dataset, names: list[str]) -> dict[str, int]:
    from engine.graph.validate import validate

    values = validate(project.graph, dataset.spec).values
    return {n: int(values[(n, "out")].shape[0]) for n in names}


class PixelPanel(QWidget):
    """A picture of ``rows`` × ``cols`` pixels drawn as large as fits, with an optional
    overlay, a dashed box and a marked cell (pixel coordinates); a click says which
    pixel (row, col) it fell on."""

    clicked = Signal(int, int)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.image: QImage | None = None
        self.overlay: QImage | None = None
        self.box: tuple[float, float, float, float] | None = None  # top, left, bottom, right
        self.cell: tuple[int, int] | None = None
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        theme.follow(self, lambda w, _t: w.update(), now=False)

    def show_picture(self, image: QImage, overlay=None, box=None, cell=None) -> None:
        self.image, self.overlay, self.box, self.cell = image, overlay, box, cell
        self.update()

    def picture_rect(self) -> QRectF:
        if self.image is None:
            return QRectF()
        w, h = self.image.width(), self.image.height()
        side = min((self.width() - 8) / w, (self.height() - 28) / h)
        return QRectF((self.width() - w * side) / 2, 22, w * side, h * side)

    def pixel_at(self, pos: QPointF) -> tuple[int, int] | None:
        r = self.picture_rect()
        if self.image is None or not r.contains(pos):
            return None
        col = int((pos.x() - r.left()) / r.width() * self.image.width())
        row = int((pos.y() - r.top()) / r.height() * self.image.height())
        return min(row, self.image.height() - 1), min(col, self.image.width() - 1)

    def pixel_rect(self, top: float, left: float, bottom: float, right: float) -> QRectF:
        """The screen rectangle of pixels top..bottom, left..right (inclusive)."""
        r = self.picture_rect()
        sx, sy = r.width() / self.image.width(), r.height() / self.image.height()
        return QRectF(
            r.left() + left * sx,
            r.top() + top * sy,
            (right - left + 1) * sx,
            (bottom - top + 1) * sy,
        )

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        hit = self.pixel_at(event.position())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(*hit)
            event.accept()
            return
        super().mousePressEvent(event)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        t = theme.current()
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(t.background))
        p.setPen(QColor(t.text))
        p.drawText(QRectF(0, 0, self.width(), 20), Qt.AlignmentFlag.AlignCenter, self.title)
        if self.image is not None:
            r = self.picture_rect()
            p.drawImage(r, self.image)
            if self.overlay is not None:
                p.drawImage(r, self.overlay)
            p.setPen(QPen(QColor(t.frame), 1))
            p.drawRect(r)
            if self.box is not None:
                pen = QPen(QColor(t.text), 2, Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawRect(self.pixel_rect(*self.box))
            if self.cell is not None:
                p.setPen(QPen(QColor(t.text), 3))
                row, col = self.cell
                p.drawRect(self.pixel_rect(row, col, row, col))
        p.end()


class QtReceptiveFieldView(LayerChoiceMixin, SelectedSampleMixin, SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = "receptive-field"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo, self.caption, top = layer_bar("The layer whose unit is shown")
        self.combo.currentTextChanged.connect(self._layer_chosen)
        self.channel = QSpinBox()
        self.channel.setToolTip("The channel of the layer")
        self.channels: dict[str, int] = {}  # layer -> its channels
        self.channel.valueChanged.connect(self._channel_chosen)
        top.insertWidget(2, QLabel("channel"))
        top.insertWidget(3, self.channel)
        self.caption.setWordWrap(True)
        self.map_panel = PixelPanel("Feature map: click a unit")
        self.map_panel.clicked.connect(self.set_position)
        self.input_panel = PixelPanel("Input")
        body = QHBoxLayout()
        body.addWidget(self.map_panel, 1)
        body.addWidget(self.input_panel, 1)
        self.legend = QLabel(
            "Dashed: the theoretical receptive field (kernel sizes, strides, padding). "
            "Blue: the effective field, |∂ unit / ∂ pixel| on this sample."
        )
        self.legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addWidget(self.legend)
        self.position: tuple[int, int] | None = None  # None: the centre unit
        self.value: dict | None = None

    # -- the registry's view protocol ---------------------------------------------------
    def set_project(self, project, dataset) -> None:
        names = image_layer_names(project, dataset)
        self.channels = _channel_counts(project, dataset, names)
        self.fill_layers(names, keep=True)
        self._fit_channel()
        self.keep_labels(dataset)
        self.position = None
        self._clear()
        self.subscriptionsChanged.emit()

    def note_for(self, project, dataset) -> str | None:
        if not image_layer_names(project, dataset):
            return (
                "No layer of this network outputs images (channels × height × width), so no unit has a field."
            )
        return None

    def set_position(self, row: int, col: int) -> None:
        """Choose unit (row, col) of the feature map."""
        self.position = (int(row), int(col))
        if self.value is not None:  # mark it at once; the field follows with the answer
            self._draw_map()
        self.subscriptionsChanged.emit()

    def subscriptions(self) -> dict[str, dict]:
        if not self.layer():
            return {}
        args = {"layer": self.layer(), "channel": self.channel.value(), "sample": self.sample}
        args["position"] = list(self.position) if self.position is not None else None
        return {PROBE: args}

    def show_snapshot(self, snapshot) -> None:
        v = snapshot.probes.get(PROBE)
        if v is None:
            return
        mine = v["layer"] == self.layer() and int(v["channel"]) == self.channel.value()
        where = tuple(int(i) for i in v["position"])
        if not mine or int(v["sample"]) != self.sample or (self.position not in (None, where)):
            return  # an older answer, for another unit or sample
        self.value = v
        self._draw()

    def view_data(self) -> dict:
        if self.value is None:
            return {}
        v = self.value
        keys = ("image", "map", "box", "size", "jump", "effective", "effective_box", "position")
        return {**{k: v[k] for k in keys}, "channel": np.array(v["channel"]), "sample": np.array(v["sample"])}

    # -- drawing --------------------------------------------------------------------
    def _draw(self) -> None:
        v = self.value
        self._draw_map()
        top, left, bottom, right = (float(b) for b in v["box"])
        self.input_panel.show_picture(
            picture(np.asarray(v["image"])), field_overlay(v["effective"]), (top, left, bottom, right)
        )
        label = self.sample_label()
        label = f" ({label})" if label is not None else ""
        self.input_panel.title = f"Input: test sample {self.sample}{label}"
        rows, cols = (int(s) for s in v["size"])
        eff = v["effective_box"]
        used = (
            "no pixel moves it on this sample"
            if np.isnan(eff).any()
            else f"{int(eff[2] - eff[0] + 1)}×{int(eff[3] - eff[1] + 1)} pixels move it on this sample"
        )
        self.caption.setText(f"theoretical field {rows}×{cols} pixels; {used}.")

    def _draw_map(self) -> None:
        v = self.value
        m = np.asarray(v["map"])
        row, col = (
            self.position if self.position is not None else (int(v["position"][0]), int(v["position"][1]))
        )
        img = signed_image(m) if m.size else rgb_image(np.zeros((1, 1, 3), np.uint8))
        self.map_panel.title = f"{v['layer']}, channel {int(v['channel'])}: unit ({row}, {col}) chosen"
        self.map_panel.show_picture(img, cell=(row, col))

    def _fit_channel(self) -> None:
        self.channel.blockSignals(True)
        self.channel.setMaximum(max(0, self.channels.get(self.layer() or "", 1) - 1))
        self.channel.blockSignals(False)

    def _layer_chosen(self, _text: str) -> None:
        self._fit_channel()
        self.position = None
        self._clear()
        self.subscriptionsChanged.emit()

    def _channel_chosen(self, _value: int) -> None:
        self.subscriptionsChanged.emit()

    def _clear(self) -> None:
        self.value = None
        self.map_panel.show_picture(None)
        self.input_panel.show_picture(None)
        self.caption.setText("")
