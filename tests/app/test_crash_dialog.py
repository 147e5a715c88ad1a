"""An unexpected exception in the GUI (issue #14): the work is autosaved, a dialog says
so in one sentence with "Copy details", and tests still see the exception."""

import sys
import threading

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication

from app.shell.crash_dialog import CrashDialog, crash_sentence, install_crash_dialog
from engine.presets import load_preset
from engine.project import load_project


@pytest.fixture
def autosaving_window(qtbot, tmp_path):
    from app.shell.main_window import MainWindow

    w = MainWindow(
        load_preset("circle"),
        settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
        autosave_dir=tmp_path / "autosave",
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitActive(w)
    yield w
    w.close()


def _broken_save(*_args, **_kwargs):
    raise ZeroDivisionError("a bug in the save handler")


def test_exception_in_a_slot_autosaves_and_shows_the_dialog(autosaving_window, qtbot, monkeypatch):
    w = autosaving_window
    w.set_learning_rate(0.1)  # unsaved work
    assert w.isWindowModified()
    monkeypatch.setattr(w, "save", _broken_save)  # File › Save's slot calls window.save()
    with qtbot.capture_exceptions() as caught:
        reporter = install_crash_dialog(w)
        try:
            qtbot.keyClick(w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
            qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible(), timeout=5000)
        finally:
            reporter.uninstall()
    # the hook passed the exception on: pytest-qt recorded it, so a test would still fail
    assert [type(e[1]) for e in caught] == [ZeroDivisionError]
    dialog = reporter.dialog
    text = dialog.sentence.text()
    assert text.startswith("Nodeplay hit an unexpected error (ZeroDivisionError)")
    assert "autosaved" in text and text.count(".") == 1 and "\n" not in text
    # the work was autosaved first, with the new learning rate
    qtbot.waitUntil(lambda: w.autosaver.current is not None and w.autosaver.current.exists(), timeout=5000)
    assert load_project(w.autosaver.current).train.learning_rate == 0.1
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    details = QGuiApplication.clipboard().text()
    assert "Traceback" in details and "_broken_save" in details and "a bug in the save handler" in details
    assert dialog.copy_button.text() == "Copied"
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert w.isVisible() and w.project.train.learning_rate == 0.1  # the window goes on


def test_a_second_exception_adds_details_to_the_open_dialog(autosaving_window, qtbot):
    w = autosaving_window
    with qtbot.capture_exceptions() as caught:
        reporter = install_crash_dialog(w)
        try:
            for message in ("first", "second"):
                try:
                    raise ValueError(message)
                except ValueError:
                    sys.excepthook(*sys.exc_info())
        finally:
            reporter.uninstall()
    assert len(caught) == 2 and reporter.count == 2
    assert len([c for c in w.findChildren(CrashDialog) if c.isVisible()]) == 1
    assert "first" in reporter.dialog.details and "second" in reporter.dialog.details
    assert "nothing unsaved was lost" in reporter.dialog.sentence.text()  # nothing was modified
    reporter.dialog.close()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_an_exception_in_a_worker_thread_reaches_the_dialog_on_the_gui_thread(autosaving_window, qtbot):
    w = autosaving_window
    reporter = install_crash_dialog(w)
    try:

        def fail() -> None:
            raise KeyError("from a thread")

        t = threading.Thread(target=fail, name="helper")
        t.start()
        t.join()
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible(), timeout=5000)
    finally:
        reporter.uninstall()
    assert "KeyError" in reporter.dialog.sentence.text() and "helper" in reporter.dialog.details
    assert reporter.dialog.thread() is w.thread()
    reporter.dialog.close()


def test_uninstall_restores_the_hooks(autosaving_window):
    before, before_thread = sys.excepthook, threading.excepthook
    reporter = install_crash_dialog(autosaving_window)
    assert sys.excepthook != before and threading.excepthook != before_thread
    reporter.uninstall()
    assert sys.excepthook == before and threading.excepthook == before_thread


@pytest.mark.parametrize(
    ("modified", "autosaves", "words"),
    [
        (False, True, "nothing unsaved was lost"),
        (True, True, "autosaved"),
        (True, False, "save your work now"),
    ],
)
def test_the_sentence_says_whether_the_work_is_safe(modified, autosaves, words):
    text = crash_sentence("KeyError", modified, autosaves)
    assert words in text and text.endswith(".") and text.count(".") == 1
