"""Compare mode's choice of what varies (activation, learning rate or seed) and
which values: the controls at the top of the compare window and the variant
overrides they give (``variants()``, for ``engine.train.compare.make_compare``)."""

from __future__ import annotations

import math

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox, QStackedWidget, QWidget

from engine.builder.layers import ACTIVATION_MODULES
from engine.errors import NodeplayError
from engine.graph.catalogue import ACTIVATIONS

# What can vary, as (key, menu text).
MODES = (("activation", "Activation"), ("learning_rate", "Learning rate"), ("seed", "Seed"))
# Every activation the compare session can apply, in the catalogue's order.
COMPARE_ACTIVATIONS = tuple(a for a in ACTIVATIONS if a in ACTIVATION_MODULES)
DEFAULT_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
# TF Playground's learning rates, and the ones ticked at first.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
DEFAULT_LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3)
DEFAULT_SEEDS = 4
MAX_SEEDS = 16


def lr_text(value: float) -> str:
    return f"{value:g}"


class VariantChoice:
    """Mixed into the compare window: builds the choice's widgets (``_build_choice``)
    and calls the window's ``_rebuild`` whenever the choice changes."""

    def _build_choice(self) -> None:
        self.mode = QComboBox()
        for key, text in MODES:
            self.mode.addItem(text, key)
        self.mode.setToolTip("The setting that differs between the variants")
        self.mode.currentIndexChanged.connect(self._mode_changed)

        self.pickers: dict[str, dict] = {}
        self.values = QStackedWidget()
        acts = {a: QCheckBox(a) for a in COMPARE_ACTIVATIONS}
        lrs = {lr: QCheckBox(lr_text(lr)) for lr in LEARNING_RATES}
        for boxes, ticked in ((acts, DEFAULT_ACTIVATIONS), (lrs, DEFAULT_LEARNING_RATES)):
            page = QWidget()
            row = QHBoxLayout(page)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(6)
            for value, box in boxes.items():
                box.setChecked(value in ticked)
                box.toggled.connect(self._values_changed)
                row.addWidget(box)
            row.addStretch(1)
            self.values.addWidget(page)
        self.pickers["activation"] = acts
        self.pickers["learning_rate"] = lrs
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        self.seed_count = QSpinBox()
        self.seed_count.setRange(1, MAX_SEEDS)
        self.seed_count.setValue(DEFAULT_SEEDS)
        self.seed_count.valueChanged.connect(self._values_changed)
        row.addWidget(QLabel("seeds:"))
        row.addWidget(self.seed_count)
        row.addWidget(QLabel(f"(from the project's seed {self.project.train.seed} up)"))
        row.addStretch(1)
        self.values.addWidget(page)

    # -- choosing the variants -----------------------------------------------------------
    @property
    def mode_key(self) -> str:
        return self.mode.currentData()

    def set_mode(self, key: str, values=None) -> None:
        """Compare ``key`` ("activation", "learning_rate" or "seed"); ``values`` ticks
        exactly those (for "seed": the number of seeds)."""
        keys = [k for k, _ in MODES]
        if key not in keys:
            raise NodeplayError(f"Compare mode varies {', '.join(keys)}, not {key!r}.")
        self._quiet = True
        try:
            self.mode.setCurrentIndex(keys.index(key))
            if values is not None:
                if key == "seed":
                    self.seed_count.setValue(int(values))
                else:
                    wanted = set(values)
                    unknown = wanted - set(self.pickers[key])
                    if key == "learning_rate":  # any rate may be added to the row
                        for value in sorted(unknown):
                            self._add_rate(value)
                    elif unknown:
                        raise NodeplayError(
                            f"Compare mode cannot vary the activation to "
                            f"{sorted(unknown)[0]!r}; choose one of "
                            f"{', '.join(COMPARE_ACTIVATIONS)}."
                        )
                    for value, box in self.pickers[key].items():
                        box.setChecked(value in wanted)
        finally:
            self._quiet = False
        self._rebuild()

    _quiet = False

    def _add_rate(self, value: float) -> None:
        """A learning rate beyond TF Playground's list, in its sorted place."""
        value = float(value)
        if not (value > 0 and math.isfinite(value)):
            raise NodeplayError(f"A learning rate must be a number above 0, not {value!r}.")
        boxes = self.pickers["learning_rate"]
        box = QCheckBox(lr_text(value))
        box.toggled.connect(self._values_changed)
        ordered = sorted([*boxes, value])
        at = ordered.index(value)
        self.values.widget(1).layout().insertWidget(at, box)
        self.pickers["learning_rate"] = {v: boxes.get(v, box) for v in ordered}

    def _mode_changed(self) -> None:
        self.values.setCurrentIndex(self.mode.currentIndex())
        if not self._quiet:
            self._rebuild()

    def _values_changed(self) -> None:
        if not self._quiet:
            self._rebuild()

    def variants(self) -> list[dict]:
        """The variant overrides for ``make_compare``, from the current choice."""
        key = self.mode_key
        if key == "seed":
            s0 = int(self.project.train.seed)
            return [{"seed": s0 + i, "label": f"seed {s0 + i}"} for i in range(self.seed_count.value())]
        ticked = [v for v, box in self.pickers[key].items() if box.isChecked()]
        if key == "activation":
            return [{"activation": a, "label": a} for a in ticked]
        return [{"learning_rate": float(lr), "label": f"lr {lr_text(lr)}"} for lr in ticked]
