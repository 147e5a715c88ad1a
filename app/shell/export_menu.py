"""File > Export as Python… / Export as ONNX…: the current project, trained weights included.

The weights come back from the worker through Capture -> StateCaptured, as when
saving; the export itself (dataset, model build, ONNX tracing: up to a few hundred
milliseconds) runs on a plain thread so that the window keeps drawing, and its
result comes back to the GUI thread through a queued signal.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu

from engine.errors import NodeplayError
from engine.export import export_onnx, export_python

FORMATS = {"python": "Python", "onnx": "ONNX"}


class ExportRunner(QObject):
    """Runs one export off the GUI thread; ``done`` carries (ok, message) back to it."""

    done = Signal(bool, str)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.thread: threading.Thread | None = None
        self.done.connect(self._report)

    def start(self, kind: str, path: str) -> None:
        """Capture the weights, then export ``kind`` ("python" or "onnx") to ``path``."""
        window, bridge = self.window, self.window.bridge
        if bridge is None or not bridge.running:  # no worker: the session is idle here
            self._run(kind, path, window.session.epoch, window.session.weights())
            return

        def captured(event) -> None:
            bridge.captured.disconnect(captured)
            if bridge is window.bridge:
                self._run(kind, path, event.epoch, event.weights)

        bridge.captured.connect(captured)
        bridge.capture()

    def _run(self, kind: str, path: str, epoch: int, weights) -> None:
        project = self.window.project.copy()  # the thread owns this copy alone
        project.epoch, project.weights = epoch, weights

        def work() -> None:
            try:
                if kind == "python":
                    export_python(project, path, force=True)  # the dialog asked already
                    ok, text = True, f"Exported {project.name} to {path}; run 'python train.py' there."
                else:
                    export_onnx(project, path, force=True)
                    ok, text = True, f"Exported {project.name} as ONNX to {path}."
            except NodeplayError as err:
                ok, text = False, str(err)
            except OSError as err:
                ok, text = False, f"The export to {path} failed ({err.strerror or err})."
            try:
                self.done.emit(ok, text)  # queued to the GUI thread
            except RuntimeError:  # the window closed meanwhile: nobody is left to tell
                pass

        self.thread = threading.Thread(target=work, name=f"export-{kind}", daemon=True)
        self.thread.start()

    def _report(self, ok: bool, text: str) -> None:
        (self.window.show_info if ok else self.window.show_error)(text)


def ask_and_export(window, kind: str) -> None:
    name = window.project.name
    if kind == "python":
        path, _ = QFileDialog.getSaveFileName(
            window, "Export as Python: a new folder", f"{name}-pytorch", "Folders (*)"
        )
    else:
        path, _ = QFileDialog.getSaveFileName(
            window, "Export as ONNX", f"{name}.onnx", "ONNX models (*.onnx)"
        )
        if path and not Path(path).suffix:
            path += ".onnx"
    if path:
        window.exporter.start(kind, path)


def add_export_actions(window, menu: QMenu) -> None:
    """Add the two entries to ``menu``; ``window.exporter`` runs them."""
    window.exporter = ExportRunner(window)
    window.export_python_action = menu.addAction(
        "Export as &Python…", lambda: ask_and_export(window, "python")
    )
    window.export_python_action.setToolTip("model.py, train.py and the weights: runs without Nodeplay")
    window.export_onnx_action = menu.addAction("Export as &ONNX…", lambda: ask_and_export(window, "onnx"))
