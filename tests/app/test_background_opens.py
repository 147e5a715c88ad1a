"""The last opens moved off the GUI thread (issue #14, T-GUI): a lesson opened from the
Help or File menu, the crash-recovery dialog's Restore, and the data of File › Import
images. Each shows a note while its data is built on a pool thread, keeps the current
project usable meanwhile, drops a result that a newer request or a closed window made
stale, and answers an error with one sentence, the current project kept."""

from __future__ import annotations

import json
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from app.autosave import autosave_document, autosave_name, write_atomically
from app.bridge.background import wait_for_jobs
from engine.presets import load_preset
from tests.app.conftest import shown_window
from tests.app.test_data_menu import class_folder

BIG = 200_000  # points: slow enough to build that the window would stutter on the GUI thread


@pytest.fixture
def built_where(monkeypatch):
    """Whether each dataset build ran on the GUI thread, in order."""
    import app.document

    on_gui: list[bool] = []
    make = app.document.make_dataset

    def recording(data, points):
        on_gui.append(threading.current_thread() is threading.main_thread())
        return make(data, points)

    monkeypatch.setattr(app.document, "make_dataset", recording)
    return on_gui


def _lesson_action(menu, name: str):
    return next(a for a in menu.actions() if a.data() == name)


def _say_one_sentence(window, *words) -> None:
    text = window.message.text.text()
    assert window.message.kind == "error" and "\n" not in text and len(text) < 400, text
    for word in words:
        assert word in text, text


# -- lessons ---------------------------------------------------------------------------


def test_a_lesson_opens_off_the_gui_thread_then_its_steps_run(qtbot, built_where):
    window = shown_window(qtbot, "circle")
    before = window.project
    _lesson_action(window.lessons_menu, "mlp").trigger()  # Help › Lessons › mlp
    # on its way: a note, the current project stays and still trains
    assert window.loader.busy and window.loader.box.isVisible()
    assert "mlp" in window.loader.note.text() and window.project is before
    assert window.lesson_dock.isHidden()
    window.step_action.trigger()
    with qtbot.waitSignal(window.loader.finished, timeout=60_000) as done:
        pass
    assert done.args == [True] and built_where and not any(built_where)
    assert window.project.data.name == "spiral" and window.lesson_dock.isVisible()
    panel = window.lesson_panel
    assert panel.current == 0 and panel.lesson.name == "mlp" and not window.loader.box.isVisible()
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)  # the step carried out
    assert panel.current == 1 and window.panel.layers_label.text() == "3 hidden layers"
    window.close()


def test_a_damaged_lesson_says_one_sentence_and_keeps_the_project(qtbot, tmp_path, monkeypatch):
    import app.shell.lessons
    from engine.lessons import load_lesson

    (tmp_path / "mlp.toml").write_text('title = "MLP"\npreset = "spiral"\n[[steps]\ntext = 3\n')
    monkeypatch.setattr(app.shell.lessons, "load_lesson", lambda name: load_lesson(name, tmp_path))
    window = shown_window(qtbot, "circle")
    before = window.project
    file_lessons = window.file_lessons_menu  # File › Open lesson
    with qtbot.waitSignal(window.loader.finished, timeout=30_000) as done:
        _lesson_action(file_lessons, "mlp").trigger()
    assert done.args == [False] and window.project is before and window.lesson_dock.isHidden()
    _say_one_sentence(window, "mlp")
    window.close()


def test_only_the_latest_request_counts_and_a_close_drops_a_lesson(qtbot):
    window = shown_window(qtbot, "circle")
    outcomes: list[bool] = []
    window.loader.finished.connect(outcomes.append)
    _lesson_action(window.lessons_menu, "cnn").trigger()
    file_menu = window.menuBar().actions()[0].menu()
    presets = next(a.menu() for a in file_menu.actions() if a.text() == "&New from preset")
    next(a for a in presets.actions() if a.text() == "xor").trigger()  # chosen meanwhile
    qtbot.waitUntil(lambda: not window.loader.busy, timeout=60_000)
    assert wait_for_jobs(60)
    qtbot.wait(50)
    assert outcomes == [True] and window.project.name == "xor" and window.lesson_dock.isHidden()
    _lesson_action(window.lessons_menu, "mlp").trigger()
    window.close()  # while the lesson loads
    assert wait_for_jobs(60)
    qtbot.wait(50)
    assert outcomes == [True] and window.project.name == "xor" and window.lesson_dock.isHidden()


# -- recovery after a crash ------------------------------------------------------------


def _autosave(folder, project, saved_at: float, pid: int):
    path = folder / autosave_name(None, str(pid))
    write_atomically(json.dumps(autosave_document(project, None, saved_at, pid)), path)
    return path


def _click_each(*labels: str) -> None:
    """Click the buttons ``labels`` of the recovery dialogs as they come up, one per dialog,
    with the mouse."""
    todo, clicked = list(labels), []
    deadline = time.monotonic() + 60  # a dialog that never comes stops the polling

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box not in clicked and box.isVisible():
            clicked.append(box)
            button = next(b for b in box.buttons() if b.text().replace("&", "") == todo.pop(0))
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        if todo and time.monotonic() < deadline:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


@pytest.fixture
def recovering(qtbot, tmp_path):
    from app.shell.main_window import MainWindow

    w = MainWindow(load_preset("xor"), autosave_dir=tmp_path / "autosave")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def test_restore_builds_a_big_project_off_the_gui_thread(
    recovering, qtbot, tmp_path, built_where, monkeypatch
):
    import app.shell.files

    w = recovering
    scanned: list[bool] = []  # whether the autosave folder was read on the GUI thread
    scan = app.shell.files.pending_recoveries
    monkeypatch.setattr(
        app.shell.files,
        "pending_recoveries",
        lambda d: scanned.append(threading.current_thread() is threading.main_thread()) or scan(d),
    )
    big = load_preset("circle")
    big.data.samples, big.name = BIG, "big circle"
    auto = _autosave(tmp_path / "autosave", big, time.time(), pid=2**22 + 7)
    before = w.project
    meanwhile: list[tuple] = []
    w.loader.started.connect(lambda note: meanwhile.append((note, w.project is before)))
    _click_each("Restore")
    with qtbot.waitSignal(w.recovery_offered, timeout=60_000) as ended:
        w.offer_recovery()
    assert ended.args == [True] and scanned == [False]
    assert meanwhile == [("Restoring the autosaved big circle…", True)]
    assert built_where and not any(built_where), "the restored data was built on the GUI thread"
    assert w.project.name == "big circle" and len(w.dataset.x_train) + len(w.dataset.x_test) == BIG
    assert w.isWindowModified() and w.autosaver.current == auto and "Restored" in w.message.text.text()


def test_a_damaged_autosave_is_refused_and_the_next_one_offered(recovering, qtbot, tmp_path):
    w = recovering
    folder = tmp_path / "autosave"
    good = _autosave(folder, load_preset("spiral"), time.time() - 60, pid=2**22 + 8)
    bad = _autosave(folder, load_preset("gauss"), time.time(), pid=2**22 + 9)  # the newest: first
    data = json.loads(bad.read_text())
    data["graph"] = "nonsense"
    bad.write_text(json.dumps(data))
    _click_each("Restore", "Restore")
    with qtbot.waitSignal(w.recovery_offered, timeout=60_000) as ended:
        w.offer_recovery()
    assert ended.args == [True] and w.project.data.name == "spiral"
    assert bad.exists() and good.exists() and w.autosaver.current == good


def test_the_refusal_says_one_sentence_and_keeps_the_project(recovering, qtbot, tmp_path):
    w = recovering
    bad = _autosave(tmp_path / "autosave", load_preset("gauss"), time.time(), pid=2**22 + 10)
    data = json.loads(bad.read_text())
    data["graph"] = "nonsense"
    bad.write_text(json.dumps(data))
    before = w.project
    _click_each("Restore")
    with qtbot.waitSignal(w.recovery_offered, timeout=60_000) as ended:
        w.offer_recovery()
    assert ended.args == [False] and w.project is before and bad.exists()
    _say_one_sentence(w, "cannot be restored", bad.name)


def test_closing_while_restoring_keeps_the_autosave(recovering, qtbot, tmp_path):
    w = recovering
    big = load_preset("circle")
    big.data.samples = BIG
    auto = _autosave(tmp_path / "autosave", big, time.time(), pid=2**22 + 11)
    with qtbot.waitSignal(w.loader.started, timeout=30_000):
        _click_each("Restore")
        w.offer_recovery()
    w.close()
    assert wait_for_jobs(60)
    qtbot.wait(50)
    assert w.project.name == "xor" and auto.exists() and not w.bridge


# -- File › Import images ----------------------------------------------------------------


def test_imported_images_are_checked_off_the_gui_thread(qtbot, tmp_path, monkeypatch, built_where):
    folder = class_folder(tmp_path / "letters", {"a": 4, "b": 4})
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window = shown_window(qtbot, "digits-cnn")
    before = window.project
    notes: list[tuple] = []
    window.loader.started.connect(lambda note: notes.append((note, window.project is before)))
    with qtbot.waitSignal(window.loader.finished, timeout=60_000) as done:
        window.import_folder_action.trigger()
    assert done.args == [True] and notes == [(f"Checking the 2-class images from {folder}…", True)]
    assert built_where and not any(built_where)
    assert window.project.data.name == "imported" and "Training on" in window.message.text.text()
    # a project whose network cannot use images: a sentence, the project stays
    window.close()
    window = shown_window(qtbot, "circle")
    before = window.project
    with qtbot.waitSignal(window.loader.finished, timeout=60_000) as done:
        window.import_folder_action.trigger()
    assert done.args == [False] and window.project is before
    assert "cannot use it" in window.message.text.text() and window.message.kind == "info"
    window.close()


# -- a lesson step that gives a large set new data ------------------------------------------

BIG_LESSON = """title = "Noise on a large set"
preset = "circle"
order = 1
text = "A large set, then noisier."

[settings]
samples = 60000

[[steps]]
text = "The circle, 60,000 points."

[[steps]]
text = "Noisier, and train."
set = { noise = 20 }
train = "play"
"""


def test_a_lesson_step_with_new_large_data_builds_it_off_the_gui_thread(qtbot, tmp_path, monkeypatch):
    import app.document
    import app.shell.lessons
    from engine.lessons import load_lesson, load_lessons

    (tmp_path / "big.toml").write_text(BIG_LESSON)
    monkeypatch.setattr(app.shell.lessons, "load_lesson", lambda name: load_lesson(name, tmp_path))
    monkeypatch.setattr(app.shell.lessons, "load_lessons", lambda: load_lessons(tmp_path))
    window = shown_window(qtbot, "circle")
    with qtbot.waitSignal(window.loader.finished, timeout=60_000) as opened:
        _lesson_action(window.lessons_menu, "big").trigger()
    assert opened.args == [True] and len(window.dataset.x_train) + len(window.dataset.x_test) == 60_000
    on_gui: list[bool] = []
    make = app.document.make_dataset
    monkeypatch.setattr(
        app.document,
        "make_dataset",
        lambda data, points: (
            on_gui.append(threading.current_thread() is threading.main_thread()) or make(data, points)
        ),
    )
    panel, before = window.lesson_panel, window.project
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    # on its way: the step is current, the project and the worker as they were
    assert panel.current == 1 and window.loader.busy and "Lesson step 2" in window.loader.note.text()
    assert window.project is before and not window.bridge.playing
    with qtbot.waitSignal(window.loader.finished, timeout=60_000) as done:
        pass
    assert done.args == [True] and on_gui == [False]
    assert window.project.data.noise == 20 and window.document.undo_stack.undoText() == "Lesson step 2"
    qtbot.waitUntil(lambda: window.bridge.playing, timeout=10_000)  # the step's training, after its edit
    window.close()
