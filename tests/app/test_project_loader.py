"""Opening and importing without freezing the window (issue #14, item 3; S-OPEN):
File › Open, Open Recent, New from preset, Paste and Import CSV… read and build the
data on a pool thread; the current project stays usable meanwhile; only the latest
request counts; a window closed while loading drops the result."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from app.bridge.background import wait_for_jobs
from engine.data.dataset import USER
from engine.presets import load_preset
from engine.project import save_project

BIG = 200_000  # points: slow enough to build that the window would stutter on the GUI thread


def _circle(samples: int, name: str = "circle"):
    p = load_preset("circle")
    p.data.samples, p.name = samples, name
    return p


@pytest.fixture
def win(qtbot, tmp_path, monkeypatch):
    from app.shell.main_window import MainWindow

    w = MainWindow(
        load_preset("xor"), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitActive(w)
    w.chosen = [""]  # what the next file dialog answers
    answer = lambda *_a, **_k: (w.chosen[0], "")  # noqa: E731
    monkeypatch.setattr("app.shell.files.QFileDialog.getOpenFileName", answer)
    monkeypatch.setattr("app.playground.panel_edits.QFileDialog.getOpenFileName", answer)
    yield w
    w.close()


def _ctrl_o(qtbot, w, path) -> None:
    w.chosen[0] = str(path)
    qtbot.keyClick(w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)


def test_open_builds_the_data_off_the_gui_thread_with_a_note(win, qtbot, tmp_path, monkeypatch):
    import app.document

    threads: list[bool] = []  # whether each dataset build ran on the GUI thread
    make = app.document.make_dataset

    def recording(data, points):
        threads.append(threading.current_thread() is threading.main_thread())
        return make(data, points)

    monkeypatch.setattr(app.document, "make_dataset", recording)
    path = save_project(_circle(BIG, "big circle"), tmp_path / "big.nodeplay")
    before = win.project
    _ctrl_o(qtbot, win, path)
    # on its way: the current project stays, a note says what is being opened
    assert win.loader.busy and win.project is before
    assert win.loader.box.isVisible() and "big.nodeplay" in win.loader.note.text()
    win.step_action.trigger()  # the current project still trains meanwhile
    with qtbot.waitSignal(win.loader.finished, timeout=60_000) as done:
        pass
    assert done.args == [True]
    assert win.project.name == "big circle" and win.path == path
    assert len(win.dataset.x_train) + len(win.dataset.x_test) == BIG
    assert not win.loader.box.isVisible()
    assert threads and not any(threads), "a dataset was built on the GUI thread"
    assert "big.nodeplay" in win.windowTitle()


def test_a_bad_file_says_one_sentence_and_the_current_project_stays(win, qtbot, tmp_path):
    bad = tmp_path / "bad.nodeplay"
    bad.write_text("{not json")
    before = win.project
    with qtbot.waitSignal(win.loader.finished, timeout=20_000) as done:
        _ctrl_o(qtbot, win, bad)
    assert done.args == [False] and win.project is before
    text = win.message.text.text()
    assert win.message.kind == "error" and "bad.nodeplay" in text and "\n" not in text
    win.message.hide()
    with qtbot.waitSignal(win.loader.finished, timeout=20_000):
        win.loader.open_preset("no such preset")
    assert (
        win.project is before and win.message.kind == "error" and "no such preset" in win.message.text.text()
    )


def test_only_the_latest_request_counts(win, qtbot, tmp_path):
    first = save_project(_circle(BIG, "first"), tmp_path / "first.nodeplay")
    second = save_project(_circle(300, "second"), tmp_path / "second.nodeplay")
    outcomes: list[bool] = []
    win.loader.finished.connect(outcomes.append)
    _ctrl_o(qtbot, win, first)
    _ctrl_o(qtbot, win, second)
    qtbot.waitUntil(lambda: not win.loader.busy, timeout=60_000)
    assert win.project.name == "second"
    assert wait_for_jobs(60)  # the first one's result, when it arrives, is dropped
    qtbot.wait(50)
    QApplication.processEvents()
    assert win.project.name == "second" and win.path == second and outcomes == [True]


def test_presets_and_recent_open_in_the_background(win, qtbot, tmp_path):
    file_menu = win.menuBar().actions()[0].menu()
    presets = next(a.menu() for a in file_menu.actions() if a.text() == "&New from preset")
    spiral = next(a for a in presets.actions() if a.text() == "spiral")
    with qtbot.waitSignal(win.loader.finished, timeout=20_000):
        spiral.trigger()
        assert win.project.name != "spiral" and win.loader.busy
    assert win.project.data.name == "spiral" and win.panel.dataset_combo.currentData() == "spiral"
    path = save_project(load_preset("circle"), tmp_path / "c.nodeplay")
    win.recent.add(path)
    win.fill_recent_menu()
    with qtbot.waitSignal(win.loader.finished, timeout=20_000):
        next(a for a in win.recent_menu.actions() if "c.nodeplay" in a.text()).trigger()
    assert win.path == path and win.project.data.name == "circle"


def test_closing_while_loading_drops_the_result(qtbot, tmp_path):
    from app.shell.main_window import MainWindow

    w = MainWindow(load_preset("xor"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    path = save_project(_circle(BIG), tmp_path / "big.nodeplay")
    opened: list[bool] = []
    w.loader.finished.connect(opened.append)
    w.loader.open_file(str(path))
    w.close()
    assert not w.loader.busy and not w.bridge
    assert wait_for_jobs(60)
    qtbot.wait(50)
    assert opened == [] and w.project.data.name == "xor"


def _points_csv(path, n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-4, 4, (n, 2))
    labels = (np.hypot(xy[:, 0], xy[:, 1]) < 2.5).astype(int)
    path.write_text("x1,x2,label\n" + "\n".join(f"{a:.3f},{b:.3f},{c}" for (a, b), c in zip(xy, labels)))
    return path


def test_import_csv_reads_in_the_background(win, qtbot, tmp_path):
    good = _points_csv(tmp_path / "good.csv", 20_000)
    before = win.project
    w = win
    w.chosen[0] = str(good)
    qtbot.mouseClick(w.panel.import_button, Qt.MouseButton.LeftButton)
    assert w.loader.busy and w.project is before and "good.csv" in w.loader.note.text()
    with qtbot.waitSignal(w.loader.finished, timeout=60_000) as done:
        pass
    assert done.args == [True]
    assert w.project.data.name == USER and len(w.project.points[1]) == 20_000
    assert w.document.undo_stack.undoText() == "Import points"
    # a damaged file: one sentence, the points stay
    points = w.project.points
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,1,0\n1,oops,1\n")
    w.chosen[0] = str(bad)
    with qtbot.waitSignal(w.loader.finished, timeout=20_000) as done:
        qtbot.mouseClick(w.panel.import_button, Qt.MouseButton.LeftButton)
    assert done.args == [False] and w.project.points is points
    assert "oops" in w.message.text.text() and w.message.kind == "error"


def test_an_import_is_dropped_when_the_project_changed_meanwhile(win, qtbot, tmp_path):
    w = win
    w.chosen[0] = str(_points_csv(tmp_path / "p.csv", 20_000))
    qtbot.mouseClick(w.panel.import_button, Qt.MouseButton.LeftButton)
    w.panel.noise_slider.setValue(w.panel.noise_slider.value() + 10)  # an edit while it is read
    edited = w.project
    with qtbot.waitSignal(w.loader.finished, timeout=60_000) as done:
        pass
    assert done.args == [False] and w.project is edited and w.project.data.name != USER
    assert "not imported" in w.message.text.text() and "Import it again" in w.message.text.text()


def test_an_edit_while_a_file_loads_asks_again(qtbot, tmp_path, monkeypatch):
    from app.shell.main_window import MainWindow

    w = MainWindow(load_preset("xor"), prompts=True)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    asked: list[str] = []
    monkeypatch.setattr(w, "ask_unsaved", lambda: asked.append("asked") or "cancel")
    path = save_project(_circle(BIG), tmp_path / "big.nodeplay")
    w.loader.open_file(str(path))  # nothing unsaved yet: no question before
    w.panel.noise_slider.setValue(w.panel.noise_slider.value() + 10)
    edited = w.project
    with qtbot.waitSignal(w.loader.finished, timeout=60_000) as done:
        pass
    assert asked == ["asked"] and done.args == [False]
    assert w.project is edited  # cancelled: the edit is kept
    w.prompts = False
    w.close()


def test_a_project_of_another_kind_gets_its_trainer_built_off_the_gui_thread(win, qtbot, monkeypatch):
    import app.shell.project_loader as loader_module
    from engine.train.factory import ADVERSARIAL, kind_of

    made: list[bool] = []  # whether each trainer was made on the GUI thread
    make = loader_module.make_trainer

    def recording(*args, **kw):
        made.append(threading.current_thread() is threading.main_thread())
        return make(*args, **kw)

    monkeypatch.setattr(loader_module, "make_trainer", recording)
    old_bridge = win.bridge
    with qtbot.waitSignal(win.loader.finished, timeout=60_000) as done:
        win.loader.open_preset("gan-2d")
    assert done.args == [True] and made == [False]
    assert kind_of(win.session) == ADVERSARIAL and win.bridge is not old_bridge and win.bridge.running
    with qtbot.waitSignal(win.loader.finished, timeout=60_000):  # and back: a supervised one
        win.loader.open_preset("circle")
    assert made == [False, False] and win.project.data.name == "circle"


def test_an_open_made_meanwhile_supersedes_the_load(win, qtbot, tmp_path):
    path = save_project(_circle(BIG), tmp_path / "big.nodeplay")
    win.loader.open_file(str(path))
    assert win.open_preset("spiral")  # e.g. a lesson opening its project at once
    assert not win.loader.busy and not win.loader.box.isVisible()
    assert wait_for_jobs(60)
    qtbot.wait(50)
    assert win.project.data.name == "spiral" and win.path is None


def test_undo_and_redo_of_an_import_build_no_data_on_the_gui_thread(win, qtbot, tmp_path, monkeypatch):
    import app.document

    w = win
    with qtbot.waitSignal(w.loader.finished, timeout=60_000):
        w.loader.open_file(str(save_project(_circle(BIG), tmp_path / "big.nodeplay")))
    opened = w.project
    w.chosen[0] = str(_points_csv(tmp_path / "p.csv", 5_000))
    with qtbot.waitSignal(w.loader.finished, timeout=60_000) as done:
        qtbot.mouseClick(w.panel.import_button, Qt.MouseButton.LeftButton)
    assert done.args == [True] and w.project.data.name == USER
    on_gui: list[int] = []
    make = app.document.make_dataset

    def recording(data, points):
        if threading.current_thread() is threading.main_thread():
            on_gui.append(data.samples)
        return make(data, points)

    monkeypatch.setattr(app.document, "make_dataset", recording)
    w.activateWindow()
    qtbot.waitActive(w)
    qtbot.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Edit › Undo
    assert w.project is opened and len(w.dataset.x_train) + len(w.dataset.x_test) == BIG
    qtbot.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert w.project.data.name == USER and len(w.project.points[1]) == 5_000
    assert on_gui == []


def test_a_data_edit_of_a_large_set_is_built_off_the_gui_thread(win, qtbot, tmp_path, monkeypatch):
    import app.document

    w = win
    with qtbot.waitSignal(w.loader.finished, timeout=60_000):
        w.loader.open_file(str(save_project(_circle(BIG), tmp_path / "big.nodeplay")))
    opened = w.project
    on_gui: list[int] = []
    make = app.document.make_dataset

    def recording(data, points):
        if threading.current_thread() is threading.main_thread():
            on_gui.append(data.samples)
        return make(data, points)

    monkeypatch.setattr(app.document, "make_dataset", recording)
    # a layer added keeps the data: checked at once, nothing built again
    qtbot.mouseClick(w.panel.add_layer_button, Qt.MouseButton.LeftButton)
    assert w.project is not opened and len(w.project.graph.nodes) > len(opened.graph.nodes)
    assert not w.loader.busy and on_gui == []
    # more noise: new data, built on the pool thread while the current project stays
    before = w.project
    slider = w.panel.noise_slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_PageUp)
    assert w.loader.busy and w.project is before and "Noise" in w.loader.note.text()
    with qtbot.waitSignal(w.loader.finished, timeout=60_000) as done:
        pass
    assert done.args == [True] and w.project.data.noise == slider.value() > 0
    assert w.document.undo_stack.undoText().startswith("Noise") and on_gui == []
    assert len(w.dataset.x_train) + len(w.dataset.x_test) == BIG


def test_a_job_cancelled_before_it_starts_does_not_run(qtbot):
    from PySide6.QtCore import QObject

    from app.bridge import background

    owner, ran, got = QObject(), [], []
    gate = threading.Event()
    # both pool threads wait on the gate; a third job queues behind them and is cancelled
    busy = [background.run(owner, gate.wait, lambda r, e: got.append("busy")) for _ in range(2)]
    queued = background.run(owner, lambda: ran.append(1), lambda r, e: got.append("queued"))
    background.cancel(queued)
    gate.set()
    assert wait_for_jobs(10)
    qtbot.waitUntil(lambda: got == ["busy", "busy"], timeout=5000)
    assert ran == [] and not background.pending(queued) and not any(map(background.pending, busy))
