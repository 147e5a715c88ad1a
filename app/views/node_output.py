"""The large view of one node's output, opened from the editor (double-click a node):
its live thumbnail drawn big, updated with every snapshot while the dialog is open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from app.look import thumbnail

SIDE = 420  # pixels of the picture

CAPTIONS = {
    "map": "The node's first unit over the input plane (x1 left to right, x2 bottom to top); "
    "blue positive, orange negative (the colours of every view).",
    "image": "The first channel of the node's output for the first test image.",
    "histogram": "Histogram of the node's output values over a batch of test samples.",
}


class NodeOutputDialog(QDialog):
    def __init__(self, node_id: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.node_id = node_id
        self.setWindowTitle(f"Output of {title}")
        self.picture = QLabel("Waiting for the next snapshot… (press Play or Step)")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(SIDE, SIDE)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: #444;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption)
        self.thumb = None

    def show_thumbnails(self, thumbs: dict | None) -> None:
        thumb = (thumbs or {}).get(self.node_id)
        if thumb is None:
            return
        self.thumb = thumb
        pix = thumbnail.render(thumb, SIDE, SIDE)
        if pix is not None:
            self.picture.setPixmap(pix)
        text = CAPTIONS.get(thumb.kind, "")
        if thumb.kind == "histogram":
            text += f" Values from {thumb.lo:.3g} to {thumb.hi:.3g}."
        elif thumb.values.size:
            text += f" Values from {float(thumb.values.min()):.3g} to {float(thumb.values.max()):.3g}."
        self.caption.setText(text)
