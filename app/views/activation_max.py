"""The "activation-max" view: for a chosen layer (or the classes), the inputs that
excite a handful of its units most, as a grid, drawn like the test images (dark ink on
white, or colour for colour inputs), each stretched to its own range.

The worker computes them (probe "activation_max", engine.probes.activation_max) in
asks of a fraction of a second, between mini-batches: the view asks again as each
answer comes until the ascent is done, then, while training plays, about once a
second so the pictures follow the network as it learns.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from app.views.image_tiles import TileGrid
from app.views.sample_grid import label_text, picture
from app.views.saving import SavingMenuMixin
from app.views.style import layer_bar

PROBE = "activation_max"
CLASSES = "classes"  # engine.probes.activation_max.CLASSES
SHOWN = 8  # units in the grid at once (every class, up to MAX_CLASSES)
MAX_CLASSES = 16
REFRESH = 1.0  # seconds between asks while training plays, once a picture is done
# while training plays, the next piece is asked this long after an answer, so the
# worker trains between pieces (back to back, training nearly stops: bench/unit_probe_speed.py)
PLAYING_GAP_MS = 150


def unit_layers(project, dataset) -> dict[str, int]:
    """node id -> unit count (channels, or features of a flat layer) of every layer a
    picture can maximise, in the data's order."""
    from engine.graph.validate import validate

    check = validate(project.graph, dataset.spec)
    found = {}
    for n in check.order:
        if project.graph.nodes[n].type in ("Input", "Output", "LossSum"):
            continue
        value = check.values.get((n, "out"))
        if value is not None and len(value.shape) in (1, 3) and value.shape[0]:
            found[n] = int(value.shape[0])
    return found


def stretched(image: np.ndarray) -> np.ndarray:
    """(C, H, W) scaled to [0, 1] by its own minimum and maximum."""
    lo, hi = float(image.min()), float(image.max())
    return (image - lo) / (hi - lo) if hi > lo else np.full_like(image, 0.5)


class QtActivationMaxView(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    asked = Signal(str, object)  # probe, arguments: the next piece of the ascent
    view_name = "activation-max"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo, self.status, top = layer_bar("The layer whose units the pictures excite")
        self.combo.currentIndexChanged.connect(self._chosen)
        self.first = QSpinBox()
        self.first.setToolTip(f"The first of the {SHOWN} units shown")
        self.first.valueChanged.connect(self._chosen)
        self.restart_button = QPushButton("Restart")
        self.restart_button.setToolTip("Start again from noise")
        self.restart_button.clicked.connect(self.restart)
        top.insertWidget(2, QLabel("from unit"))
        top.insertWidget(3, self.first)
        top.insertWidget(4, self.restart_button)
        self.grid = TileGrid()
        self.status.setWordWrap(True)
        self.explain = QLabel(
            "Each picture is an input made by gradient ascent to excite one unit as much as it can "
            "(jittered, with L2 and total-variation penalties), stretched to its own range."
        )
        self.explain.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.grid, 1)
        row = QHBoxLayout()
        row.addWidget(self.explain, 1)
        layout.addLayout(row)
        self.counts: dict[str, int] = {}
        self.classes = 0
        self._dataset_name = ""
        self.value: dict | None = None
        self.answers = 0
        self._waiting = self._again = self._answering = self._restart = False
        self._last_ask = 0.0
        self._seen: tuple | None = None
        self._playing = False  # as the latest snapshot said
        self._gap = QTimer(self)
        self._gap.setSingleShot(True)
        self._gap.setInterval(PLAYING_GAP_MS)
        self._gap.timeout.connect(self.request)

    # -- the registry's view protocol ---------------------------------------------------
    def set_project(self, project, dataset) -> None:
        self.counts = unit_layers(project, dataset)
        self.classes = int(getattr(dataset, "classes", 0) or 0)
        self._dataset_name = dataset.name
        before = self.layer()
        self.combo.blockSignals(True)
        self.combo.clear()
        if self.classes:
            self.combo.addItem(f"classes ({self.classes})", CLASSES)
        for n, count in self.counts.items():
            self.combo.addItem(f"{n} ({count})", n)
        ids = self.layers()
        self.combo.setCurrentIndex(ids.index(before) if before in ids else 0)
        self.combo.blockSignals(False)
        self._fit_spin()
        self._clear()
        self._restart = True
        self._waiting = self._again = False  # an ask about the last project may never be answered

    def note_for(self, project, dataset) -> str | None:
        if np.ndim(dataset.x_test) != 4 or not (self.classes or unit_layers(project, dataset)):
            return "Activation maximisation needs a network on images with a layer to excite."
        return None

    def layers(self) -> list[str]:
        return [self.combo.itemData(i) for i in range(self.combo.count())]

    def layer(self) -> str | None:
        return self.combo.currentData()

    def set_layer(self, layer: str) -> None:
        self.combo.setCurrentIndex(self.layers().index(layer))

    def units(self) -> list[int]:
        count = self._count()
        if self.layer() == CLASSES and count <= MAX_CLASSES:
            return list(range(count))
        start = self.first.value()
        return list(range(start, min(count, start + SHOWN)))

    def subscriptions(self) -> dict[str, dict]:
        return {}  # asked for, piece by piece: see request()

    def show_snapshot(self, snapshot) -> None:
        """Ask at once when paused or reset, else at most every REFRESH while playing."""
        if snapshot.reset:
            self._restart = True
        self._playing = snapshot.playing
        now, seen = time.perf_counter(), (snapshot.epoch, snapshot.step)
        if seen == self._seen and not snapshot.reset and self.value is not None:
            return
        if snapshot.reset or not snapshot.playing or now - self._last_ask >= REFRESH:
            self._seen = seen
            self.request()

    def view_data(self) -> dict:
        if self.value is None:
            return {}
        v = self.value
        return {
            "images": v["images"],
            "activations": v["activations"],
            "units": v["units"],
            "layer": np.array(v["layer"]),
            "iteration": np.array(v["iteration"]),
        }

    # -- asking -------------------------------------------------------------------------
    def request(self) -> None:
        """Ask for the next piece now, or when the answer that is out comes."""
        if self.layer() is None or not self.units():
            return
        if self._waiting:
            self._again = True
            return
        self._waiting, self._last_ask = True, time.perf_counter()
        args = {"layer": self.layer(), "units": self.units(), "restart": self._restart}
        self._restart = False
        self.asked.emit(PROBE, args)

    def answer(self, probe: str, value, error) -> None:
        if probe != PROBE:
            return
        self._waiting = False
        if error:
            self.status.setText(error)
        elif value is not None:
            ours = value["layer"] == self.layer() and list(value["units"]) == self.units()
            if ours:
                self.value = value
                self.answers += 1
                self._draw()
            more = not ours or not value["done"]
            if more and self._playing and not self._answering:
                self._gap.start()  # the worker trains a little before the next piece
            else:
                self._again = self._again or more
        if self._answering:
            return  # answered at once (nodeplay render): the loop below goes on
        self._answering = True
        try:
            while self._again and not self._waiting:
                self._again = False
                self.request()
        finally:
            self._answering = False

    def restart(self) -> None:
        self._restart = True
        self.request()

    # -- drawing --------------------------------------------------------------------
    def _draw(self) -> None:
        v = self.value
        images, acts = np.asarray(v["images"]), np.asarray(v["activations"])
        units = [int(u) for u in v["units"]]
        if v["layer"] == CLASSES:
            names = [label_text(self._dataset_name, u) for u in units]
        else:
            names = [f"unit {u}" for u in units]
        self.grid.set_tiles(
            [picture(stretched(im)) for im in images], [f"{n}: {a:.3g}" for n, a in zip(names, acts)]
        )
        what = "class score" if v["layer"] == CLASSES else "mean activation"
        stage = "done" if v["done"] else f"iteration {v['iteration']} of {v['iterations']}"
        self.status.setText(f"{len(units)} pictures, {what} under each; {stage}.")

    def _count(self) -> int:
        layer = self.layer()
        return self.classes if layer == CLASSES else self.counts.get(layer or "", 0)

    def _fit_spin(self) -> None:
        self.first.blockSignals(True)
        self.first.setRange(0, max(0, self._count() - 1))
        self.first.setEnabled(not (self.layer() == CLASSES and self._count() <= MAX_CLASSES))
        self.first.blockSignals(False)

    def _chosen(self, *_args) -> None:
        self._fit_spin()
        self._clear()
        self._restart = True
        if self.isVisible():  # else the next snapshot asks (nodeplay render chooses first)
            self.request()

    def _clear(self) -> None:
        self.value = None
        self.grid.set_tiles([])
        self.status.setText("")
