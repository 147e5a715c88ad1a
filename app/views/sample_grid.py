"""What the main window shows instead of the decision boundary for data that is not a
2-D plane: a short note and, for image data, a grid of test samples with their labels.
Also ``QtNoted``, a view that can give way to one sentence saying why it is empty."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QToolTip, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import RIGHT, WRONG
from app.views.saving import SavingMenuMixin
from engine.data.images import SHAPE_NAMES

MAX_SAMPLES = 48
LABEL_H = 18  # pixels under each image for its label


def label_text(dataset_name: str, label) -> str:
    """A sample's label as the user reads it: a digit, a shape's name, or a value."""
    value = np.asarray(label).reshape(-1)
    if value.size != 1:
        return ""
    v = value[0]
    if dataset_name == "shapes" and 0 <= int(v) < len(SHAPE_NAMES):
        return SHAPE_NAMES[int(v)]
    return f"{int(v)}" if float(v).is_integer() else f"{float(v):.3g}"


def is_classifier(project, dataset) -> bool:
    """Whether the project's network names classes (an Output with a class loss on
    labelled data): what the gallery's probabilities and the confusion matrix need."""
    graph = project.graph
    labelled = {
        e.dst
        for e in graph.edges
        if e.dst_port == "target" and e.src_port == "y" and graph.nodes[e.src].type == "Input"
    }
    return bool(getattr(dataset, "classes", None)) and any(
        n.type == "Output" and n.params.get("loss") in ("cross_entropy", "bce") and i in labelled
        for i, n in graph.nodes.items()
    )


def grey_image(values: np.ndarray) -> QImage:
    """An (H, W) array in [0, 1] (clipped) as an 8-bit grey image, dark ink on white."""
    v = np.clip(np.nan_to_num(np.asarray(values, np.float64)), 0.0, 1.0)
    data = np.ascontiguousarray(((1.0 - v) * 255).astype(np.uint8))
    h, w = data.shape
    return QImage(data.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


def picture(sample: np.ndarray) -> QImage:
    """A test sample (C, H, W) in [0, 1]: colour for three channels, else its first
    channel as dark ink on white."""
    if sample.shape[0] == 3:
        rgb = np.ascontiguousarray((np.clip(np.transpose(sample, (1, 2, 0)), 0, 1) * 255).astype(np.uint8))
        h, w, _ = rgb.shape
        return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    return grey_image(sample[0])


class _Grid(QWidget):
    clicked = Signal(int)  # the index of the sample clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: list[QImage] = []
        self.labels: list[str] = []
        self.answers: list[str] | None = None  # the network's, once it has some
        self.probabilities: np.ndarray | None = None  # (N, K), once the network has some
        self.class_names: list[str] = []
        self.selected: int | None = None  # the selected test sample, framed when on show
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)

    def cells(self) -> tuple[int, int, float]:
        """(columns, rows, cell side) that fit every image in the widget."""
        n = max(len(self.images), 1)
        best = (1, n, 0.0)
        for cols in range(1, n + 1):
            rows = -(-n // cols)
            side = min(self.width() / cols, (self.height()) / rows - LABEL_H)
            if side > best[2]:
                best = (cols, rows, side)
        return best

    def cell_box(self, i: int) -> QRectF:
        """Where sample ``i``'s cell (image and label) is drawn."""
        cols, _rows, side = self.cells()
        r, c = divmod(i, cols)
        x0 = (self.width() - cols * side) / 2
        return QRectF(x0 + c * side, r * (side + LABEL_H), side, side + LABEL_H)

    def index_at(self, pos: QPointF) -> int | None:
        """The sample whose cell holds ``pos`` (None: none there)."""
        for i in range(len(self.images)):
            if self.cell_box(i).contains(pos):
                return i
        return None

    def tooltip_for(self, i: int) -> str:
        """Sample ``i``'s label, the network's answer and its class probabilities."""
        text = f"Test sample {i}: {self.labels[i]}"
        if self.answers is not None and i < len(self.answers):
            text += f", the network says {self.answers[i]}"
        if self.probabilities is not None and i < len(self.probabilities):
            probs = self.probabilities[i]
            order = np.argsort(-probs)[:5]
            names = self.class_names or [str(k) for k in range(len(probs))]
            text += "\n" + "\n".join(f"{names[k] if k < len(names) else k}: {probs[k]:.1%}" for k in order)
        return text

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        i = self.index_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and i is not None:
            self.clicked.emit(i)
            event.accept()
        else:
            super().mousePressEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            i = self.index_at(QPointF(event.pos()))
            if i is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_for(i), self)
            return True
        return super().event(event)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        t = theme.current()
        p.fillRect(self.rect(), QColor(t.background))
        if not self.images:
            p.end()
            return
        cols, _rows, side = self.cells()
        pad = max(2.0, side * 0.08)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, min(11.0, side / 7)))
        p.setFont(font)
        x0 = (self.width() - cols * side) / 2
        metrics = QFontMetricsF(font)
        for i, (img, text) in enumerate(zip(self.images, self.labels, strict=True)):
            r, c = divmod(i, cols)
            x, y = x0 + c * side, r * (side + LABEL_H)
            box = QRectF(x + pad, y + pad, side - 2 * pad, side - 2 * pad)
            p.drawImage(box, img)
            answer = None if self.answers is None or i >= len(self.answers) else self.answers[i]
            colour, frame = QColor(t.text), QColor(t.frame)
            if answer is not None and answer == text:
                colour = QColor(*RIGHT)
            elif answer is not None:  # wrong: the label and the network's answer, in red
                colour = frame = QColor(*WRONG)
                text = f"{text} → {answer}"
                if metrics.horizontalAdvance(text) > side:
                    text = f"{self.labels[i][:3]}→{answer[:3]}"
            p.setPen(QPen(frame, 2 if frame != QColor(t.frame) else 1))
            p.drawRect(box)
            probs = (
                None if self.probabilities is None or i >= len(self.probabilities) else self.probabilities[i]
            )
            if probs is not None:  # a bar along the image's foot: the network's confidence in its answer
                bar = QRectF(box.left(), box.bottom() - 4, box.width() * float(probs.max()), 4)
                p.fillRect(bar, colour)
            if i == self.selected:
                p.setPen(QPen(QColor(t.text), 3))
                p.drawRect(box.adjusted(-pad / 2, -pad / 2, pad / 2, pad / 2))
            p.setPen(colour)
            p.drawText(
                QRectF(x, y + side - pad / 2, side, LABEL_H),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                text,
            )
        p.end()


class QtSampleGrid(SavingMenuMixin, QWidget):
    """A note over a grid of the dataset's first test images and their labels: the
    registry's "gallery" view."""

    subscriptionsChanged = Signal()
    sampleSelected = Signal(int)
    view_name = "gallery"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        theme.follow(self.note, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 6px;"))
        self.grid = _Grid()
        self.grid.clicked.connect(self._clicked)
        theme.follow(self.grid, lambda w, _t: w.update(), now=False)
        self.dataset_name = ""
        self._x = self._y = self._predicted = self._probabilities = None
        self._classifier = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(self.grid, 1)

    # -- the registry's view protocol (app.views.registry) ----------------------------
    def set_project(self, project, dataset) -> None:
        self._classifier = is_classifier(project, dataset)
        self.set_dataset(dataset)
        self.subscriptionsChanged.emit()

    def subscriptions(self) -> dict[str, dict]:
        subs: dict[str, dict] = {"predictions": {}}
        if self._classifier and self.grid.images:
            subs["class_probabilities"] = {"count": len(self.grid.images)}
        return subs

    def show_snapshot(self, snapshot) -> None:
        if snapshot.predictions is not None or snapshot.reset:
            self.show_predictions(snapshot.predictions)
        probs = snapshot.probes.get("class_probabilities")
        if probs is not None or snapshot.reset:
            self.show_probabilities(None if probs is None else probs["probabilities"])

    def set_selected_sample(self, index: int) -> None:
        """Frame test sample ``index`` (when it is among those shown)."""
        if self.grid.selected != int(index):
            self.grid.selected = int(index)
            self.grid.update()

    def _clicked(self, index: int) -> None:
        self.set_selected_sample(index)
        self.sampleSelected.emit(index)

    def show_probabilities(self, probabilities) -> None:
        """The network's class probabilities (N, K) for the samples on show."""
        n = len(self.grid.images)
        self._probabilities = None if probabilities is None else np.asarray(probabilities)[:n]
        self.grid.probabilities = self._probabilities
        self.grid.update()

    def view_data(self) -> dict:
        """The test images on show, their labels and the network's answers (if any)."""
        if self._x is None:
            return {}
        data = {"images": self._x, "labels": self._y}
        if self._predicted is not None:
            data["predictions"] = self._predicted
        if self._probabilities is not None:
            data["probabilities"] = self._probabilities
        return data

    def set_dataset(self, dataset) -> None:
        x, y = dataset.x_test, dataset.y_test
        images = x.ndim == 4 and x.shape[1] in (1, 3)  # grey or colour pictures
        shape = " × ".join(map(str, x.shape[1:]))
        if images:
            h, w = x.shape[2:]
            self.note.setText(
                f"{dataset.name}: {h}×{w} images, so there is no input plane to "
                "draw a decision boundary on. Below: test images and their "
                "labels, green where a classifier gets them right, red (label → "
                "its answer) where not; the bar along an image's foot is how sure "
                "the network is of its answer (hover for every class's "
                "probability). Click an image to select it for the feature maps."
            )
            n = min(MAX_SAMPLES, len(x))
            self.grid.images = [picture(x[i]) for i in range(n)]
            self.grid.labels = [label_text(dataset.name, y[i]) for i in range(n)]
            self._x, self._y = x[:n], y[:n]
        else:
            self.note.setText(
                f"{dataset.name}: samples of shape ({shape}) have no 2-D input "
                "plane to draw a decision boundary on; the loss plot and the "
                "Editor's node thumbnails show the training."
            )
            self.grid.images, self.grid.labels = [], []
            self._x = self._y = None
        self.dataset_name = dataset.name
        self.grid.class_names = [label_text(dataset.name, k) for k in range(int(dataset.classes or 0))]
        self.grid.answers = self._predicted = self._probabilities = self.grid.probabilities = None
        self.grid.setVisible(images)
        self.grid.update()

    def show_predictions(self, predicted) -> None:
        """The network's classes for the samples on show (None: no answers to show)."""
        self._predicted = None if predicted is None else np.asarray(predicted)[: len(self.grid.labels)]
        answers = (
            None
            if predicted is None
            else [label_text(self.dataset_name, v) for v in np.asarray(predicted)[: len(self.grid.labels)]]
        )
        if answers != self.grid.answers:
            self.grid.answers = answers
            self.grid.update()

    def accuracy_shown(self) -> float | None:
        """The share of samples on show the network gets right (None before answers)."""
        if not self.grid.answers:
            return None
        right = sum(a == t for a, t in zip(self.grid.answers, self.grid.labels, strict=False))
        return right / len(self.grid.answers)


class QtNoted(QStackedWidget):
    """A view, or one sentence saying why it has nothing to show."""

    def __init__(self, view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        theme.follow(self.note, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 24px;"))
        self.addWidget(view)
        self.addWidget(self.note)

    def set_note(self, text: str | None) -> None:
        """Show ``text`` instead of the view; None or "" shows the view."""
        self.note.setText(text or "")
        self.setCurrentWidget(self.note if text else self.view)

    def show_snapshot(self, snapshot) -> None:
        if self.currentWidget() is self.view:
            self.view.show_snapshot(snapshot)


def network_note(dataset, graph) -> str | None:
    """Why the network diagram cannot draw this project (None when it can)."""
    from engine.graph.mlp import describe_mlp

    if not dataset.is_2d:
        return (
            f"The network diagram draws perceptrons on 2-D points; this project learns "
            f"from {dataset.name} data. Its graph is in the Editor, where each node "
            "shows what flows out of it."
        )
    if describe_mlp(graph) is None:
        return (
            "This graph is not a plain layered perceptron, so the diagram cannot draw "
            "it; it is in the Editor."
        )
    return None


def hidden_note(dataset, graph) -> str | None:
    """Why the hidden-space view has nothing to show (None when it has)."""
    if not dataset.is_2d:
        return (
            f"The hidden space shows how a layer bends the 2-D input plane; "
            f"{dataset.name} data have no such plane. The Editor's node thumbnails show "
            "what each layer outputs."
        )
    if not any(n.type == "Activation" for n in graph.nodes.values()):
        return "This graph has no hidden layer (Activation node) whose space could be drawn."
    return None
