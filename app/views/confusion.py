"""The "confusion" view: the test set's confusion matrix (true class down, predicted
across; counts in the cells, colour by the share of the true class's row) and the most
confused pairs. A click on a cell selects the first test sample behind it, a second
click the next one."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolTip, QWidget

from app.look import theme
from app.look.colours import BLUE, WRONG, mix
from app.views.sample_grid import is_classifier, label_text
from app.views.saving import SavingMenuMixin

TOP_PAIRS = 6  # confused pairs listed beside the matrix
TITLE = 18  # pixels for an axis title ("true", "predicted")


def confused_pairs(matrix: np.ndarray, top: int = TOP_PAIRS) -> list[tuple[int, int, int]]:
    """(true, predicted, count) of the largest off-diagonal cells, most first (ties by
    true then predicted class); cells with no sample are left out."""
    m = np.asarray(matrix).copy()
    np.fill_diagonal(m, 0)
    cells = [(int(-m[t, p]), t, p) for t in range(len(m)) for p in range(len(m)) if m[t, p] > 0]
    return [(t, p, -c) for c, t, p in sorted(cells)[:top]]


def row_shares(matrix: np.ndarray) -> np.ndarray:
    """Each cell over its row's total (0 for an empty row)."""
    m = np.asarray(matrix, np.float64)
    totals = m.sum(1, keepdims=True)
    return np.divide(m, totals, out=np.zeros_like(m), where=totals > 0)


class _Matrix(QWidget):
    cellClicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix: np.ndarray | None = None
        self.names: list[str] = []
        self.marked: tuple[int, int] | None = None  # the selected sample's cell
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 240)
        theme.follow(self, lambda w, _t: w.update(), now=False)

    def geometry_of_cells(self) -> tuple[float, float, float]:
        """(left, top, side) of the square cells."""
        k = len(self.names) or 1
        m = self.margin()
        side = max(4.0, min(self.width() - m - 8, self.height() - m - 8) / k)
        return m, m, side

    def margin(self) -> float:
        """Pixels left of and above the cells: the longest class name and an axis title."""
        metrics = QFontMetricsF(self.font())
        return TITLE + 8 + max([metrics.horizontalAdvance(n) for n in self.names] or [0.0])

    def cell_rect(self, t: int, p: int) -> QRectF:
        x0, y0, side = self.geometry_of_cells()
        return QRectF(x0 + p * side, y0 + t * side, side, side)

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        x0, y0, side = self.geometry_of_cells()
        k = len(self.names)
        c, r = int((pos.x() - x0) // side), int((pos.y() - y0) // side)
        if pos.x() < x0 or pos.y() < y0 or not (0 <= r < k and 0 <= c < k):
            return None
        return r, c

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            cell = self.cell_at(QPointF(event.pos()))
            if cell is None or self.matrix is None:
                QToolTip.hideText()
            else:
                t, p = cell
                n = int(self.matrix[t, p])
                text = f"true {self.names[t]}, predicted {self.names[p]}: {n} test sample{'s' * (n != 1)}"
                QToolTip.showText(event.globalPos(), text + (" (click to select one)" if n else ""), self)
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        cell = self.cell_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and cell is not None:
            self.cellClicked.emit(*cell)
            event.accept()
        else:
            super().mousePressEvent(event)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        t = theme.current()
        p.fillRect(self.rect(), QColor(t.background))
        if self.matrix is None:
            p.end()
            return
        k = len(self.names)
        x0, y0, side = self.geometry_of_cells()
        shares = row_shares(self.matrix)
        bg = QColor(t.background)
        ground = (bg.red(), bg.green(), bg.blue())
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, min(10.0, side / 4)))
        p.setFont(font)  # the counts scale with the cells; names keep the widget's font
        for r in range(k):
            for c in range(k):
                box = self.cell_rect(r, c)
                s = shares[r, c]
                base = BLUE if r == c else WRONG  # right answers blue, mistakes vermillion
                # fading into the theme's background, so that a dark theme keeps dark empty cells
                p.fillRect(box, QColor(*mix(base, towards=ground, t=1.0 - s)))
                p.setPen(QPen(QColor(t.frame), 1))
                p.drawRect(box)
                count = int(self.matrix[r, c])
                if count:
                    p.setPen(QColor(255, 255, 255) if s > 0.5 else QColor(t.text))
                    p.drawText(box, Qt.AlignmentFlag.AlignCenter, str(count))
        if self.marked is not None and all(0 <= i < k for i in self.marked):
            p.setPen(QPen(QColor(t.text), 3))
            p.drawRect(self.cell_rect(*self.marked).adjusted(1, 1, -1, -1))
        p.setFont(self.font())
        p.setPen(QColor(t.text))
        for i, name in enumerate(self.names):
            p.drawText(
                QRectF(TITLE, y0 + i * side, x0 - TITLE - 4, side),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            p.save()  # column names turned, so that long names (shapes) fit
            p.translate(x0 + (i + 0.5) * side, y0 - 4)
            p.rotate(-90)
            p.drawText(
                QRectF(0, -side / 2, x0 - TITLE, side),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            p.restore()
        p.setPen(QColor(t.muted))
        p.drawText(QRectF(x0, 0, k * side, 14), Qt.AlignmentFlag.AlignHCenter, "predicted →")
        p.save()
        p.translate(2, y0 + k * side / 2)
        p.rotate(-90)
        p.drawText(QRectF(-60, 0, 120, 14), Qt.AlignmentFlag.AlignHCenter, "true →")
        p.restore()
        p.end()


class QtConfusionView(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    sampleSelected = Signal(int)
    view_name = "confusion"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cells = _Matrix()
        self.cells.cellClicked.connect(self._cell_clicked)
        self.pairs_label = QLabel()
        self.pairs_label.setWordWrap(True)
        self.pairs_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.pairs_label.setMinimumWidth(170)
        self.pairs_label.setMaximumWidth(240)
        theme.follow(self.pairs_label, lambda w, t: w.setStyleSheet(f"color: {t.text}; padding: 6px;"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.cells, 1)
        layout.addWidget(self.pairs_label)
        self.labels: np.ndarray | None = None
        self.predicted: np.ndarray | None = None
        self.selected = 0
        self.dataset_name = ""

    # -- the registry's view protocol ---------------------------------------------------
    def set_project(self, _project, dataset) -> None:
        self.dataset_name = dataset.name
        self.labels = np.asarray(dataset.y_test).reshape(-1).astype(np.int64)
        k = max(int(dataset.classes or 0), 2)
        self.cells.names = [label_text(dataset.name, i) for i in range(k)]
        self.cells.matrix = self.predicted = None
        self.cells.marked = None
        self.pairs_label.setText("")
        self.cells.update()

    def note_for(self, project, dataset) -> str | None:
        if not dataset.classes:
            return "A confusion matrix needs classes; this project's targets are values."
        if not is_classifier(project, dataset):
            return (
                "This network does not classify (no Output with a class loss), so it has no confusion matrix."
            )
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {"confusion": {}}

    def set_selected_sample(self, index: int) -> None:
        self.selected = int(index)
        self._mark()

    def show_snapshot(self, snapshot) -> None:
        value = snapshot.probes.get("confusion")
        if value is not None:
            self.show_matrix(np.asarray(value["matrix"]), np.asarray(value["predicted"]))

    def view_data(self) -> dict:
        if self.cells.matrix is None:
            return {}
        pairs = confused_pairs(self.cells.matrix)
        return {
            "matrix": self.cells.matrix,
            "row_shares": row_shares(self.cells.matrix),
            "confused_pairs": np.array(pairs, np.int64).reshape(-1, 3),
            "predicted": self.predicted,
        }

    # -- drawing and clicks ------------------------------------------------------------
    def show_matrix(self, matrix: np.ndarray, predicted: np.ndarray) -> None:
        self.cells.matrix, self.predicted = matrix, predicted
        names = self.cells.names
        total = int(matrix.sum())
        accuracy = np.trace(matrix) / total if total else 0.0
        lines = [
            f"<b>Test accuracy {accuracy:.1%}</b> ({int(np.trace(matrix))} of {total})",
            "",
            "<b>Most confused</b> (true → predicted)",
        ]
        pairs = confused_pairs(matrix)
        lines += [f"{names[t]} → {names[p]}: {n}" for t, p, n in pairs] or [
            "none: every test sample is right"
        ]
        self.pairs_label.setText("<br>".join(lines))
        self._mark()

    def samples_in(self, true: int, predicted: int) -> np.ndarray:
        """The test samples of class ``true`` the network calls ``predicted``, in order."""
        if self.predicted is None or self.labels is None:
            return np.zeros(0, np.int64)
        return np.flatnonzero((self.labels == true) & (self.predicted == predicted))

    def first_sample(self, true: int, predicted: int) -> int | None:
        """The first test sample of class ``true`` the network calls ``predicted``; when
        the selected sample is already one of them, the next one (so that clicking a cell
        again steps through its samples)."""
        hits = self.samples_in(true, predicted)
        if not hits.size:
            return None
        later = hits[hits > self.selected] if self.selected in hits else hits
        return int(later[0]) if later.size else int(hits[0])

    def _cell_clicked(self, true: int, predicted: int) -> None:
        index = self.first_sample(true, predicted)
        if index is not None:
            self.set_selected_sample(index)
            self.sampleSelected.emit(index)

    def _mark(self) -> None:
        ok = self.predicted is not None and self.labels is not None and 0 <= self.selected < len(self.labels)
        self.cells.marked = (
            (int(self.labels[self.selected]), int(self.predicted[self.selected])) if ok else None
        )
        self.cells.update()
