"""File › Save of a large project runs off the GUI thread (issue #14: ~110 ms of
serializing for 100,000 points); edits made meanwhile stay unsaved, a second Save
waits for the first, and closing waits for the file."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.bridge.background import wait_for_jobs
from engine.data.dataset import USER
from engine.data.user import make_points
from engine.presets import load_preset
from engine.project import load_project

POINTS = 100_000  # the most a CSV import keeps


@pytest.fixture
def big(qtbot, tmp_path, monkeypatch):
    """A window on 100,000 points with a file and unsaved work; ``big.threads``: where
    each save ran; ``big.gate``: cleared, it holds a save until set."""
    import app.shell.saving
    from app.shell.main_window import MainWindow

    project = load_preset("circle")
    rng = np.random.default_rng(0)
    project.data.name = USER
    project.points = make_points(rng.uniform(-4, 4, (POINTS, 2)), rng.integers(0, 2, POINTS))
    w = MainWindow(project, serve=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()  # Ctrl+S is a window shortcut
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
    w.document.set_path(tmp_path / "mine.nodeplay")
    w.threads, w.gate = [], threading.Event()
    w.gate.set()
    save = app.shell.saving.save_project

    def recording(p, path):
        w.threads.append(threading.current_thread() is threading.main_thread())
        assert w.gate.wait(30)
        return save(p, path)

    monkeypatch.setattr(app.shell.saving, "save_project", recording)
    w.set_learning_rate(0.1)  # unsaved work
    yield w
    w.gate.set()
    w.close()
    assert wait_for_jobs(60)


def ctrl_s(qtbot, w) -> None:
    qtbot.keyClick(w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_s_writes_a_large_project_off_the_gui_thread(big, qtbot, tmp_path):
    w = big
    with qtbot.waitSignal(w.saved, timeout=30_000):
        ctrl_s(qtbot, w)
        assert w.statusBar().currentMessage().startswith("Saving")
    assert w.threads == [False] and not w.isWindowModified()
    saved = load_project(tmp_path / "mine.nodeplay")
    assert len(saved.points[1]) == POINTS and saved.train.learning_rate == 0.1


def test_an_edit_made_while_it_saves_stays_unsaved(big, qtbot, tmp_path):
    w = big
    w.gate.clear()
    with qtbot.waitSignal(w.saved, timeout=30_000):
        ctrl_s(qtbot, w)
        w.set_learning_rate(0.3)  # while the file is written
        w.gate.set()
    assert w.isWindowModified()  # the file holds 0.1: the 0.3 is not saved yet
    assert load_project(tmp_path / "mine.nodeplay").train.learning_rate == 0.1


def test_a_second_save_waits_for_the_first_and_the_newest_work_lands_last(big, qtbot, tmp_path):
    w = big
    w.gate.clear()
    ctrl_s(qtbot, w)
    qtbot.waitUntil(lambda: w.threads == [False], timeout=5000)  # the first is being written
    w.set_learning_rate(0.3)
    ctrl_s(qtbot, w)
    qtbot.wait(200)
    assert w.threads == [False]  # the second waits
    with qtbot.waitSignals([w.saved, w.saved], timeout=30_000):
        w.gate.set()
    assert w.threads == [False, False] and not w.isWindowModified()
    assert load_project(tmp_path / "mine.nodeplay").train.learning_rate == 0.3


def test_closing_while_it_saves_waits_for_the_file(big, qtbot, tmp_path):
    w = big
    w.gate.clear()
    ctrl_s(qtbot, w)
    w.close()
    assert w.isVisible()  # not before the file is written
    w.gate.set()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=30_000)
    assert load_project(tmp_path / "mine.nodeplay").train.learning_rate == 0.1
