"""The HIDDEN LAYERS group of the Playground panel: add or remove layers, neurons per
layer, each layer's activation and its menu of batch norm, dropout and residual."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
)

from app.playground.panel_edits import MAX_LAYERS, add_layer, remove_layer, units
from engine.graph.catalogue import ACTIVATIONS

DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)  # the per-layer Dropout menu's rates
ACT_SHORT = {"leaky_relu": "leaky", "linear": "lin", "sigmoid": "sigm"}  # narrow combos


def _small_button(text: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    b.setFixedSize(22, 22)
    return b


class LayerControls:
    """Mixed into PlaygroundPanel, which provides ``_shape_edit`` and the layer handlers."""

    def _build_layers(self, box: QGroupBox) -> None:
        outer = QVBoxLayout(box)
        outer.setSpacing(4)
        top = QHBoxLayout()
        self.add_layer_button = _small_button("+", "Add a hidden layer")
        self.remove_layer_button = _small_button("−", "Remove the last hidden layer")
        self.add_layer_button.clicked.connect(lambda: self._shape_edit("Add a layer", add_layer))
        self.remove_layer_button.clicked.connect(lambda: self._shape_edit("Remove a layer", remove_layer))
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
            plus.clicked.connect(
                lambda _=False, i=i: self._shape_edit(
                    f"Layer {i + 1}: one more neuron", lambda s: units(s, i, +1)
                )
            )
            minus.clicked.connect(
                lambda _=False, i=i: self._shape_edit(
                    f"Layer {i + 1}: one neuron less", lambda s: units(s, i, -1)
                )
            )
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
        self.activation_combo.setToolTip(
            "Activation of every hidden layer (each layer's own combo can change it)"
        )
        self.activation_combo.currentTextChanged.connect(
            lambda fn: self._shape_edit(f"Activation {fn}", lambda s: s.set_activation(fn))
        )
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
            lambda index, i=i, c=combo: self._layer_activation_chosen(i, c.itemData(index))
        )
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

    def _show_layer_extras(self, i: int, drop: float, norm: bool, skip: bool) -> None:
        actions, more = self.layer_actions[i], self.layer_more_buttons[i]
        actions["batchnorm"].setChecked(norm)
        actions["residual"].setChecked(skip)
        closest = min(DROPOUTS, key=lambda p: abs(p - drop))
        for p in DROPOUTS:
            actions[p].setChecked(p == closest)
        on = [t for t, v in (("batch norm", norm), (f"dropout {drop:g}", drop > 0), ("residual", skip)) if v]
        more.setToolTip(
            f"Layer {i + 1}: "
            + (", ".join(on) if on else "no batch norm, dropout or residual connection")
            + " (click to change)"
        )
        more.setStyleSheet(
            "QToolButton::menu-indicator { image: none; width: 0; }"
            + (
                "QToolButton { color: white; background: #0877bd; "
                "border: 1px solid #065a8f; border-radius: 3px; font-weight: bold; }"
                if on
                else ""
            )
        )
