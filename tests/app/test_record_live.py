"""L3 (issue #12): View › Record training… keeps frames at a fixed rate while the user
trains, shows a progress bar and writes a GIF that reads back with every frame."""

import imageio.v3 as iio
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QProgressBar

from tests.app.conftest import shown_window


def test_recording_while_training_writes_every_frame(qtbot, tmp_path):
    window = shown_window(qtbot, "xor")
    recorder = window.recorder
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    recorder.begin(str(tmp_path / "run.gif"))
    assert recorder.recording and window.record_action.text() == "Stop &recording"
    QTest.keyClick(window, Qt.Key.Key_Space)  # play
    qtbot.waitUntil(lambda: len(recorder.frames) >= 8, timeout=20_000)
    QTest.keyClick(window, Qt.Key.Key_Space)  # pause
    bar = [b for b in window.statusBar().findChildren(QProgressBar) if b.isVisible()]
    assert bar and bar[0].value() == len(recorder.frames)
    with qtbot.waitSignal(recorder.finished, timeout=60_000) as done:
        kept = len(recorder.frames)
        window.record_action.trigger()  # stop: written on a plain thread
    path, error = done.args
    assert error == "" and path.endswith("run.gif")
    frames = iio.imread(path, index=None)
    # a GIF merges identical frames (after the pause) into one longer frame: the play
    # time is every frame's, and no two frames in a row are the same
    shown_ms = sum(iio.immeta(path, index=i)["duration"] for i in range(frames.shape[0]))
    assert shown_ms == kept * round(1000 / recorder.fps)
    assert all((a != b).any() for a, b in zip(frames, frames[1:]))
    assert (frames[0] != frames[-1]).any()  # training moved the views
    assert "written to" in window.message.text.text()
    window.close()


def test_a_wrong_ending_is_refused_in_a_sentence(qtbot, tmp_path):
    window = shown_window(qtbot, "xor")
    recorder = window.recorder
    recorder.begin(str(tmp_path / "run.avi"))
    assert not recorder.recording
    assert "written as .gif or .mp4" in window.message.text.text()
    window.close()
