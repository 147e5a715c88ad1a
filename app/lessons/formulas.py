"""The formulas of a lesson, one label each: HTML with Unicode, sub and sup, in a serif
font larger than the text. A formula never wraps mid-term: where the panel is too narrow
for it, its font shrinks (down to the text's size) until it fits; only then it wraps."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy

LARGE = 1.45  # formulas read larger than the text around them
SMALLEST = 1.0  # ... and never smaller than it
STEP = 0.05
SPARE = 24  # pixels a formula must have to spare before its font grows again (a scroll bar)
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
        self.setFont(self._font(LARGE))
        self._fitted_width = -1

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

    def fit(self) -> None:
        """Choose the largest font (LARGE down to SMALLEST) at which the formula fits."""
        width = max(1, self.width() - 2)
        if width == self._fitted_width:
            return
        self._fitted_width = width
        scale = LARGE
        while scale > SMALLEST and self.natural_width(scale) > width:
            scale = max(SMALLEST, round(scale - STEP, 2))
        # Growing back needs room to spare: a new font changes the label's height, which
        # can bring or take away the panel's scroll bar and so this width; without the
        # margin the two would chase each other.
        if scale > self.scale and self.natural_width(scale) > width - SPARE:
            scale = self.scale
        wrap = self.natural_width(scale) > width  # the last resort: no clipping
        if scale != self.scale or wrap != self.wordWrap():
            self.scale = scale
            self.setFont(self._font(scale))
            self.setWordWrap(wrap)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Any width: the font shrinks, then the formula wraps (never the panel grows)."""
        return QSize(1, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # after this event: a font set inside it would resize the label within it
        QTimer.singleShot(0, self, self.fit)

    def fits(self) -> bool:
        """Whether the whole formula shows on one line at the label's width."""
        return self.natural_width(self.scale) <= self.width()
