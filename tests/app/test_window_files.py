"""Files in the main window: recent files, the modified state, autosave, recovery
after a crash and the prompt before unsaved work is lost."""

import json
import os
import time

import pytest
from PySide6.QtCore import QSettings

from app.autosave import (
    AUTOSAVE_SUFFIX,
    AutosaveEntry,
    autosave_document,
    autosave_name,
    needs_recovery,
    pending_recoveries,
    write_atomically,
)
from app.recent_files import RecentFiles, pruned, pushed
from engine.presets import load_preset
from engine.project import load_project, save_project

# -- pure parts ------------------------------------------------------------------------


def test_pushed_moves_to_front_dedups_and_caps(tmp_path):
    paths = [str(tmp_path / f"{i}.nodeplay") for i in range(10)]
    out = pushed(paths, tmp_path / "5.nodeplay")
    assert out[0] == paths[5] and len(out) == 10 and out.count(paths[5]) == 1
    out = pushed(paths, tmp_path / "new.nodeplay")
    assert out[0].endswith("new.nodeplay") and len(out) == 10 and paths[9] not in out


def test_pruned_splits_existing_from_missing(tmp_path):
    here = tmp_path / "here.nodeplay"
    here.write_text("{}")
    kept, missing = pruned([str(here), str(tmp_path / "gone.nodeplay")])
    assert kept == [str(here)] and missing == [str(tmp_path / "gone.nodeplay")]


def test_recent_files_persist_in_settings(tmp_path):
    ini = str(tmp_path / "s.ini")
    a, b = tmp_path / "a.nodeplay", tmp_path / "b.nodeplay"
    a.write_text("{}")
    recent = RecentFiles(QSettings(ini, QSettings.Format.IniFormat))
    recent.add(a)
    recent.add(b)
    again = RecentFiles(QSettings(ini, QSettings.Format.IniFormat))
    assert again.paths() == [str(b), str(a)]
    assert again.prune() == [str(b)] and again.paths() == [str(a)]


def test_autosave_names_are_per_file_and_safe(tmp_path):
    one = autosave_name(tmp_path / "x" / "model.nodeplay", "t")
    two = autosave_name(tmp_path / "y" / "model.nodeplay", "t")
    assert one != two and one.startswith("model-") and one.endswith(AUTOSAVE_SUFFIX)
    assert autosave_name(tmp_path / "x" / "model.nodeplay", "other") == one
    assert autosave_name(None, "abc") == f"untitled-abc{AUTOSAVE_SUFFIX}"
    assert "/" not in autosave_name(tmp_path / "we ird/..name.nodeplay", "t")


def test_needs_recovery_compares_with_the_project_file():
    entry = AutosaveEntry(None, None, saved_at=100.0, pid=1, name="p")
    assert needs_recovery(entry, None)  # never saved or deleted since
    assert needs_recovery(entry, 50.0)  # the autosave is newer
    assert not needs_recovery(entry, 150.0)  # saved after the autosave


def _autosave(directory, project, original, saved_at, pid):
    directory.mkdir(exist_ok=True)
    file = directory / autosave_name(original, str(pid))
    write_atomically(json.dumps(autosave_document(project, original, saved_at, pid)), file)
    return file


def test_pending_recoveries_skip_live_and_stale(tmp_path):
    d = tmp_path / "autosave"
    project_file = save_project(load_preset("circle"), tmp_path / "c.nodeplay")
    mtime = project_file.stat().st_mtime
    newer = _autosave(d, load_preset("circle"), project_file, mtime + 10, 111)
    untitled = _autosave(d, load_preset("spiral"), None, mtime + 20, 333)
    live = _autosave(d, load_preset("gauss"), None, time.time(), 444)
    found = pending_recoveries(d, own_pid=1, alive=lambda pid: pid == 444)
    assert [e.file for e in found] == [untitled, newer]  # newest first; the live one kept out
    assert found[1].original == project_file.absolute() and found[0].name == "spiral"
    assert live.exists()
    old = _autosave(d, load_preset("xor"), project_file, mtime - 10, 555)
    assert old not in [e.file for e in pending_recoveries(d, own_pid=1, alive=lambda p: False)]
    assert not old.exists()  # a stale autosave (older than its file) is deleted


# -- the window ----------------------------------------------------------------------


@pytest.fixture
def files_window(qtbot, tmp_path):
    from app.shell.main_window import MainWindow

    w = MainWindow(
        load_preset("circle"),
        settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
        autosave_dir=tmp_path / "autosave",
        prompts=True,
    )
    w.show()  # not qtbot.addWidget: it would close the window before prompts are off
    qtbot.waitExposed(w)
    yield w
    w.prompts = False  # no prompt at teardown
    w.close()
    w.deleteLater()
    assert not w.bridge or not w.bridge.running


def test_title_shows_unsaved_edits_and_training(files_window, qtbot, tmp_path):
    w = files_window
    assert w.windowTitle() == "Nodeplay — circle[*]" and not w.isWindowModified()
    w.set_learning_rate(0.1)
    assert w.isWindowModified()
    path = tmp_path / "c.nodeplay"
    with qtbot.waitSignal(w.saved, timeout=5000):
        w.save_to(path)
    assert not w.isWindowModified() and w.windowTitle() == "Nodeplay — circle — c.nodeplay[*]"
    w.step_action.trigger()  # training since the save is unsaved work too
    qtbot.waitUntil(w.isWindowModified, timeout=5000)
    assert w.recent.paths() == [str(path.absolute())]


def test_edit_marks_modified_and_open_starts_clean(files_window, tmp_path):
    w = files_window
    w.panel.noise_slider.setValue(20)
    assert w.project.data.noise == 20 and w.isWindowModified()
    path = save_project(load_preset("xor"), tmp_path / "x.nodeplay")
    assert w.open_file(str(path))
    assert not w.isWindowModified() and w.windowTitle().endswith("x.nodeplay[*]")


def test_open_recent_opens_and_prunes_missing(files_window, qtbot, tmp_path):
    w = files_window
    path = save_project(load_preset("xor"), tmp_path / "x.nodeplay")
    gone = tmp_path / "gone.nodeplay"
    w.recent.add(gone)
    w.recent.add(path)
    w.fill_recent_menu()
    assert "gone.nodeplay" in w.message.text.text() and "removed from Open Recent" in w.message.text.text()
    names = [a.text() for a in w.recent_menu.actions()]
    assert any("x.nodeplay" in n for n in names) and not any("gone" in n for n in names)
    with qtbot.waitSignal(w.loader.finished, timeout=20_000):  # read off the GUI thread
        next(a for a in w.recent_menu.actions() if "x.nodeplay" in a.text()).trigger()
    assert w.project.name == "xor" and w.path == path
    assert not w.open_recent(str(gone)) and "no longer exists" in w.message.text.text()


def test_prompt_cancel_keeps_discard_opens(files_window, tmp_path):
    w = files_window
    w.set_learning_rate(0.1)
    path = save_project(load_preset("xor"), tmp_path / "x.nodeplay")
    asked = []
    w.ask_unsaved = lambda: asked.append(1) or "cancel"
    assert not w.after_unsaved_check(lambda: w.open_file(str(path)))
    assert w.project.name == "circle" and w.isWindowModified() and asked == [1]
    w.ask_unsaved = lambda: "discard"
    assert w.after_unsaved_check(lambda: w.open_file(str(path)))
    assert w.project.name == "xor" and not w.isWindowModified()


def test_prompt_save_writes_then_opens(files_window, qtbot, tmp_path):
    w = files_window
    mine = tmp_path / "mine.nodeplay"
    with qtbot.waitSignal(w.saved, timeout=5000):
        w.save_to(mine)
    w.step_action.trigger()
    qtbot.waitUntil(w.isWindowModified, timeout=5000)
    other = save_project(load_preset("xor"), tmp_path / "x.nodeplay")
    w.ask_unsaved = lambda: "save"
    with qtbot.waitSignal(w.saved, timeout=5000):
        w.after_unsaved_check(lambda: w.open_file(str(other)))
    qtbot.waitUntil(lambda: w.project.name == "xor", timeout=5000)
    assert load_project(mine).epoch == 1


def test_close_asks_and_cancel_keeps_the_window(files_window, qtbot):
    w = files_window
    w.set_learning_rate(0.1)
    w.ask_unsaved = lambda: "cancel"
    w.close()
    assert w.isVisible() and w.bridge.running
    w.ask_unsaved = lambda: "discard"
    w.close()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=5000)
    assert not w.bridge or not w.bridge.running


def test_autosave_writes_its_own_file_and_save_removes_it(files_window, qtbot, tmp_path):
    w = files_window
    mine = tmp_path / "mine.nodeplay"
    with qtbot.waitSignal(w.saved, timeout=5000):
        w.save_to(mine)
    before = mine.read_text()
    w.step_action.trigger()
    w.step_action.trigger()
    qtbot.waitUntil(lambda: w.bridge.epoch == 2, timeout=5000)
    w.autosave_now()
    qtbot.waitUntil(lambda: w.autosaver.current is not None and w.autosaver.current.exists(), timeout=5000)
    auto = w.autosaver.current
    assert auto.parent == tmp_path / "autosave" and mine.read_text() == before
    assert load_project(auto).epoch == 2 and load_project(auto).weights is not None
    with qtbot.waitSignal(w.saved, timeout=5000):
        w.save()
    assert not auto.exists() and load_project(mine).epoch == 2


def offered(w, qtbot) -> bool:
    """Offer the recovery and wait until the questions end (a restore read and built off
    the GUI thread, or refused); whether work was restored."""
    with qtbot.waitSignal(w.recovery_offered, timeout=30_000) as ended:
        w.offer_recovery()
    return ended.args[0]


def test_recovery_restores_a_crashed_sessions_work(files_window, qtbot, tmp_path):
    w = files_window
    project_file = save_project(load_preset("xor"), tmp_path / "x.nodeplay")
    crashed = load_preset("xor")
    crashed.data.noise = 35
    auto = _autosave(
        tmp_path / "autosave", crashed, project_file, project_file.stat().st_mtime + 5, pid=2**22 + 12345
    )
    asked = []
    w.ask_recovery = lambda entry: asked.append(entry.name) or True
    assert offered(w, qtbot)
    assert asked == ["xor"] and w.project.data.noise == 35
    assert w.path == project_file.absolute() and w.isWindowModified()
    assert load_project(project_file).data.noise != 35  # the user's file is untouched
    w.ask_unsaved = lambda: "discard"
    w.close()  # a close that discards the work removes the autosave
    assert not auto.exists()


def test_recovery_discard_deletes_and_damaged_is_refused(files_window, qtbot, tmp_path):
    w = files_window
    d = tmp_path / "autosave"
    auto = _autosave(d, load_preset("spiral"), None, time.time(), pid=2**22 + 1)
    w.ask_recovery = lambda entry: False
    assert not offered(w, qtbot) and not auto.exists() and w.project.name == "circle"
    bad = _autosave(d, load_preset("spiral"), None, time.time(), pid=2**22 + 2)
    data = json.loads(bad.read_text())
    data["graph"] = "nonsense"
    bad.write_text(json.dumps(data))
    w.ask_recovery = lambda entry: True
    assert not offered(w, qtbot)
    assert "cannot be restored" in w.message.text.text() and bad.exists()
    assert w.project.name == "circle"


def test_pid_of_this_process_is_never_recovered(tmp_path):
    d = tmp_path / "a"
    _autosave(d, load_preset("circle"), None, time.time(), os.getpid())
    assert pending_recoveries(d) == []


def test_newer_file_is_refused_and_left_alone(files_window, tmp_path):
    w = files_window
    path = tmp_path / "future.nodeplay"
    data = load_preset("xor").to_dict()
    data["format_version"] = 99
    path.write_text(json.dumps(data))
    before = path.read_bytes()
    assert not w.open_recent(str(path))
    assert "newer Nodeplay" in w.message.text.text() and w.project.name == "circle"
    assert path.read_bytes() == before and str(path) not in w.recent.paths()


def test_weight_edit_and_reinitialize_are_unsaved_work(files_window, qtbot):
    w = files_window
    key = next(k for k in w.session.weights() if k.endswith(".weight"))
    w.set_weight(key, (0, 0), 0.5)
    assert w.isWindowModified()
    with qtbot.waitSignal(w.bridge.captured, timeout=5000) as got:
        w.bridge.capture()
    assert got.args[0].weights[key][0, 0] == 0.5
    w.document.mark_saved(w.session.epoch)
    assert not w.isWindowModified()
    w.reinitialize()
    assert w.isWindowModified()


def test_recovery_left_for_later_is_kept(files_window, qtbot, tmp_path):
    w = files_window
    auto = _autosave(tmp_path / "autosave", load_preset("spiral"), None, time.time(), pid=2**22 + 3)
    w.ask_recovery = lambda entry: None
    assert not offered(w, qtbot) and auto.exists() and w.project.name == "circle"


def _click_in_dialog(text):
    """Click the button labelled ``text`` of the modal box once it is up."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        next(b for b in box.buttons() if b.text().replace("&", "") == text).click()

    QTimer.singleShot(20, click)


@pytest.mark.parametrize(
    ("button", "answer"), [("Save", "save"), ("Discard", "discard"), ("Cancel", "cancel")]
)
def test_unsaved_dialog_answers(files_window, button, answer):
    _click_in_dialog(button)
    assert files_window.ask_unsaved() == answer


@pytest.mark.parametrize(("button", "answer"), [("Restore", True), ("Discard", False), ("Later", None)])
def test_recovery_dialog_answers(files_window, tmp_path, button, answer):
    entry = AutosaveEntry(tmp_path / "a", None, time.time(), 1, "spiral")
    _click_in_dialog(button)
    assert files_window.ask_recovery(entry) is answer


def test_save_menu_action_writes_the_file(files_window, qtbot, tmp_path):
    w = files_window
    w.document.set_path(tmp_path / "menu.nodeplay")
    w.set_learning_rate(0.1)
    with qtbot.waitSignal(w.saved, timeout=5000):
        w.save_action.trigger()
    assert load_project(w.path).train.learning_rate == 0.1 and not w.isWindowModified()
