"""Start the GUI: ``run_gui`` is what ``nodeplay`` and ``nodeplay open FILE`` call."""

from __future__ import annotations

import sys
from pathlib import Path

from engine.presets import DEFAULT, load_preset
from engine.project import Project, load_project


def run_gui(path: str | None = None, project: Project | None = None) -> int:
    """Open the main window on the project at ``path`` (or the default preset), with
    recent files, autosave and the unsaved-work prompts on; offer to restore work a
    crash left behind. ``project``: the file at ``path``, when the caller read it already."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.autosave import default_directory
    from app.bridge.gui_gc import collect_on_gui_thread
    from app.shell.crash_dialog import install_crash_dialog
    from app.shell.main_window import MainWindow
    from engine.train import compile_warmup

    if project is None:
        project = load_project(path) if path else load_preset(DEFAULT)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Nodeplay")
    collect_on_gui_thread()  # workers allocate too: a collection there would free widgets off-thread
    # settings in ~/.config/Nodeplay/Nodeplay.conf, autosaves in ~/.local/share/Nodeplay/autosave
    settings = QSettings("Nodeplay", "Nodeplay")
    window = MainWindow(project, settings=settings, autosave_dir=default_directory(), prompts=True)
    if path:  # Save writes back to it and Open Recent lists it
        window.document.set_path(Path(path))
    # issue #14: an unexpected exception autosaves the work and shows a dialog
    install_crash_dialog(window)
    window.show()
    compile_warmup.start()  # the training kernel compiles (or loads) once the window shows
    window.offer_recovery()
    return int(app.exec())
