"""The inspector: the selected node's title and parameters, one editor per parameter kind.

Each edit becomes a request to the editor (a SetParams or SetLabel command); a value the
parameter refuses is explained by the editor and the field goes back to the model's value.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.editor import theme
from engine.graph.catalogue import Param, node_type


def parse_shape(text: str) -> list:
    """'1, 8, 8' or '1x8x8' -> [1, 8, 8]; anything else comes back as the raw text to refuse."""
    parts = [p for p in text.replace("×", ",").replace("x", ",").replace(" ", ",").split(",") if p]
    try:
        return [int(p) for p in parts]
    except ValueError:
        return [text]  # Param.check words the refusal


def _limit(value, default):
    return default if value is None else value


class Inspector(QWidget):
    paramsEdited = Signal(str, dict)  # node id, {name: value}
    labelEdited = Signal(str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.node_id: str | None = None
        self.editors: dict[str, QWidget] = {}
        self.heading = QLabel("Nothing selected")
        self.heading.setFont(theme.font(10, bold=True))
        self.doc = QLabel(wordWrap=True)
        self.doc.setStyleSheet(f"color: {theme.TEXT_DIM.name()}")
        self.info = QLabel(wordWrap=True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        lay = QVBoxLayout(self)
        lay.addWidget(self.heading)
        lay.addWidget(self.doc)
        lay.addLayout(self.form)
        lay.addWidget(self.info)
        lay.addStretch(1)

    def show_node(self, node, validation=None, selected: int = 1) -> None:
        """Rebuild the form for ``node`` (None clears it); refills values of the same node."""
        if node is None:
            self.node_id = None
            self._clear()
            self.heading.setText(f"{selected} nodes selected" if selected > 1 else "Nothing selected")
            self.doc.setText(
                "Ctrl+G groups them into a block; Ctrl+D duplicates them."
                if selected > 1
                else "Select a node to edit its settings."
            )
            self.info.setText("")
            return
        spec = node_type(node.type)
        if node.id != self.node_id or set(self.editors) != {"label", *(p.name for p in spec.params)}:
            self.node_id = node.id
            self._clear()
            self.editors["label"] = self._label_editor()
            self.form.addRow("Title", self.editors["label"])
            for p in spec.params:
                self.editors[p.name] = self._editor(p)
                self.form.addRow(p.name, self.editors[p.name])
        self.heading.setText(f"{node.type}  ·  {node.id}")
        self.doc.setText(spec.doc)
        self._fill(node)
        self._show_info(node, validation)

    def _show_info(self, node, v) -> None:
        if v is None:
            return
        lines = []
        if node.id in v.errors:
            lines.append(f"<span style='color:{theme.ERROR.name()}'>{v.errors[node.id]}</span>")
        for port in node_type(node.type).outputs:
            value = v.values.get((node.id, port.name))
            if value is not None:
                lines.append(f"{port.name}: {value}")
        if v.param_counts.get(node.id):
            lines.append(f"{v.param_counts[node.id]:,} parameters")
        self.info.setText("<br>".join(lines))

    def _clear(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}

    def _label_editor(self) -> QLineEdit:
        edit = QLineEdit(placeholderText="(the node type)")
        edit.editingFinished.connect(lambda: self.labelEdited.emit(self.node_id, edit.text().strip()))
        return edit

    def _editor(self, p: Param) -> QWidget:
        emit = lambda value, name=p.name: self.paramsEdited.emit(self.node_id, {name: value})
        if p.kind == "int":
            w = QSpinBox()
            w.setRange(int(_limit(p.low, -(10**6))), int(_limit(p.high, 10**6)))
            w.setKeyboardTracking(False)  # one edit per committed number, not per keystroke
            w.valueChanged.connect(lambda v: emit(int(v)))
        elif p.kind == "float":
            w = QDoubleSpinBox()
            w.setDecimals(3)
            w.setSingleStep(0.05)
            w.setRange(_limit(p.low, -1e6), _limit(p.high, 1e6))
            w.setKeyboardTracking(False)
            w.valueChanged.connect(lambda v: emit(float(v)))
        elif p.kind == "bool":
            w = QCheckBox()
            w.toggled.connect(lambda v: emit(bool(v)))
        elif p.kind == "choice":
            w = QComboBox()
            w.addItems([str(c) for c in p.choices])
            w.activated.connect(lambda i, ch=p.choices: emit(ch[i]))
        elif p.kind == "features":
            w = QListWidget()
            for c in p.choices:
                item = QListWidgetItem(str(c))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                w.addItem(item)
            w.setMaximumHeight(18 * len(p.choices) + 6)
            w.itemChanged.connect(
                lambda _i, lw=w: emit(
                    [
                        lw.item(i).text()
                        for i in range(lw.count())
                        if lw.item(i).checkState() == Qt.CheckState.Checked
                    ]
                )
            )
        else:  # "shape" and any text-like kind
            w = QLineEdit(placeholderText="e.g. 1, 8, 8")
            w.editingFinished.connect(lambda lw=w: emit(parse_shape(lw.text())))
        w.setToolTip(p.help)
        return w

    def _fill(self, node) -> None:
        """Show the model's values without emitting edits."""
        for name, w in self.editors.items():
            w.blockSignals(True)
            try:
                value = node.label if name == "label" else node.params.get(name)
                if isinstance(w, QSpinBox | QDoubleSpinBox):
                    w.setValue(value)
                elif isinstance(w, QCheckBox):
                    w.setChecked(bool(value))
                elif isinstance(w, QComboBox):
                    w.setCurrentText(str(value))
                elif isinstance(w, QListWidget):
                    for i in range(w.count()):
                        on = w.item(i).text() in value
                        w.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                elif name == "label":
                    w.setText(value)
                else:
                    w.setText(", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value))
            finally:
                w.blockSignals(False)
