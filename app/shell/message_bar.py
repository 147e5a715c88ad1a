"""The message bar above the views: one sentence, red for a refusal, blue for news."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class MessageBar(QFrame):
    """A non-blocking message, closed by its button, the next Reset, or (an error) by a
    later edit that was accepted."""

    STYLES = {"error": ("#fde7e7", "#a11"), "info": ("#e7f1fb", "#124")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind: str | None = None  # what is on show; None while hidden
        self.text = QLabel()
        self.text.setWordWrap(True)
        # T-OOM: an offer the message makes ("Continue on the CPU"); shown with it only
        self.action = QPushButton()
        self.action.clicked.connect(self._act)
        self.action.hide()
        self._callback: Callable[[], object] | None = None
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        layout.addWidget(close)
        self.hide()

    def show_message(
        self, text: str, kind: str = "info", action: tuple[str, Callable[[], object]] | None = None
    ) -> None:
        """``action``: a button's text and what it does; the bar closes when it is pressed."""
        bg, fg = self.STYLES[kind]
        self.setStyleSheet(
            f"MessageBar {{ background: {bg}; border: 1px solid {fg}; "
            f"border-radius: 4px; }} QLabel {{ color: {fg}; }}"
        )
        self.text.setText(text)
        self.kind = kind
        self._callback = action[1] if action is not None else None
        self.action.setText(action[0] if action is not None else "")
        self.action.setVisible(action is not None)
        self.show()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt's name
        super().setVisible(visible)
        if not visible:
            self.kind = None
            self._callback = None

    def _act(self) -> None:
        callback = self._callback
        self.hide()
        if callback is not None:
            callback()

    def clear_error(self) -> None:
        """An edit went through: a refusal shown earlier no longer holds."""
        if self.kind == "error":
            self.hide()
