"""One numbered step of a lesson as the panel shows it: its text, then what its check
measured; tinted while current, green once the check is met."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from app.look.colours import BLUE, RIGHT

CURRENT = "rgba({}, {}, {}, 40)".format(*BLUE)
MET = "rgba({}, {}, {}, 55)".format(*RIGHT)
MET_TEXT = "rgb({}, {}, {})".format(*RIGHT)


class StepCard(QFrame):
    def __init__(self, number: int, text: str, has_check: bool) -> None:
        super().__init__()
        self.setObjectName("step")
        self.number, self.has_check = number, has_check
        self.current = self.done = self.met = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(3)
        self.label = QLabel(f"<b>{number}.</b> {' '.join(text.split())}")
        self.label.setWordWrap(True)
        self.status = QLabel("Check: not met yet" if has_check else "")
        self.status.setWordWrap(True)
        self.status.setVisible(has_check)
        layout.addWidget(self.label)
        layout.addWidget(self.status)
        self._restyle()

    def set_state(self, *, current: bool | None = None, done: bool | None = None) -> None:
        if current is not None:
            self.current = current
        if done is not None:
            self.done = done
        self._restyle()

    def show_measured(self, text: str, met: bool) -> None:
        """What the check measured; once met, the step stays green."""
        self.met = self.met or met
        mark = "✓ met" if self.met else "not met yet"
        self.status.setText(f"Check: {text} ({mark})")
        self._restyle()

    def _restyle(self) -> None:
        background = MET if self.met else (CURRENT if self.current else "transparent")
        border = MET_TEXT if self.met else ("palette(highlight)" if self.current else "palette(mid)")
        width = 2 if self.current else 1
        self.setStyleSheet(
            f"QFrame#step {{ background: {background}; border: {width}px solid {border};"
            " border-radius: 5px; }"
        )
        self.status.setStyleSheet(f"color: {MET_TEXT}; font-weight: bold;" if self.met else "")
