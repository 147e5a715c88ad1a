"""The left-hand panel: TF Playground's controls in four groups.

DATA (dataset, classes, noise, train ratio, batch size, regenerate, own points),
FEATURES, HIDDEN LAYERS (layers, neurons per layer, activation) and TRAINING
(optimizer, regularization, initializer, stop condition, speed).

The panel talks to the document (app.document), never to the window or the engine:
every control change is an undoable command (app.playground.panel_edits); speed and
new random weights leave as signals. ``load`` shows a project without editing it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.playground.beta_control import BetaControl
from app.playground.device_control import DeviceControl  # T-OOM
from app.playground.layer_controls import LayerControls
from app.playground.panel_edits import (
    FULL_BATCH,
    MAX_LAYERS,
    MAX_UNITS,
    SPEEDS,
    PanelEdits,
    _speed_text,
)
from app.playground.panel_look import Released, slider, style_feature_box, style_hint
from engine.data import playground
from engine.data.dataset import IMPORTED, USER
from engine.data.gan2d import SETS as GAN_SETS
from engine.data.images import CLASSES as IMAGE_CLASSES
from engine.data.images import IMAGE_SETS
from engine.data.user import is_classification
from engine.edits import DATASETS
from engine.graph.catalogue import FEATURES, INITS
from engine.graph.gan import is_gan
from engine.graph.mlp import describe_mlp
from engine.settings import OPTIMIZERS

REG_RATES = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)  # TF Playground's
FEATURE_TEXT = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁·x₂",
    "sin x1": "sin x₁",
    "sin x2": "sin x₂",
}
TARGETS = (-1.0, -0.5, 0.0, 0.5, 1.0)  # labels offered for regression points
GROUPS = ("data", "features", "layers", "training")
MAX_BATCH = 64  # the slider's end; a larger batch from a file shows its own number


class PlaygroundPanel(PanelEdits, LayerControls, BetaControl, DeviceControl, QWidget):
    message = Signal(str, str)  # "error" | "info", one sentence
    speedChosen = Signal(object)  # epochs per second, None: as fast as possible
    reinitializeRequested = Signal()
    liveParamChosen = Signal(str, str, float)  # G2: node id, live parameter, value (β)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.dataset = None  # the data on show, for "your own points" to start from
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(6)
        self.groups: dict[str, QGroupBox] = {}
        self._applies = dict.fromkeys(GROUPS, True)  # False: the project has no use for it
        self._classroom: dict[str, bool] = {}  # True: hidden by classroom mode
        for key, title, build in (
            ("data", "DATA", self._build_data),
            ("features", "FEATURES", self._build_features),
            ("layers", "HIDDEN LAYERS", self._build_layers),
            ("training", "TRAINING", self._build_training),
        ):
            box = QGroupBox(title)
            build(box)
            self.groups[key] = box
            layout.addWidget(box)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    # -- construction ----------------------------------------------------------------
    def _build_data(self, box: QGroupBox) -> None:
        self._data_form = form = QFormLayout(box)
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

        self.noise_slider, self.noise_label = slider(0, 50), QLabel()
        self._noise = Released(
            self.noise_slider,
            self.noise_label,
            lambda v: f"Noise {v}",
            lambda v: self._data_edit(f"Noise {v}", noise=float(v)),
        )
        form.addRow(self.noise_label, self.noise_slider)
        self.noise_slider.setToolTip("How far the points scatter from their shape; new data on release.")
        self.ratio_slider, self.ratio_label = slider(10, 90), QLabel()
        self._ratio = Released(
            self.ratio_slider,
            self.ratio_label,
            lambda v: f"Training {v}%",
            lambda v: self._data_edit(f"Training {v}%", train_percent=float(v)),
        )
        form.addRow(self.ratio_label, self.ratio_slider)
        self.ratio_slider.setToolTip("The share of points used for training; the rest test the network.")
        self.batch_slider, self.batch_label = slider(1, MAX_BATCH), QLabel()
        self._batch = Released(
            self.batch_slider, self.batch_label, lambda v: f"Batch size {v}", self._batch_chosen
        )
        form.addRow(self.batch_label, self.batch_slider)
        self.batch_slider.setToolTip("How many points each mini-batch gradient step averages over.")
        self.batch_mode = QComboBox()
        for text, tip in (
            ("mini-batch", "A few points per step (the slider)"),
            ("online", "One point per step"),
            ("full batch", "Every training point in each step"),
        ):
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
        style_hint(hint)
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
        self.import_button.clicked.connect(self.import_csv_dialog)
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
        style_feature_box(box)

    def _build_training(self, box: QGroupBox) -> None:
        self._training_form = form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.optimizer_combo = QComboBox()
        self.optimizer_combo.addItems(OPTIMIZERS)
        self.optimizer_combo.currentTextChanged.connect(
            lambda v: self._train_edit(f"Optimizer {v}", optimizer=v)
        )
        form.addRow("Optimizer", self.optimizer_combo)
        self.optimizer_combo.setToolTip("The rule that turns gradients into weight updates.")
        reg = QHBoxLayout()
        self.reg_combo = QComboBox()
        for value, text in (("none", "None"), ("l1", "L1"), ("l2", "L2")):
            self.reg_combo.addItem(text, value)
        self.reg_combo.currentIndexChanged.connect(
            lambda i: self._train_edit(
                f"Regularization {self.reg_combo.itemText(i)}", regularization=self.reg_combo.itemData(i)
            )
        )
        self.reg_combo.setToolTip("A penalty on large weights (L1 or L2) added to the loss.")
        self.reg_rate_combo = QComboBox()
        for v in REG_RATES:
            self.reg_rate_combo.addItem(f"{v:g}", float(v))
        self.reg_rate_combo.setToolTip("Regularization rate")
        self.reg_rate_combo.currentIndexChanged.connect(
            lambda i: self._train_edit(
                f"Regularization rate {self.reg_rate_combo.itemText(i)}",
                reg_rate=float(self.reg_rate_combo.itemData(i)),
            )
        )
        reg.addWidget(self.reg_combo, 1)
        reg.addWidget(QLabel("rate"))
        reg.addWidget(self.reg_rate_combo, 1)
        form.addRow("Regularization", reg)
        init = QHBoxLayout()
        self.init_combo = QComboBox()
        self.init_combo.addItems(INITS)
        self.init_combo.setToolTip("How the weights start")
        self.init_combo.currentTextChanged.connect(
            lambda v: self._shape_edit(f"Initializer {v}", lambda s: setattr(s, "init", v))
        )
        self.reinit_button = QPushButton("Reinitialize")
        self.reinit_button.setToolTip("Fresh random weights; training starts again")
        self.reinit_button.clicked.connect(self.reinitializeRequested)
        init.addWidget(self.init_combo, 1)
        init.addWidget(self.reinit_button)
        form.addRow("Initializer", init)
        self.stop_spin = QSpinBox()
        self.stop_spin.setRange(0, 10**9)
        self.stop_spin.setSingleStep(100)
        self.stop_spin.setSpecialValueText("none")
        self.stop_spin.setToolTip("Pause after this many epochs (0: never)")
        self.stop_spin.valueChanged.connect(self._stop_chosen)
        form.addRow("Stop after epochs", self.stop_spin)
        self.speed_slider, self.speed_label = slider(0, len(SPEEDS) - 1), QLabel()
        self.speed_slider.setPageStep(1)
        self.speed_slider.setValue(len(SPEEDS) - 1)
        self.speed_slider.setToolTip("From slow motion (2 epochs/s) to as fast as possible")
        self.speed_label.setText(_speed_text(len(SPEEDS) - 1))
        self.speed_slider.valueChanged.connect(self._speed_chosen)
        form.addRow(self.speed_label, self.speed_slider)
        self._build_device()  # T-OOM: Auto, CPU, GPU (CUDA)
        self._build_beta()  # G2: a VAE's β, shown only for one

    # -- showing a project -----------------------------------------------------------
    def load(self, project, dataset=None) -> None:
        """Show ``project``'s settings without editing anything; ``dataset`` is the data
        on show (where "your own points" start from)."""
        self._loading = True
        if dataset is not None:
            self.dataset = dataset
        try:
            d, t = project.data, project.train
            images, user = d.name in (*IMAGE_SETS, IMPORTED), d.name == USER
            # V1: the imported set is offered while a project uses it (File › Import images)
            self._fill_datasets((*IMAGE_SETS, *[IMPORTED] * (d.name == IMPORTED)) if images else DATASETS)
            if d.name in GAN_SETS or is_gan(project.graph) and not images:  # G1: a 2-D GAN's sets
                self._fill_datasets((*GAN_SETS, USER))
            self.dataset_combo.setCurrentIndex(max(0, self.dataset_combo.findData(d.name)))
            self.classes_spin.setValue(IMAGE_CLASSES.get(d.name, d.classes))  # images: fixed
            self.classes_spin.setEnabled(d.name in playground.MULTICLASS)
            batch = min(t.batch_size, MAX_BATCH)
            for s, label, v in (
                (self.noise_slider, self._noise, d.noise),
                (self.ratio_slider, self._ratio, d.train_percent),
                (self.batch_slider, self._batch, batch),
            ):
                s.setValue(int(round(v)))
                label.label.setText(label.fmt(s.value()))
            if t.batch_size < FULL_BATCH:  # the batch itself, beyond the slider's end too
                self.batch_label.setText(f"Batch size {t.batch_size}")
            self.batch_mode.setCurrentText(
                "full batch"
                if t.batch_size >= FULL_BATCH
                else "online"
                if t.batch_size == 1
                else "mini-batch"
            )
            self.batch_slider.setEnabled(self.batch_mode.currentText() == "mini-batch")
            # shown only where they apply (hidden, not greyed out): classes for the sets
            # that take a count, noise and regenerating for generated 2-D sets
            self._data_form.setRowVisible(self.classes_spin, d.name in playground.MULTICLASS)
            for w in (self.noise_slider, self.regenerate_button):
                self._data_form.setRowVisible(w, not (images or user))
            self._data_form.setRowVisible(self.user_box, user)
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
            self.show_device(t.device)  # T-OOM
            self._load_shape(describe_mlp(project.graph), images)
            self._load_beta(project.graph)
        finally:
            self._loading = False

    def show_stop(self, epochs: int | None) -> None:
        self._loading = True
        self.stop_spin.setValue(epochs or 0)
        self._loading = False

    def _load_shape(self, shape, images: bool = False) -> None:
        """A perceptron's features, layers and initializer; other graphs (a CNN, anything
        built in the Editor) have none of these here, so the groups are hidden."""
        editable = shape is not None
        self._applies.update(features=editable and not images, layers=editable)
        self._show_groups()
        self.init_combo.setVisible(editable)
        if not editable:
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
        for i, (label, (plus, minus)) in enumerate(zip(self.unit_labels, self.unit_buttons, strict=True)):
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
        self._classroom = dict(hidden)
        self._show_groups()

    def _show_groups(self) -> None:
        for key, box in self.groups.items():
            box.setVisible(self._applies[key] and not self._classroom.get(key, False))
