"""Recording the window while the user trains (View › Record training…; issue #12, L3).

A timer grabs the views at a fixed rate (``fps``), whatever the training speed; the
status bar shows a progress bar (frames kept of the most allowed, then frames written).
Stopping encodes on a plain thread (engine.export.animation: no Qt) and
the window says where the file went. MP4 is offered only with imageio-ffmpeg installed,
and its entry says that its bundled ffmpeg is GPL-licensed.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QFileDialog, QProgressBar, QWidget

from engine.errors import NodeplayError
from engine.export.animation import MP4_LICENCE, check_path, mp4_available, write_frames

FPS = 10
MAX_FRAMES = 1200  # two minutes at 10 frames a second: about 0.5 GB of frames at most
WIDTH = 960  # frames wider than this are scaled down (a GIF of a full HD window is huge)


def image_array(image: QImage) -> np.ndarray:
    """``image`` as RGB bytes (a copy: the QImage may go)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w, stride = rgb.height(), rgb.width(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return data[:, : w * 3].reshape(h, w, 3).copy()


def grab_frame(widget: QWidget, width: int | None = None) -> np.ndarray:
    """What ``widget`` shows now, scaled down to ``width`` pixels when wider."""
    image = widget.grab().toImage()
    if width is not None and image.width() > width:
        image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
    return image_array(image)


class LiveRecorder(QObject):
    """Frames of ``target`` (the window's views) at ``fps`` a second to a GIF or MP4."""

    progress = Signal(str, int, int)  # "record" or "write", done, total
    finished = Signal(str, str)  # the path and "" when written; else the sentence why not

    def __init__(self, target: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.target = target
        self.frames: list = []
        self.path: Path | None = None
        self.fps = FPS
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._grab)
        self._thread: threading.Thread | None = None
        # the writing thread only sets these; a GUI-thread timer reads them and signals
        self._written: tuple[int, int] = (0, 0)
        self._outcome: tuple[str, str] | None = None
        self.poll = QTimer(self)
        self.poll.setInterval(100)
        self.poll.timeout.connect(self._report)

    @property
    def recording(self) -> bool:
        return self.timer.isActive()

    @property
    def writing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, path, fps: float = FPS) -> None:
        """Start keeping frames for ``path``; a bad path is refused in a sentence."""
        if self.recording or self.writing:
            raise NodeplayError("A recording is already under way; stop it first.")
        self.path, self.fps, self.frames = check_path(path), fps, []
        self._grab()
        self.timer.start(round(1000 / fps))

    def _grab(self) -> None:
        self.frames.append(grab_frame(self.target, WIDTH))
        self.progress.emit("record", len(self.frames), MAX_FRAMES)
        if len(self.frames) >= MAX_FRAMES:
            self.stop()

    def stop(self) -> None:
        """Stop keeping frames and write them on a plain thread."""
        if not self.recording:
            return
        self.timer.stop()
        frames, path, fps = self.frames, self.path, self.fps
        self.frames = []

        self._written, self._outcome = (0, len(frames)), None

        def write() -> None:  # no Qt here: plain values for _report
            def done(d: int, t: int) -> None:
                self._written = (d, t)

            try:
                write_frames(frames, path, fps, len(frames), done)
            except NodeplayError as err:
                self._outcome = (str(path), str(err))
            except Exception as err:  # noqa: BLE001 - said in the window, never lost silently
                self._outcome = (str(path), f"The recording failed: {type(err).__name__}: {err}.")
            else:
                self._outcome = (str(path), "")

        self._thread = threading.Thread(target=write, name="nodeplay-record", daemon=True)
        self._thread.start()
        self.poll.start()

    def _report(self) -> None:
        self.progress.emit("write", *self._written)
        if self._outcome is not None:
            self.poll.stop()
            outcome, self._outcome = self._outcome, None
            self.finished.emit(*outcome)

    def wait(self, seconds: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(seconds)


def install_recording(window) -> LiveRecorder:
    """View › Record training… (and Stop recording) on ``window``, with a progress bar in
    its status bar; what app.main calls. Returns the recorder (``window.recorder``)."""
    recorder = LiveRecorder(window.centralWidget(), window)
    bar = QProgressBar()
    bar.setMaximumWidth(220)
    bar.setToolTip("Frames kept for the recording, then frames written")
    bar.hide()
    window.statusBar().addPermanentWidget(bar)
    action = QAction("&Record training…", window)
    action.setToolTip(
        "Record the views to a GIF (or an MP4) at a fixed rate while you train; choose again to stop"
    )
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.menu() and "View" in a.text())
    view_menu.addAction(action)

    def chosen() -> None:
        if recorder.recording:
            recorder.stop()
            return
        filters = ["Animated GIF (*.gif)"]
        if mp4_available():
            filters.append(f"MP4 video (*.mp4) — {MP4_LICENCE}")
        path, _ = QFileDialog.getSaveFileName(window, "Record training to", "run.gif", ";;".join(filters))
        if path:
            begin(path)

    def begin(path) -> None:
        try:
            recorder.start(path)
        except NodeplayError as err:
            window.show_error(str(err))
            return
        action.setText("Stop &recording")

    def progressed(phase: str, done: int, total: int) -> None:
        bar.show()
        bar.setMaximum(total)
        bar.setValue(done)
        bar.setFormat(f"{'Recording' if phase == 'record' else 'Writing'} %v/%m")
        if phase == "write":
            action.setText("&Record training…")

    def ended(path: str, error: str) -> None:
        bar.hide()
        action.setText("&Record training…")
        window.show_error(error) if error else window.show_info(f"The recording was written to {path}.")

    action.triggered.connect(chosen)
    recorder.progress.connect(progressed)
    recorder.finished.connect(ended)
    recorder.begin = begin  # the entry point tests and scripts use instead of the dialog
    window.recorder, window.record_action = recorder, action
    return recorder
