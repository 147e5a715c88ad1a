"""Start the GUI: ``run_gui`` is what ``nodeplay`` and ``nodeplay open FILE`` call."""

from __future__ import annotations

import sys

from engine.presets import DEFAULT, load_preset
from engine.project import load_project


def run_gui(path: str | None = None) -> int:
    """Open the main window on the project at ``path`` (or the default preset)."""
    from PySide6.QtWidgets import QApplication

    from app.window import MainWindow

    project = load_project(path) if path else load_preset(DEFAULT)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Nodeplay")
    window = MainWindow(project)
    window.show()
    return int(app.exec())
