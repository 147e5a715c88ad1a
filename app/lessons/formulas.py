"""The formulas of a lesson, one label each: HTML with Unicode, sub and sup, in a serif
font larger than the text. A formula never wraps mid-term: where the panel is too narrow
for it, its font shrinks (down to the text's size) until it fits; only then it wraps."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy

LARGE = 1.45  # formulas read larger than the text around them
SMALLEST = 1.0  # ... and never smaller than it
FAMILIES = ["STIX Two Math", "Cambria Math", "DejaVu Serif", "serif"]


class FormulaLabel(QLabel):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setText(html)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.base = self.font().pointSizeF()
        self.scale = LARGE
        self._fit(10_000)

    def natural_width(self, scale: float) -> float:
        """How wide the formula is on one line at ``scale`` times the text size."""
        doc = QTextDocument()
        doc.setDefaultFont(self._font(scale))
        doc.setHtml(self.html)
        doc.setDocumentMargin(0)
        return doc.idealWidth()

    def _font(self, scale: float) -> QFont:
        font = QFont(self.font())
        font.setFamilies(FAMILIES)
        font.setPointSizeF(self.base * scale)
        return font

    def _fit(self, width: int) -> None:
        scale = LARGE
        while scale > SMALLEST and self.natural_width(scale) > width:
            scale = max(SMALLEST, scale - 0.05)
        self.scale = scale
        self.setFont(self._font(scale))
        self.setWordWrap(self.natural_width(scale) > width)  # the last resort: no clipping

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Any width: the font shrinks, then the formula wraps (never the panel grows)."""
        return QSize(1, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._fit(max(1, event.size().width() - 2))
        super().resizeEvent(event)

    def fits(self) -> bool:
        """Whether the whole formula shows on one line at the label's width."""
        return self.natural_width(self.scale) <= self.width()
