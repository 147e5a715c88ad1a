"""The ``interpolation`` view: two test images (the selected sample and a second one
chosen here) and the strip of images decoded along the straight line between their
codes. A VAE's strip morphs from one digit to the other through digits; a plain
autoencoder's passes through holes where the decoder draws no digit."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.look import theme
from app.views.latent_pictures import ImageRows, no_latent_note, picture
from app.views.saving import SavingMenuMixin

STEPS = 9  # decoded images from one end to the other, both ends included


class QtInterpolation(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    sampleSelected = Signal(int)
    view_name = "interpolation"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first = 0
        self.value: dict | None = None
        self.rows = ImageRows()
        self.second_spin = QSpinBox()
        self.second_spin.setRange(0, 0)
        self.second_spin.setValue(1)
        self.second_spin.setToolTip("The test image the strip ends at.")
        self.second_spin.valueChanged.connect(lambda _v: self.subscriptionsChanged.emit())
        self.first_label = QLabel()
        self.summary = QLabel("Press Step or Play to decode the strip.")
        self.summary.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        theme.follow(self.summary, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 4px;"))
        bar = QHBoxLayout()
        bar.addWidget(self.first_label)
        bar.addWidget(QLabel("to test image"))
        bar.addWidget(self.second_spin)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.rows, 1)
        layout.addWidget(self.problem, 1)
        layout.addWidget(self.summary)
        self._show_first()

    @property
    def second(self) -> int:
        return self.second_spin.value()

    def set_project(self, _project, dataset) -> None:
        self.value = None
        self.rows.set_rows([])
        x_test = getattr(dataset, "x_test", None)
        n = 0 if x_test is None else len(x_test)
        self.second_spin.blockSignals(True)
        self.second_spin.setRange(0, max(n - 1, 0))
        self.second_spin.setValue(min(1, max(n - 1, 0)))
        self.second_spin.blockSignals(False)

    def note_for(self, project, dataset) -> str | None:
        return no_latent_note(project, dataset)

    def set_selected_sample(self, index: int) -> None:
        self.first = int(index)
        self._show_first()
        self.subscriptionsChanged.emit()

    def subscriptions(self) -> dict[str, dict]:
        return {"interpolation": {"a": self.first, "b": self.second, "steps": STEPS}}

    def show_snapshot(self, snapshot) -> None:
        value = (getattr(snapshot, "probes", None) or {}).get("interpolation")
        if value is not None and value is not self.value:
            self.show_value(value)

    def show_value(self, value: dict) -> None:
        self.value = value
        a, b = (int(i) for i in value["ends"])
        problem = str(value.get("problem", ""))
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.rows.setVisible(not problem)
        originals = [picture(x) for x in value["originals"]]
        self.rows.set_rows(
            [
                (f"Test images {a} and {b}", originals),
                (f"Decoded from {a}'s code to {b}'s", [picture(x) for x in value["images"]]),
            ]
        )
        self.summary.setText(
            f"{len(value['images'])} points evenly spaced on the line between the two codes "
            f"(distance {float(value['distance']):.2f}), decoded."
        )

    def view_data(self) -> dict:
        if self.value is None:
            return {}
        return {k: np.asarray(self.value[k]) for k in ("images", "z", "originals", "ends")}

    def _show_first(self) -> None:
        self.first_label.setText(f"From the selected test image {self.first}")
