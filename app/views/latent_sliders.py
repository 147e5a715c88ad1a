"""The ``latent-sliders`` view: one slider per latent dimension and the image the
decoder makes of that point. Moving a slider asks the worker to decode the new point
(``latent-decode``), also while training runs; snapshots keep the picture up to date as
the decoder learns. Random draws a point (from the prior N(0, 1) for a VAE, around
the test codes for a plain autoencoder), Encode puts the selected test sample's code
(its mean) on the sliders, Reset returns to the centre."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from app.look import theme
from app.views.latent_pictures import Picture, no_latent_note, picture
from app.views.saving import SavingMenuMixin

STEPS = 100  # slider steps per standard deviation of the code
SPAN = 3  # standard deviations either side of the centre


class QtLatentSliders(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    asked = Signal(str, object)
    view_name = "latent-sliders"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.z: np.ndarray | None = None
        self.centre = self.scale = None
        self.variational = False
        self.image: np.ndarray | None = None
        self.selected = 0
        self.latencies: list[float] = []  # seconds from a slider's move to its picture
        self._moved_at: float | None = None
        self._rng = np.random.default_rng(0)
        self.sliders: list[QSlider] = []
        self.picture = Picture()
        self.status = QLabel()
        self.status.setWordWrap(True)
        theme.follow(self.status, lambda w, t: w.setStyleSheet(f"color: {t.muted};"))
        self.random_button = QPushButton("Random")
        self.encode_button = QPushButton("Encode selected")
        self.reset_button = QPushButton("Reset")
        self.random_button.setToolTip("A random latent point: drawn from N(0, 1) for a VAE.")
        self.encode_button.setToolTip("The selected test sample's code (a VAE's mean).")
        self.reset_button.setToolTip("Back to the centre of the codes (0 for a VAE).")
        self.random_button.clicked.connect(self.random_point)
        self.encode_button.clicked.connect(self.encode_selected)
        self.reset_button.clicked.connect(self.reset_point)
        self.slider_grid = QGridLayout()
        buttons = QHBoxLayout()
        for b in (self.random_button, self.encode_button, self.reset_button):
            buttons.addWidget(b)
        side = QVBoxLayout()
        side.addLayout(self.slider_grid)
        side.addLayout(buttons)
        side.addWidget(self.status)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.picture, 3)
        layout.addLayout(side, 2)

    # -- the registry's view protocol --------------------------------------------------
    def set_project(self, _project, _dataset) -> None:
        self.z = self.centre = self.scale = self.image = None
        self._build(0)
        self.picture.set_image(None)
        self.subscriptionsChanged.emit()

    def note_for(self, project, dataset) -> str | None:
        return no_latent_note(project, dataset)

    def subscriptions(self) -> dict[str, dict]:
        return {"latent-decode": {"z": None if self.z is None else [self.z.tolist()]}}

    def show_snapshot(self, snapshot) -> None:
        value = (getattr(snapshot, "probes", None) or {}).get("latent-decode")
        if value is not None:
            self._take(value)

    def view_data(self) -> dict:
        if self.z is None or self.image is None:
            return {}
        return {"z": self.z.copy(), "images": self.image[None]}

    def answer(self, probe: str, value, error) -> None:
        if error is not None:
            self.status.setText(error)
        elif probe == "latent-decode":
            self._take(value)
        elif probe == "latent-encode":
            self._set_z(np.asarray(value["z"], np.float32), ask=True)
            self.subscriptionsChanged.emit()

    def set_selected_sample(self, index: int) -> None:
        self.selected = int(index)
        self.encode_button.setText(f"Encode sample {self.selected}")

    # -- gestures ----------------------------------------------------------------------
    def random_point(self) -> None:
        if self.z is None:
            return
        draw = self._rng.standard_normal(len(self.z)).astype(np.float32)
        self._set_z(draw if self.variational else self.centre + self.scale * draw, ask=True)
        self.subscriptionsChanged.emit()

    def encode_selected(self) -> None:
        self.asked.emit("latent-encode", {"index": self.selected})

    def reset_point(self) -> None:
        if self.z is None:
            return
        self._set_z(np.zeros_like(self.z) if self.variational else self.centre.copy(), ask=True)
        self.subscriptionsChanged.emit()

    # -- inside ------------------------------------------------------------------------
    def _take(self, value: dict) -> None:
        z = np.asarray(value["z"], np.float32)[0]
        if "centre" in value:
            self.centre = np.asarray(value["centre"], np.float32)
            self.scale = np.asarray(value["scale"], np.float32)
            self.variational = bool(value["variational"])
        if self.centre is None:
            return
        if self.z is None or len(self.z) != len(z):
            self._build(len(z))
            self._set_z(z, ask=False)
        if not np.allclose(z, self.z, atol=1e-6):
            return  # an answer for a point the sliders have left
        self.image = np.asarray(value["images"])[0]
        self.picture.set_image(picture(self.image))
        if self._moved_at is not None:
            self.picture.repaint()
            self.latencies.append(time.perf_counter() - self._moved_at)
            self._moved_at = None
        self.status.setText("z = (" + ", ".join(f"{v:.2f}" for v in self.z) + ")")

    def _build(self, dims: int) -> None:
        while self.slider_grid.count():
            item = self.slider_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.sliders = []
        for i in range(dims):
            s = QSlider(Qt.Orientation.Horizontal)
            s.setRange(-SPAN * STEPS, SPAN * STEPS)
            s.setPageStep(STEPS // 2)
            s.setSingleStep(STEPS // 10)
            s.setToolTip(f"Latent dimension {i + 1}")
            s.valueChanged.connect(lambda v, i=i: self._slid(i, v))
            s.sliderReleased.connect(self.subscriptionsChanged.emit)
            self.slider_grid.addWidget(QLabel(f"z{i + 1}"), i, 0)
            self.slider_grid.addWidget(s, i, 1)
            self.sliders.append(s)
        self.z = None if dims == 0 else np.zeros(dims, np.float32)

    def _centre_scale(self, i: int) -> tuple[float, float]:
        if self.variational:
            return 0.0, 1.0  # the prior's units, so that ±3 spans what it samples
        return float(self.centre[i]), float(self.scale[i])

    def _set_z(self, z: np.ndarray, ask: bool) -> None:
        self.z = np.asarray(z, np.float32).copy()
        for i, s in enumerate(self.sliders):
            c, k = self._centre_scale(i)
            s.blockSignals(True)
            s.setValue(int(round(np.clip((self.z[i] - c) / k, -SPAN, SPAN) * STEPS)))
            s.blockSignals(False)
        if ask:
            self._ask()

    def _slid(self, i: int, v: int) -> None:
        c, k = self._centre_scale(i)
        self.z[i] = c + k * v / STEPS
        self._ask()

    def _ask(self) -> None:
        self._moved_at = time.perf_counter()
        self.asked.emit("latent-decode", {"z": [self.z.tolist()], "stats": False})
