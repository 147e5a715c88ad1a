"""Autosave serializes the work off the GUI thread (a project of 100,000 drawn points
takes ~0.3 s) and writes it on the GUI thread; a save or a close meanwhile drops what
was prepared, so no autosave outlives work that is safe."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from app.bridge.background import wait_for_jobs
from engine.data.dataset import USER
from engine.data.user import make_points
from engine.presets import load_preset
from engine.project import load_project

POINTS = 100_000  # the most a CSV import keeps


@pytest.fixture
def drawn(qtbot, tmp_path, monkeypatch):
    """A window (no worker: the weights are read at once) on 100,000 drawn points, with
    unsaved work; ``drawn.threads`` says where each autosave was serialized."""
    import app.shell.files
    from app.shell.main_window import MainWindow

    project = load_preset("circle")
    rng = np.random.default_rng(0)
    project.data.name = USER
    project.points = make_points(rng.uniform(-4, 4, (POINTS, 2)), rng.integers(0, 2, POINTS))
    w = MainWindow(project, serve=False, autosave_dir=tmp_path / "autosave")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.threads = []
    text = app.shell.files.autosave_text
    monkeypatch.setattr(
        app.shell.files,
        "autosave_text",
        lambda p, o: w.threads.append(threading.current_thread() is threading.main_thread()) or text(p, o),
    )
    w.set_learning_rate(0.1)  # unsaved work
    assert w.isWindowModified()
    yield w
    w.close()


def test_autosave_is_serialized_off_the_gui_thread(drawn, qtbot):
    w = drawn
    w.autosave_now()
    assert w.autosaver.current is None  # prepared on a pool thread, not written yet
    qtbot.waitUntil(lambda: w.autosaver.current is not None and w.autosaver.current.exists(), timeout=30_000)
    assert w.threads == [False]
    saved = load_project(w.autosaver.current)
    assert len(saved.points[1]) == POINTS and saved.train.learning_rate == 0.1


def test_a_save_while_it_is_prepared_drops_it(drawn, qtbot, tmp_path):
    w = drawn
    w.autosave_now()
    with qtbot.waitSignal(w.saved, timeout=30_000):
        w.save_to(tmp_path / "mine.nodeplay")  # the work is safe before the autosave is ready
    assert wait_for_jobs(60)
    qtbot.wait(50)
    assert w.threads == [False] and w.autosaver.current is None
    assert not list((tmp_path / "autosave").glob("*")) and not w.isWindowModified()
    assert len(load_project(tmp_path / "mine.nodeplay").points[1]) == POINTS


def test_a_close_while_it_is_prepared_leaves_no_autosave(drawn, qtbot, tmp_path):
    w = drawn
    w.autosave_now()
    w.close()  # a clean close: no work to recover at the next start
    assert wait_for_jobs(60)
    qtbot.wait(50)
    assert w.threads == [False] and not list((tmp_path / "autosave").glob("*"))


def test_json_in_slices_writes_what_json_dumps_writes():
    import json

    from app.autosave import SLICE, json_in_slices

    rng = np.random.default_rng(1)
    value = {
        "points": {"x": rng.normal(size=(3 * SLICE + 7, 2)).round(4).tolist(), "y": [0, 1] * SLICE},
        "näme": 'a "quoted" ünïcode\nline',
        "nested": [{"a": None, "b": True, "c": 1e300}, [[]] * (SLICE + 1)],
        "exact": list(range(SLICE)),
        "empty": {},
    }
    assert json_in_slices(value) == json.dumps(value)
    assert json.loads(json_in_slices(value)) == value
