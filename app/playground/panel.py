"""The left-hand panel: TF Playground's controls in four groups.

DATA (dataset, classes, noise, train ratio, batch size, regenerate, own points),
FEATURES, HIDDEN LAYERS (layers, neurons per layer, activation) and TRAINING
(optimizer, regularization, initializer, stop condition, speed).

The panel never talks to the engine itself: it calls its host (the main window),
whose ``edit_project`` restarts the session with an edited copy of the project and
whose bridge carries the live commands (speed).
"""

from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.playground.edits import DATASETS
from engine.data import playground
from engine.data.dataset import USER
from engine.data.images import CLASSES as IMAGE_CLASSES
from engine.data.images import IMAGE_SETS
from engine.data.user import is_classification
from engine.graph.catalogue import ACTIVATIONS, FEATURES, INITS
from engine.graph.mlp import MLPShape, describe_mlp
from engine.settings import OPTIMIZERS

MAX_LAYERS, MAX_UNITS = 6, 8
REG_RATES = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)  # TF Playground's
SPEEDS = (2, 5, 10, 30, 100, 300, 1000, None)  # epochs per second; None: as fast as possible
FEATURE_TEXT = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁·x₂",
                "sin x1": "sin x₁", "sin x2": "sin x₂"}
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)  # the per-layer Dropout menu's rates
ACT_SHORT = {"leaky_relu": "leaky", "linear": "lin", "sigmoid": "sigm"}  # narrow combos
TARGETS = (-1.0, -0.5, 0.0, 0.5, 1.0)  # labels offered for regression points
GROUPS = ("data", "features", "layers", "training")


# The session clamps a batch to the training set: this many means every point, every step.
FULL_BATCH = 1_000_000


def _slider(low: int, high: int) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(low, high)
    s.setPageStep(5)
    return s


def _small_button(text: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    b.setFixedSize(22, 22)
    return b


class _Released:
    """Calls ``apply(value)`` when a slider is released or moved by keys or code,
    never while it is dragged (every edit restarts training)."""

    def __init__(self, slider: QSlider, label: QLabel, fmt, apply) -> None:
        self.slider, self.label, self.fmt, self.apply = slider, label, fmt, apply
        slider.valueChanged.connect(self._changed)
        slider.sliderReleased.connect(lambda: self.apply(slider.value()))

    def _changed(self, value: int) -> None:
        self.label.setText(self.fmt(value))
        if not self.slider.isSliderDown():
            self.apply(value)


class PlaygroundPanel(QWidget):
    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(6)
        self.groups: dict[str, QGroupBox] = {}
        for key, title, build in (("data", "DATA", self._build_data),
                                  ("features", "FEATURES", self._build_features),
                                  ("layers", "HIDDEN LAYERS", self._build_layers),
                                  ("training", "TRAINING", self._build_training)):
            box = QGroupBox(title)
            build(box)
            self.groups[key] = box
            layout.addWidget(box)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    # -- construction ----------------------------------------------------------------
    def _build_data(self, box: QGroupBox) -> None:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.dataset_combo = QComboBox()
        self._fill_datasets(DATASETS)
        self.dataset_combo.setToolTip("The data to learn; changing it restarts training")
        self.dataset_combo.currentIndexChanged.connect(self._dataset_chosen)
        form.addRow("Dataset", self.dataset_combo)
        self.classes_spin = QSpinBox()
        self.classes_spin.setRange(2, 10)
        self.classes_spin.setToolTip("Number of classes (blobs and spiral only)")
        self.classes_spin.valueChanged.connect(self._classes_chosen)
        form.addRow("Classes", self.classes_spin)

        self.noise_slider, self.noise_label = _slider(0, 50), QLabel()
        self._noise = _Released(self.noise_slider, self.noise_label, lambda v: f"Noise {v}",
                                lambda v: self._data_edit(noise=float(v)))
        form.addRow(self.noise_label, self.noise_slider)
        self.ratio_slider, self.ratio_label = _slider(10, 90), QLabel()
        self._ratio = _Released(self.ratio_slider, self.ratio_label,
                                lambda v: f"Training {v}%",
                                lambda v: self._data_edit(train_percent=float(v)))
        form.addRow(self.ratio_label, self.ratio_slider)
        self.batch_slider, self.batch_label = _slider(1, 30), QLabel()
        self._batch = _Released(self.batch_slider, self.batch_label, lambda v: f"Batch size {v}",
                                self._batch_chosen)
        form.addRow(self.batch_label, self.batch_slider)
        self.batch_mode = QComboBox()
        for text, tip in (("mini-batch", "A few points per step (the slider)"),
                          ("online", "One point per step"),
                          ("full batch", "Every training point in each step")):
            self.batch_mode.addItem(text)
            self.batch_mode.setItemData(self.batch_mode.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.batch_mode.setToolTip("How many points each gradient step sees")
        self.batch_mode.currentTextChanged.connect(self._batch_mode_chosen)
        form.addRow("Gradient steps", self.batch_mode)
        self.regenerate_button = QPushButton("Regenerate")
        self.regenerate_button.setToolTip("New random points from the same dataset")
        self.regenerate_button.clicked.connect(self.regenerate)
        form.addRow(self.regenerate_button)

        # own points: shown while the dataset is "user"
        self.user_box = QWidget()
        grid = QGridLayout(self.user_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        hint = QLabel("Click the plot to add a point; shift-click or Erase removes.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        grid.addWidget(hint, 0, 0, 1, 3)
        self.label_combo = QComboBox()
        self.label_combo.setToolTip("The class (or target) of the points you add")
        grid.addWidget(self.label_combo, 1, 0)
        self.erase_button = QPushButton("Erase")
        self.erase_button.setCheckable(True)
        self.erase_button.setToolTip("While on, clicks remove the points near them")
        grid.addWidget(self.erase_button, 1, 1)
        self.import_button = QPushButton("Import CSV…")
        self.import_button.setToolTip("Read points from a CSV of x1, x2, label rows")
        self.import_button.clicked.connect(lambda: self.host.import_csv_dialog())
        grid.addWidget(self.import_button, 1, 2)
        form.addRow(self.user_box)

    def _fill_datasets(self, names) -> None:
        """The sets a project's graph can take: 2-D sets, or images (a CNN's input
        layers fit images only, a perceptron's features 2-D points only)."""
        if [self.dataset_combo.itemData(i) for i in range(self.dataset_combo.count())] == list(names):
            return
        self.dataset_combo.blockSignals(True)
        self.dataset_combo.clear()
        for name in names:
            self.dataset_combo.addItem("your own points" if name == USER else name, name)
        self.dataset_combo.blockSignals(False)

    def _build_features(self, box: QGroupBox) -> None:
        grid = QGridLayout(box)
        grid.setSpacing(4)
        self.feature_buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(False)
        for i, name in enumerate(FEATURES):
            b = QToolButton()
            b.setText(FEATURE_TEXT[name])
            b.setCheckable(True)
            b.setToolTip(f"Feed {name} to the network")
            b.setMinimumWidth(56)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            b.toggled.connect(self._feature_toggled)
            group.addButton(b)
            self.feature_buttons[name] = b
            grid.addWidget(b, i // 4, i % 4)
        self._feature_group = group
        box.setStyleSheet("QToolButton { border: 1px solid #aaa; border-radius: 3px; "
                          "padding: 3px; background: #f6f6f6; color: #333; }"
                          "QToolButton:checked { background: #0877bd; color: white; "
                          "border-color: #065a8f; font-weight: bold; }")

    def _build_layers(self, box: QGroupBox) -> None:
        outer = QVBoxLayout(box)
        outer.setSpacing(4)
        top = QHBoxLayout()
        self.add_layer_button = _small_button("+", "Add a hidden layer")
        self.remove_layer_button = _small_button("−", "Remove the last hidden layer")
        self.add_layer_button.clicked.connect(lambda: self._shape_edit(_add_layer))
        self.remove_layer_button.clicked.connect(lambda: self._shape_edit(_remove_layer))
        self.layers_label = QLabel()
        top.addWidget(self.add_layer_button)
        top.addWidget(self.remove_layer_button)
        top.addWidget(self.layers_label, 1)
        outer.addLayout(top)
        self.units_row = QHBoxLayout()
        self.units_row.setSpacing(2)
        outer.addLayout(self.units_row)
        self.unit_labels: list[QLabel] = []
        self.unit_buttons: list[tuple[QToolButton, QToolButton]] = []
        self.layer_act_combos: list[QComboBox] = []
        self.layer_more_buttons: list[QToolButton] = []
        # per layer: {"batchnorm": QAction, "residual": QAction, 0.0: QAction, 0.1: ...}
        self.layer_actions: list[dict] = []
        for i in range(MAX_LAYERS):
            col = QVBoxLayout()
            col.setSpacing(1)
            plus = _small_button("+", f"One more neuron in layer {i + 1}")
            minus = _small_button("−", f"One neuron less in layer {i + 1}")
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            plus.clicked.connect(lambda _=False, i=i: self._shape_edit(lambda s: _units(s, i, +1)))
            minus.clicked.connect(lambda _=False, i=i: self._shape_edit(lambda s: _units(s, i, -1)))
            col.addWidget(plus, 0, Qt.AlignmentFlag.AlignHCenter)
            col.addWidget(label)
            col.addWidget(minus, 0, Qt.AlignmentFlag.AlignHCenter)
            combo = self._layer_combo(i)
            col.addWidget(combo, 0, Qt.AlignmentFlag.AlignHCenter)
            more = self._layer_menu_button(i)
            col.addWidget(more, 0, Qt.AlignmentFlag.AlignHCenter)
            self.units_row.addLayout(col)
            self.unit_labels.append(label)
            self.unit_buttons.append((plus, minus))
            self.layer_act_combos.append(combo)
            self.layer_more_buttons.append(more)
        self.units_row.addStretch(1)
        form = QFormLayout()
        self.activation_combo = QComboBox()
        self.activation_combo.addItems(ACTIVATIONS)
        self.activation_combo.setToolTip("Activation of every hidden layer "
                                         "(each layer's own combo can change it)")
        self.activation_combo.currentTextChanged.connect(
            lambda fn: self._shape_edit(lambda s: s.set_activation(fn)))
        form.addRow("Activation", self.activation_combo)
        outer.addLayout(form)

    def _layer_combo(self, i: int) -> QComboBox:
        combo = QComboBox()
        for fn in ACTIVATIONS:
            combo.addItem(ACT_SHORT.get(fn, fn), fn)
        combo.setToolTip(f"Activation of layer {i + 1}")
        combo.setFixedWidth(52)
        combo.setStyleSheet("QComboBox { font-size: 8pt; padding: 0 1px; }")
        combo.view().setMinimumWidth(96)
        combo.activated.connect(
            lambda index, i=i, c=combo: self._layer_activation_chosen(i, c.itemData(index)))
        return combo

    def _layer_menu_button(self, i: int) -> QToolButton:
        b = QToolButton()
        b.setText("⋯")
        b.setFixedSize(30, 18)
        b.setToolTip(f"Batch norm, dropout and residual connection of layer {i + 1}")
        b.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        b.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        menu = QMenu(b)
        actions: dict = {}
        bn = QAction("Batch norm", menu, checkable=True)
        bn.setToolTip("Normalize the layer's sums over each batch before the activation")
        bn.triggered.connect(lambda on, i=i: self._layer_set(i, "batchnorm", bool(on)))
        res = QAction("Residual", menu, checkable=True)
        res.setToolTip("Add the layer's input to its output (needs equal widths)")
        res.triggered.connect(lambda on, i=i: self._residual_chosen(i, bool(on)))
        menu.addAction(bn)
        menu.addAction(res)
        sub = menu.addMenu("Dropout")
        group = QActionGroup(sub)
        group.setExclusive(True)
        for p in DROPOUTS:
            a = QAction("none" if p == 0 else f"{p:g}", sub, checkable=True)
            a.triggered.connect(lambda _=False, i=i, p=p: self._layer_set(i, "dropout", p))
            group.addAction(a)
            sub.addAction(a)
            actions[p] = a
        actions.update(batchnorm=bn, residual=res, menu=menu, group=group)
        b.setMenu(menu)
        self.layer_actions.append(actions)
        return b

    def _build_training(self, box: QGroupBox) -> None:
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.optimizer_combo = QComboBox()
        self.optimizer_combo.addItems(OPTIMIZERS)
        self.optimizer_combo.currentTextChanged.connect(
            lambda v: self._train_edit(optimizer=v))
        form.addRow("Optimizer", self.optimizer_combo)
        reg = QHBoxLayout()
        self.reg_combo = QComboBox()
        for value, text in (("none", "None"), ("l1", "L1"), ("l2", "L2")):
            self.reg_combo.addItem(text, value)
        self.reg_combo.currentIndexChanged.connect(
            lambda i: self._train_edit(regularization=self.reg_combo.itemData(i)))
        self.reg_rate_combo = QComboBox()
        for v in REG_RATES:
            self.reg_rate_combo.addItem(f"{v:g}", float(v))
        self.reg_rate_combo.setToolTip("Regularization rate")
        self.reg_rate_combo.currentIndexChanged.connect(
            lambda i: self._train_edit(reg_rate=float(self.reg_rate_combo.itemData(i))))
        reg.addWidget(self.reg_combo, 1)
        reg.addWidget(QLabel("rate"))
        reg.addWidget(self.reg_rate_combo, 1)
        form.addRow("Regularization", reg)
        init = QHBoxLayout()
        self.init_combo = QComboBox()
        self.init_combo.addItems(INITS)
        self.init_combo.setToolTip("How the weights start")
        self.init_combo.currentTextChanged.connect(
            lambda v: self._shape_edit(lambda s: setattr(s, "init", v)))
        self.reinit_button = QPushButton("Reinitialize")
        self.reinit_button.setToolTip("Fresh random weights; training starts again")
        self.reinit_button.clicked.connect(lambda: self.host.reinitialize())
        init.addWidget(self.init_combo, 1)
        init.addWidget(self.reinit_button)
        form.addRow("Initializer", init)
        self.stop_spin = QSpinBox()
        self.stop_spin.setRange(0, 10**9)
        self.stop_spin.setSingleStep(100)
        self.stop_spin.setSpecialValueText("none")
        self.stop_spin.setToolTip("Pause after this many epochs (0: never)")
        self.stop_spin.valueChanged.connect(lambda v: self.host.set_stop_epochs(v or None))
        form.addRow("Stop after epochs", self.stop_spin)
        self.speed_slider, self.speed_label = _slider(0, len(SPEEDS) - 1), QLabel()
        self.speed_slider.setPageStep(1)
        self.speed_slider.setValue(len(SPEEDS) - 1)
        self.speed_slider.setToolTip("From slow motion (2 epochs/s) to as fast as possible")
        self.speed_label.setText(_speed_text(len(SPEEDS) - 1))
        self.speed_slider.valueChanged.connect(self._speed_chosen)
        form.addRow(self.speed_label, self.speed_slider)

    # -- showing a project -----------------------------------------------------------
    def load(self, project) -> None:
        """Show ``project``'s settings without editing anything."""
        self._loading = True
        try:
            d, t = project.data, project.train
            self._fill_datasets(IMAGE_SETS if d.name in IMAGE_SETS else DATASETS)
            self.dataset_combo.setCurrentIndex(max(0, self.dataset_combo.findData(d.name)))
            self.classes_spin.setValue(IMAGE_CLASSES.get(d.name, d.classes))  # images: fixed
            self.classes_spin.setEnabled(d.name in playground.MULTICLASS)
            for s, label, v in ((self.noise_slider, self._noise, d.noise),
                                (self.ratio_slider, self._ratio, d.train_percent),
                                (self.batch_slider, self._batch, min(t.batch_size, 30))):
                s.setValue(int(round(v)))
                label.label.setText(label.fmt(s.value()))
            self.batch_mode.setCurrentText("full batch" if t.batch_size >= FULL_BATCH else
                                           "online" if t.batch_size == 1 else "mini-batch")
            self.batch_slider.setEnabled(self.batch_mode.currentText() == "mini-batch")
            user = d.name == USER
            self.noise_slider.setEnabled(not user)
            self.regenerate_button.setEnabled(not user)
            self.user_box.setVisible(user)
            if user:
                self._fill_labels(project.points)
            self.optimizer_combo.setCurrentText(t.optimizer)
            self.reg_combo.setCurrentIndex(self.reg_combo.findData(t.regularization))
            rates = [float(v) for v in REG_RATES]
            if t.reg_rate not in rates:
                self.reg_rate_combo.addItem(f"{t.reg_rate:g}", float(t.reg_rate))
            self.reg_rate_combo.setCurrentIndex(self.reg_rate_combo.findData(float(t.reg_rate)))
            self.reg_rate_combo.setEnabled(t.regularization != "none")
            self.stop_spin.setValue(t.stop_epochs or 0)
            self._load_shape(describe_mlp(project.graph))
        finally:
            self._loading = False

    def _load_shape(self, shape) -> None:
        editable = shape is not None
        for key in ("features", "layers"):
            self.groups[key].setEnabled(editable)
        self.init_combo.setEnabled(editable)
        if not editable:
            self.layers_label.setText("This graph is edited in the Editor")
            for i, label in enumerate(self.unit_labels):
                for w in (label, *self.unit_buttons[i], self.layer_act_combos[i],
                          self.layer_more_buttons[i]):
                    w.hide()
            return
        on = set(shape.features or ("x1", "x2"))
        for name, b in self.feature_buttons.items():
            b.setChecked(name in on)
        n = len(shape.hidden)
        self.layers_label.setText(f"{n} hidden layer{'s' * (n != 1)}")
        self.add_layer_button.setEnabled(n < MAX_LAYERS)
        self.remove_layer_button.setEnabled(n > 0)
        acts = shape.layer_activations()
        drops, norms = shape.layer_values("dropout"), shape.layer_values("batchnorm")
        skips = shape.layer_values("residual")
        for i, (label, (plus, minus)) in enumerate(zip(self.unit_labels, self.unit_buttons,
                                                       strict=True)):
            shown = i < n
            combo, more = self.layer_act_combos[i], self.layer_more_buttons[i]
            for w in (label, plus, minus, combo, more):
                w.setVisible(shown)
            if shown:
                units = shape.hidden[i]
                label.setText(f"{units}")
                label.setToolTip(f"Layer {i + 1}: {units} neuron{'s' * (units != 1)}")
                plus.setEnabled(units < MAX_UNITS)
                minus.setEnabled(units > 1)
                combo.setCurrentIndex(max(0, combo.findData(acts[i])))
                combo.setToolTip(f"Activation of layer {i + 1}: {acts[i]}")
                self._show_layer_extras(i, float(drops[i]), bool(norms[i]), bool(skips[i]))
        self.activation_combo.setCurrentText(shape.activation)
        self.init_combo.setCurrentText(shape.init)

    def _show_layer_extras(self, i: int, drop: float, norm: bool, skip: bool) -> None:
        actions, more = self.layer_actions[i], self.layer_more_buttons[i]
        actions["batchnorm"].setChecked(norm)
        actions["residual"].setChecked(skip)
        closest = min(DROPOUTS, key=lambda p: abs(p - drop))
        for p in DROPOUTS:
            actions[p].setChecked(p == closest)
        on = [t for t, v in (("batch norm", norm), (f"dropout {drop:g}", drop > 0),
                             ("residual", skip)) if v]
        more.setToolTip(f"Layer {i + 1}: " + (", ".join(on) if on else "no batch norm, "
                        "dropout or residual connection") + " (click to change)")
        more.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }"
                           + ("QToolButton { color: white; background: #0877bd; "
                              "border: 1px solid #065a8f; border-radius: 3px; font-weight: bold; }"
                              if on else ""))

    def _fill_labels(self, points) -> None:
        keep = self.label_combo.currentIndex()
        self.label_combo.clear()
        if points is not None and not is_classification(points[1]):
            for v in TARGETS:
                self.label_combo.addItem(f"target {v:+g}", float(v))
            self.label_combo.setCurrentIndex(keep if 0 <= keep < len(TARGETS) else 4)
        else:
            for k in range(10):
                self.label_combo.addItem(f"class {k}", k)
            self.label_combo.setCurrentIndex(keep if 0 <= keep < 10 else 1)

    def point_label(self):
        """The label of points added by a click: an int class or a float target."""
        return self.label_combo.currentData()

    def set_hidden(self, hidden: dict[str, bool]) -> None:
        """Hide control groups (classroom mode): ``{"data": True, ...}``."""
        for key, box in self.groups.items():
            box.setVisible(not hidden.get(key, False))

    # -- edits -----------------------------------------------------------------------
    def _edit(self, mutate=None, shape_edit=None) -> None:
        if not self._loading:
            self.host.edit_project(mutate, shape_edit)

    def _data_edit(self, **values) -> None:
        def mutate(p):
            for k, v in values.items():
                setattr(p.data, k, v)
        if any(getattr(self.host.project.data, k) != v for k, v in values.items()):
            self._edit(mutate)

    def _train_edit(self, **values) -> None:
        def mutate(p):
            for k, v in values.items():
                setattr(p.train, k, v)
        if any(getattr(self.host.project.train, k) != v for k, v in values.items()):
            self._edit(mutate)

    def _shape_edit(self, fn) -> None:
        self._edit(shape_edit=fn)

    def _current_shape(self) -> MLPShape | None:
        return describe_mlp(self.host.project.graph)

    def _layer_activation_chosen(self, i: int, fn: str) -> None:
        shape = self._current_shape()
        if shape is not None and i < len(shape.hidden) and shape.layer_activations()[i] != fn:
            self._shape_edit(lambda s: s.set_layer("activation", i, fn))

    def _layer_set(self, i: int, name: str, value) -> None:
        shape = self._current_shape()
        if shape is not None and i < len(shape.hidden) and shape.layer_values(name)[i] != value:
            self._shape_edit(lambda s: s.set_layer(name, i, value))

    def _residual_chosen(self, i: int, on: bool) -> None:
        shape = self._current_shape()
        if on and shape is not None and i < len(shape.hidden) \
                and shape.hidden[i] != shape.input_width(i):
            self.layer_actions[i]["residual"].setChecked(False)
            self.host.show_info(f"Layer {i + 1} can only be residual when it has as many "
                                f"neurons as its input ({shape.input_width(i)}); "
                                f"it has {shape.hidden[i]}.")
            return
        self._layer_set(i, "residual", on)

    def _dataset_chosen(self, index: int) -> None:
        if self._loading or index < 0:
            return
        self.host.choose_dataset(self.dataset_combo.itemData(index))

    def _classes_chosen(self, value: int) -> None:
        self._data_edit(classes=int(value))

    def _batch_chosen(self, value: int) -> None:
        self._train_edit(batch_size=int(value))

    def _batch_mode_chosen(self, mode: str) -> None:
        self.batch_slider.setEnabled(mode == "mini-batch")
        if not self._loading:
            size = {"online": 1, "full batch": FULL_BATCH}.get(mode, self.batch_slider.value())
            self._train_edit(batch_size=size)

    def regenerate(self) -> None:
        self._data_edit(seed=random.randrange(2**31 - 1))

    def _feature_toggled(self, _checked: bool) -> None:
        if self._loading:
            return
        chosen = [n for n in FEATURES if self.feature_buttons[n].isChecked()]
        if not chosen:  # at least one input stays on
            sender = self.sender()
            self._loading = True
            sender.setChecked(True)
            self._loading = False
            self.host.show_info("At least one input feature must stay on.")
            return
        self._shape_edit(lambda s: setattr(s, "features", chosen))

    def _speed_chosen(self, index: int) -> None:
        self.speed_label.setText(_speed_text(index))
        self.host.set_speed(SPEEDS[index])


def _speed_text(index: int) -> str:
    v = SPEEDS[index]
    return "Speed: max" if v is None else f"Speed: {v:g} epochs/s"


def _add_layer(shape) -> None:
    if len(shape.hidden) < MAX_LAYERS:
        shape.hidden.append(shape.hidden[-1] if shape.hidden else 2)


def _remove_layer(shape) -> None:
    if shape.hidden:
        shape.hidden.pop()


def _units(shape, i: int, delta: int) -> None:
    if i < len(shape.hidden):
        shape.hidden[i] = min(MAX_UNITS, max(1, shape.hidden[i] + delta))
