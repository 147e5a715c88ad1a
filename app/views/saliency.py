"""The "saliency" view: which pixels of the selected test image the network's answer
depends on, by five attribution methods, overlaid on the image.

Maps are asked for (the probe "attribution", engine.probes.attribution), not streamed:
one request at a time, again a few times a second while training so that the map
follows the weights. "Randomised weights" asks for the same map from a copy of the
network with fresh random weights (a sanity check: a map that looks the same does not
show what the network learned). Left and right arrow keys step through test samples.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import signed_rgb
from app.views.asking import SampleAskMixin, classifies_images
from app.views.saving import SavingMenuMixin
from engine.errors import NodeplayError

METHODS = {  # probe name -> what the menu says
    "gradient": "Vanilla gradient",
    "smoothgrad": "SmoothGrad",
    "integrated-gradients": "Integrated Gradients",
    "occlusion": "Occlusion",
    "grad-cam": "Grad-CAM (last convolution)",
}
TITLE_H = 20  # pixels above each panel for its title


def image_rgb(image: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A (C, H, W) image -> (H, W, 3) uint8: grey (dark ink on white) or colour."""
    v = (np.asarray(image, np.float64) - lo) / ((hi - lo) or 1.0)
    v = np.clip(np.nan_to_num(v), 0.0, 1.0)
    if v.shape[0] == 3:
        return (v.transpose(1, 2, 0) * 255).astype(np.uint8)
    grey = ((1.0 - v[0]) * 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def signed_map(attribution: np.ndarray) -> np.ndarray:
    """(C, H, W) attribution -> (H, W) in [-1, 1]: summed over channels, scaled by
    its largest magnitude."""
    m = np.asarray(attribution, np.float64).sum(0)
    top = np.abs(m).max()
    return m / top if top > 0 else m


def overlay(rgb: np.ndarray, signed: np.ndarray) -> np.ndarray:
    """The map's colour over the image, opaque where the map is strong."""
    alpha = np.clip(np.abs(signed), 0, 1)[:, :, None] ** 0.7
    colour = signed_rgb(np.sign(signed), pale=False).astype(np.float64)
    return (rgb * (1 - alpha) + colour * alpha).astype(np.uint8)


def qimage(rgb: np.ndarray) -> QImage:
    rgb = np.ascontiguousarray(rgb, np.uint8)
    h, w, _ = rgb.shape
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class Panels(QWidget):
    """Pictures side by side, each under a title, scaled up without smoothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panels: list[tuple[str, QImage]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 120)
        theme.follow(self, lambda w, _t: w.update(), now=False)

    def set_panels(self, panels: list[tuple[str, QImage]]) -> None:
        self.panels = panels
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        t = theme.current()
        p.fillRect(self.rect(), QColor(t.background))
        n = len(self.panels)
        if n:
            gap = 12.0
            side = min((self.width() - gap * (n + 1)) / n, self.height() - TITLE_H - gap)
            x = (self.width() - n * side - (n - 1) * gap) / 2
            font = QFont(self.font())
            font.setPointSizeF(10)
            p.setFont(font)
            for title, img in self.panels:
                p.setPen(QColor(t.text))
                p.drawText(QRectF(x - gap / 2, 2, side + gap, TITLE_H), Qt.AlignmentFlag.AlignCenter, title)
                box = QRectF(x, TITLE_H + 4, side, side)
                p.drawImage(box, img)
                p.setPen(QColor(t.frame))
                p.drawRect(box)
                x += side + gap
        p.end()


class QtSaliencyView(SampleAskMixin, SavingMenuMixin, QWidget):
    """The registry's "saliency" view."""

    subscriptionsChanged = Signal()
    asked = Signal(str, object)  # probe, arguments: one map wanted
    ASK_PROBE = "attribution"  # and every 0.25 s at most while training (OneAskMixin)
    sampleSelected = Signal(int)
    view_name = "saliency"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.method = QComboBox()
        for name, text in METHODS.items():
            self.method.addItem(text, name)
        self.target = QComboBox()
        self.target.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.method.setToolTip("How the map is computed: from gradients, by occlusion or by Grad-CAM.")
        self.target.setToolTip("The class whose score the map explains.")
        self.randomise = QCheckBox("Randomised weights")
        self.randomise.setToolTip(
            "Sanity check: the same map from a copy of the network with random weights. "
            "A map that still looks alike does not show what the network learned."
        )
        self.status = QLabel()
        self.status.setWordWrap(True)
        theme.follow(self.status, lambda w, t: w.setStyleSheet(f"color: {t.muted};"))
        self.panels = Panels()
        bar = QHBoxLayout()
        for label, widget in (("Method", self.method), ("Class", self.target)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.randomise)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.panels, 1)
        layout.addWidget(self.status)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._forget_asks()
        self.answers = 0  # maps drawn so far
        self.method.currentIndexChanged.connect(lambda _i: self.request())
        self.target.currentIndexChanged.connect(lambda _i: self.request())
        self.randomise.toggled.connect(lambda _on: self.request())

    # -- the registry's view protocol ----------------------------------------------
    def set_project(self, _project, dataset) -> None:
        self._take_dataset(dataset)
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem("Predicted", None)
        for k in range(int(getattr(dataset, "classes", 0) or 0)):
            self.target.addItem(str(k), k)
        self.target.blockSignals(False)
        self.panels.set_panels([])
        self.status.setText("")

    def note_for(self, project, dataset) -> str | None:
        if not classifies_images(project, dataset):
            return (
                "Attribution maps show which pixels a classifier of images looks at; this "
                "project does not classify images. Open one that does, such as digits-cnn."
            )
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {}  # asked for, not streamed

    def show_snapshot(self, snapshot) -> None:
        self._ask_after(snapshot)

    def view_data(self) -> dict:
        if self.value is None:
            return {}
        keys = ("attribution", "image", "sample", "method", "target", "predicted", "label", "randomised")
        return {k: self.value[k] for k in keys if k in self.value}

    def set_method(self, method: str) -> None:
        """Show ``method`` (one of METHODS' names)."""
        i = self.method.findData(method)
        if i < 0:
            raise NodeplayError(
                f"There is no attribution method '{method}'; choose one of {', '.join(METHODS)}."
            )
        self.method.setCurrentIndex(i)

    # -- asking --------------------------------------------------------------------
    def args(self) -> dict:
        return {
            "sample": self.sample,
            "method": self.method.currentData(),
            "target": self.target.currentData(),
            "randomise": self.randomise.isChecked(),
        }

    _ask_args = args

    def _draw(self) -> None:
        v = self.value
        rgb = image_rgb(v["image"], *self._range)
        signed = signed_map(v["attribution"])
        target, predicted = int(v["target"]), int(v["predicted"])
        label = np.asarray(v["label"]).reshape(-1)
        truth = f"label {int(label[0])}, " if label.size == 1 else ""
        self.panels.set_panels(
            [
                (f"Test sample {int(v['sample'])}", qimage(rgb)),
                (f"Map for class {target}", qimage(signed_rgb(signed, pale=False))),
                ("Overlay", qimage(overlay(rgb, signed))),
            ]
        )
        note = " (random weights)" if bool(v["randomised"]) else ""
        delta = f"; completeness gap {float(v['delta']):.3g}" if "delta" in v else ""
        self.status.setText(
            f"{METHODS[str(v['method'])]}{note}: {truth}predicted {predicted} "
            f"({float(v['probabilities'][predicted]):.0%}). Blue raises class {target}'s "
            f"score, orange lowers it{delta}. ← → change the sample."
        )
