"""The "adversarial" view: the selected test image pushed by the fast gradient sign
method (engine.probes.adversarial) with the ε of a slider: the image, the
perturbation, the attacked image with the network's new answer, and the curve of
test accuracy against ε.

The attacked sample is asked for (the probe "fgsm") when the slider or the sample
changes and a few times a second while training; the curve is streamed (the probe
"fgsm_curve", at most once a second). Left and right arrow keys step through samples.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import TEST_LINE, signed_rgb
from app.views.asking import SampleAskMixin, classifies_images
from app.views.saliency import Panels, image_rgb, qimage
from app.views.saving import SavingMenuMixin
from app.views.style import plot_widget, restyle_plot

STEPS = 30  # slider positions: ε from 0 to 0.30 by 0.01


class QtAdversarialView(SampleAskMixin, SavingMenuMixin, QWidget):
    """The registry's "adversarial" view."""

    subscriptionsChanged = Signal()
    asked = Signal(str, object)
    ASK_PROBE = "fgsm"  # and every 0.25 s at most while training (OneAskMixin)
    sampleSelected = Signal(int)
    view_name = "adversarial"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, STEPS)
        self.slider.setValue(10)
        self.slider.setPageStep(5)
        self.slider.setToolTip("ε: how far each pixel may be nudged to fool the network.")
        self.eps_label = QLabel()
        self.panels = Panels()
        self.status = QLabel()
        self.status.setWordWrap(True)
        theme.follow(self.status, lambda w, t: w.setStyleSheet(f"color: {t.muted};"))
        self.plot = plot_widget("Test accuracy under attack", "ε (share of the data's range)", "accuracy")
        self.plot.setMenuEnabled(False)
        self.plot.getPlotItem().setYRange(0, 1)
        self.curve = self.plot.plot([], [], pen=pg.mkPen(TEST_LINE, width=2), symbol="o", symbolSize=6)
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen((150, 150, 150), style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.marker)
        theme.follow(self.plot, restyle_plot, now=False)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("ε"))
        bar.addWidget(self.slider, 1)
        bar.addWidget(self.eps_label)
        top = QHBoxLayout()
        top.addWidget(self.panels, 3)
        top.addWidget(self.plot, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addLayout(top, 1)
        layout.addWidget(self.status)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.curve_value: dict | None = None
        self._forget_asks()
        self.answers = 0  # attacks drawn so far
        self.slider.valueChanged.connect(self._slid)
        self._slid(self.slider.value())

    def epsilon(self) -> float:
        return self.slider.value() / 100

    def _slid(self, _value: int) -> None:
        self.eps_label.setText(f"{self.epsilon():.2f}")
        self.marker.setValue(self.epsilon())
        self.request()

    # -- the registry's view protocol ----------------------------------------------
    def set_project(self, _project, dataset) -> None:
        self._take_dataset(dataset)
        self.curve_value = None
        self.panels.set_panels([])
        self.curve.setData([], [])
        self.status.setText("")

    def note_for(self, project, dataset) -> str | None:
        if not classifies_images(project, dataset):
            return (
                "Adversarial examples fool a classifier of images; this project does not classify "
                "images. Open one that does, such as digits-cnn."
            )
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {"fgsm_curve": {}}

    def show_snapshot(self, snapshot) -> None:
        curve = snapshot.probes.get("fgsm_curve")
        if curve is not None:
            self.curve_value = curve
            self.curve.setData(np.asarray(curve["epsilons"]), np.asarray(curve["accuracy"]))
        self._ask_after(snapshot)

    def view_data(self) -> dict:
        data = {}
        if self.value is not None:
            data.update(self.value)
        if self.curve_value is not None:
            data.update(
                curve_epsilons=self.curve_value["epsilons"], curve_accuracy=self.curve_value["accuracy"]
            )
        return data

    # -- asking --------------------------------------------------------------------
    def _ask_args(self) -> dict:
        return {"sample": self.sample, "epsilon": self.epsilon()}

    def _draw(self) -> None:
        v = self.value
        lo, hi = self._range
        eps = float(v["epsilon"])
        before, after = int(v["predicted"]), int(v["adversarial_predicted"])
        pert = np.asarray(v["perturbation"], np.float64).sum(0) / ((eps * (hi - lo)) or 1.0)
        self.panels.set_panels(
            [
                (f"Sample {int(v['sample'])}, says {before}", qimage(image_rgb(v["image"], lo, hi))),
                (f"+ perturbation (ε {eps:.2f})", qimage(signed_rgb(np.clip(pert, -1, 1), pale=False))),
                (f"= adversarial, says {after}", qimage(image_rgb(v["adversarial"], lo, hi))),
            ]
        )
        p0 = float(v["probabilities"][before])
        p1 = float(v["adversarial_probabilities"][after])
        verdict = "fooled" if after != before else "not fooled"
        self.status.setText(
            f"Label {int(v['label'])}; the network says {before} ({p0:.0%}), and {after} ({p1:.0%}) "
            f"after the attack: {verdict}. Blue pixels went up, orange down. ← → change "
            "the sample."
        )
