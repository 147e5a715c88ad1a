"""The status bar's word on which path trains: "compiled kernel", "numpy,
compiling…" (the kernel is compiling in the background) or "torch" (issue #13)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

POLL_MS = 500  # the path changes once, when the compile ends, or with a new project


class TrainingPathLabel(QLabel):
    """Reads the current session's ``training_path`` (a string the worker replaces
    whole, so reading it here is safe) a few times a second."""

    def __init__(self, session: Callable[[], object | None]) -> None:
        super().__init__("")
        self._session = session
        self.setToolTip(
            "How the network trains: a compiled kernel for small dense networks, numpy "
            "while that kernel compiles, or torch for every other network"
        )
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(POLL_MS)
        self.refresh()

    def refresh(self) -> None:
        session = self._session()
        path = getattr(session, "training_path", None)
        text = f"  {path}  " if path else ""
        if text != self.text():
            self.setText(text)
