"""Drawing decoded images for the latent views: (C, H, W) arrays as grey pictures,
rows of them with titles, and the sentence a latent view shows when a graph has no
latent code."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.look import theme
from app.views.sample_grid import grey_image
from app.views.saving import SavingMenuMixin

TITLE_H = 20  # pixels above each row for its title


def picture(image: np.ndarray) -> QImage:
    """A decoded (C, H, W) or (H, W) image, first channel, as a grey picture."""
    a = np.asarray(image)
    return grey_image(a[0] if a.ndim == 3 else a)


def latent_of(project, dataset):
    """The latent (engine.probes.latent.Latent) of a fresh model of ``project``, or None."""
    import torch

    from engine.builder import build_model
    from engine.probes.latent import find_latent

    if dataset.is_2d:
        return None
    try:
        model = build_model(project.graph, dataset.spec, 0)
    except Exception:  # noqa: BLE001 - a graph that cannot build has no latent to show
        return None
    return find_latent(model, torch.as_tensor(dataset.x_test[:1]))


def no_latent_note(project, dataset) -> str | None:
    if latent_of(project, dataset) is None:
        return (
            "This graph has no latent code to explore: it needs an Output whose target is "
            "the input image (a reconstruction) fed through a narrower layer or a Sampling node."
        )
    return None


class ImageRows(QWidget):
    """Rows of equally sized pictures, each row under its title."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, list[QImage]]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 160)
        theme.follow(self, lambda w, _t: w.update(), now=False)

    def set_rows(self, rows: list[tuple[str, list[QImage]]]) -> None:
        self.rows = rows
        self.update()

    def side(self) -> float:
        cols = max((len(images) for _, images in self.rows), default=1) or 1
        n = max(len(self.rows), 1)
        return max(4.0, min(self.width() / cols, self.height() / n - TITLE_H))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        t = theme.current()
        p.fillRect(self.rect(), QColor(t.background))
        side = self.side()
        pad = max(1.0, side * 0.05)
        for r, (title, images) in enumerate(self.rows):
            y = r * (side + TITLE_H)
            p.setPen(QColor(t.text))
            p.drawText(QRectF(4, y, self.width() - 8, TITLE_H), Qt.AlignmentFlag.AlignVCenter, title)
            p.setPen(QPen(QColor(t.frame), 1))
            for c, img in enumerate(images):
                box = QRectF(c * side + pad, y + TITLE_H + pad, side - 2 * pad, side - 2 * pad)
                p.drawImage(box, img)
                p.drawRect(box)
        p.end()


class Picture(QWidget):
    """One picture, as large as fits, square pixels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_image(self, image: QImage | None) -> None:
        self.image = image
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        t = theme.current()
        p.fillRect(self.rect(), QColor(t.background))
        if self.image is not None:
            side = min(self.width(), self.height()) - 8
            box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
            p.drawImage(box, self.image)
            p.setPen(QPen(QColor(t.frame), 1))
            p.drawRect(box)
        p.end()


class ImageRowsView(SavingMenuMixin, QWidget):
    """A view drawing ImageRows with a one-sentence summary under them; subclasses name
    the hint shown before the first snapshot (``HINT``)."""

    subscriptionsChanged = Signal()
    HINT = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: dict | None = None
        self.rows = ImageRows()
        self.summary = QLabel(self.HINT)
        self.summary.setWordWrap(True)
        theme.follow(self.summary, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 4px;"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.rows, 1)
        layout.addWidget(self.summary)

    def set_project(self, _project, _dataset) -> None:
        self.value = None
        self.rows.set_rows([])
