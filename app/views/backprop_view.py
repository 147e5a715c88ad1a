"""Slow-motion backprop (issue #12, Classroom, L3): one mini-batch through a small dense
network, one phase at a time — the forward values layer by layer, the loss, the
gradients flowing back, the weight update — and then the update made for real.

The numbers come from the "backprop" probe (asked once, computed on a copy of the
network: training is not changed); "Apply update" asks "backprop-apply", which makes
that step on the training network, and the next batch is asked for. Buttons, or the
←/→ keys while the view has focus, move through the phases. Edge colour: the sign
(orange negative, blue positive); width: the size of the weight, gradient or update.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.look import colours, theme
from app.views.saving import SavingMenuMixin

BATCH = 4
R = 18  # a neuron's radius


def _colour(value: float, peak: float) -> QColor:
    r, g, b = colours.signed_rgb(value / peak if peak > 0 else 0.0, pale=False)
    return QColor(int(r), int(g), int(b))


class BackpropView(SavingMenuMixin, QWidget):
    view_name = "backprop"
    subscriptionsChanged = Signal()
    asked = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: dict[str, np.ndarray] | None = None
        self._waiting = False  # a request is out
        self.phase, self.seed = 0, 0
        self.columns: list[str] = []  # node ids drawn as columns
        self.weights: list[str] = []  # the weight feeding column i + 1
        self.back = QPushButton("◀ Phase")
        self.next = QPushButton("Phase ▶")
        self.back.setToolTip("The phase before (←)")
        self.next.setToolTip("The next phase: forward, loss, backward, update, then the update is made (→)")
        # room for its longest text ("Apply update ▶"), whatever the title beside it wraps to
        self.next.setMinimumWidth(self.next.fontMetrics().horizontalAdvance("Apply update ▶") + 28)
        self.back.clicked.connect(lambda: self.go(self.phase - 1))
        self.next.clicked.connect(self.forward)
        self.title = QLabel("")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        row = QHBoxLayout()  # the title wraps on its own row: the tab fits the narrow column
        row.addWidget(self.back)
        row.addWidget(self.next)
        row.addStretch(1)
        self.scene = QGraphicsScene(self)
        self.canvas = QGraphicsView(self.scene)
        self.canvas.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.title)
        layout.addWidget(self.canvas, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        theme.follow(self, lambda w, t: w.canvas.setBackgroundBrush(QColor(t.background)) or w._draw())

    # -- the view protocol -----------------------------------------------------------
    def note_for(self, project, dataset) -> str | None:
        from engine.graph.mlp import layer_chain

        if layer_chain(project.graph) is None:
            return "Slow-motion backprop draws plain dense networks; this graph is not one."
        return None

    def set_project(self, project, dataset) -> None:
        self.data, self.phase, self.seed, self._waiting = None, 0, 0, False
        self._draw()  # the first snapshot asks for the first batch

    def subscriptions(self) -> dict:
        return {}  # asked once per batch: the phases are stepped by hand

    def show_snapshot(self, snapshot) -> None:
        if self.data is None and not self._waiting:
            self.ask()

    def view_data(self) -> dict[str, np.ndarray]:
        return dict(self.data or {})

    def ask(self) -> None:
        self._waiting = True
        self.asked.emit("backprop", {"batch": BATCH, "seed": self.seed})

    def answer(self, probe: str, value, error) -> None:
        self._waiting = False
        if error:
            self.title.setText(error)
            return
        if probe == "backprop-apply":  # the update is made: the next batch, from its start
            self.seed += 1
            self.phase = 0
            self.ask()
            return
        self.data = value
        self._layout_columns()
        self.go(min(self.phase, len(self.phases()) - 1))

    # -- phases ----------------------------------------------------------------------
    def phases(self) -> list[tuple[str, str, int]]:
        """(title, kind, column) for each phase of the current batch."""
        n = len(self.columns)
        if not n:
            return [("Waiting for the network…", "none", 0)]
        out = [(f"Forward {i}/{n - 1}: {self.columns[i]}'s values", "forward", i) for i in range(n)]
        loss = float(self.data["loss"]) if self.data else float("nan")
        out.append((f"Loss over {BATCH} samples: {loss:.4f}", "loss", n - 1))
        out += [
            (f"Backward: ∂L/∂{self.columns[i]} and its weights' gradients", "backward", i)
            for i in range(n - 1, 0, -1)
        ]
        lr = float(self.data["lr"]) if self.data else 0.0
        out.append((f"Update: w ← w − {lr:g}·∂L/∂w (press ▶ to make it)", "update", 0))
        return out

    def go(self, index: int) -> None:
        self.phase = max(0, min(index, len(self.phases()) - 1))
        self.back.setEnabled(self.phase > 0)
        self.next.setText("Apply update ▶" if self.phases()[self.phase][1] == "update" else "Phase ▶")
        self._draw()

    def forward(self) -> None:
        if self.data is not None and self.phases()[self.phase][1] == "update":
            self._waiting = True
            self.asked.emit("backprop-apply", {"batch": BATCH, "seed": self.seed})
            return
        self.go(self.phase + 1)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Right:
            self.forward()
        elif event.key() == Qt.Key.Key_Left:
            self.go(self.phase - 1)
        else:
            super().keyPressEvent(event)

    def _layout_columns(self) -> None:
        """Columns: the first value (features or input), each activation, the head; the
        weights between them in order."""
        d = self.data or {}
        values = [k[len("value/") :] for k in d if k.startswith("value/")]
        weighted = [v for v in values if f"weight/layers.{v}.weight" in d]
        self.weights = weighted
        self.columns = [values[0]] + [v for v in values[1:] if v not in weighted]
        if weighted and weighted[-1] == values[-1]:
            self.columns.append(values[-1])  # the head: weights and the output in one
        if len(self.columns) != len(self.weights) + 1:
            self.columns, self.weights = [], []

    # -- drawing ---------------------------------------------------------------------
    def _draw(self) -> None:
        self.scene.clear()
        t = theme.current()
        title, kind, col = self.phases()[self.phase]
        self.title.setText(f"{self.phase + 1}/{len(self.phases())}  {title}")
        if not self.columns or self.data is None:
            return
        d = self.data
        xs = [80 + 170 * i for i in range(len(self.columns))]
        units = [d[f"value/{c}"].shape[1] for c in self.columns]
        ys = [[60 + 56 * j + 28 * (max(units) - u) for j in range(u)] for u in units]
        # edges: weights (forward, loss), their gradients (backward), the update
        for i, w in enumerate(self.weights):
            key = f"layers.{w}.weight"
            shown = {"backward": "wgrad", "update": "update"}.get(kind, "weight")
            active = (
                kind in ("update",) or (kind == "backward" and i + 1 >= col) or kind in ("forward", "loss")
            )
            if kind == "forward" and i + 1 > col:
                active = False
            m = d[f"{shown}/{key}"]
            peak = float(np.abs(m).max()) or 1.0
            for a in range(m.shape[1]):
                for b in range(m.shape[0]):
                    v = float(m[b, a])
                    pen = QPen(_colour(v, peak) if active else QColor(t.frame))
                    pen.setWidthF(0.5 + 5 * abs(v) / peak if active else 1.0)
                    self.scene.addLine(xs[i] + R, ys[i][a], xs[i + 1] - R, ys[i + 1][b], pen)
        # neurons: the batch's mean value (forward) or mean gradient (backward)
        font = QFont(self.font())
        for i, c in enumerate(self.columns):
            # the inputs carry no gradient: they keep showing their values
            what = "grad" if kind in ("backward", "update") and i > 0 else "value"
            lit = (kind == "forward" and i <= col) or kind == "loss" or (kind == "backward" and i >= col)
            lit = lit or kind == "update"
            values = d[f"{what}/{c}"].mean(axis=0)
            peak = float(np.abs(values).max()) or 1.0
            head = self.scene.addText(c, font)
            head.setDefaultTextColor(QColor(t.text))
            head.setPos(xs[i] - head.boundingRect().width() / 2, 14)
            for j, v in enumerate(values):
                fill = _colour(float(v), peak) if lit else QColor(t.background)
                self.scene.addEllipse(
                    xs[i] - R, ys[i][j] - R, 2 * R, 2 * R, QPen(QColor(t.axis)), QBrush(fill)
                )
                if lit:
                    label = self.scene.addText(f"{v:+.3f}", font)
                    label.setDefaultTextColor(QColor(t.text))
                    label.setPos(QPointF(xs[i] - label.boundingRect().width() / 2, ys[i][j] + R - 2))
        if kind == "loss":
            text = self.scene.addText(f"L = {float(d['loss']):.4f}", font)
            text.setDefaultTextColor(QColor(t.text))
            text.setPos(xs[-1] + R + 10, ys[-1][0] - 12)
        self.canvas.fitInView(
            self.scene.itemsBoundingRect().adjusted(-10, -10, 10, 10), Qt.AspectRatioMode.KeepAspectRatio
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.scene.items():
            self.canvas.fitInView(
                self.scene.itemsBoundingRect().adjusted(-10, -10, 10, 10), Qt.AspectRatioMode.KeepAspectRatio
            )
