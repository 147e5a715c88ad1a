"""The document without a window: replacing the project as undoable steps, live settings,
the modified flag following undo, saving and autosaving, refusals."""

import pytest

from app.document import Document, project_problem
from engine.edits import edited
from engine.presets import load_preset
from engine.project import load_project


@pytest.fixture
def doc(qapp, tmp_path):
    d = Document(autosave_dir=tmp_path / "autosave")
    d.open(load_preset("circle"))
    return d


def _noise(doc, value):
    return edited(doc.project, lambda p: setattr(p.data, "noise", value))


def test_an_edit_replaces_the_project_and_undo_brings_back_the_same_object(doc, qtbot):
    first = doc.project
    with qtbot.waitSignal(doc.projectReplaced) as got:
        assert doc.replace(_noise(doc, 30), "Noise 30")
    assert got.args[0] is doc.project and doc.project.data.noise == 30
    assert doc.undo_stack.undoText() == "Noise 30" and doc.modified
    assert doc.autosave_timer.isActive()
    with qtbot.waitSignal(doc.projectReplaced) as got:
        doc.undo_stack.undo()
    assert got.args[0] is first and first.data.noise == 0
    assert not doc.modified and not doc.autosave_timer.isActive()
    doc.undo_stack.redo()
    assert doc.project.data.noise == 30 and doc.modified


def test_a_project_that_cannot_train_is_refused_and_nothing_changes(doc, qtbot):
    broken = doc.project.copy()
    node = next(n.id for n in broken.graph.nodes.values() if n.type == "Activation")
    broken.graph.remove_node(node)
    problem = project_problem(broken)
    assert problem
    with qtbot.waitSignal(doc.refused) as got:
        assert not doc.replace(broken, "Broken")
    assert got.args == [problem]
    assert doc.undo_stack.count() == 0 and not doc.modified and node in doc.project.graph.nodes


def test_live_settings_are_undoable_and_quick_repeats_merge(doc, qtbot):
    before = doc.project.train.stop_epochs
    with qtbot.waitSignal(doc.settingChanged) as got:
        doc.set_setting("stop_epochs", 5, "Stop after 5 epochs")
    assert got.args == ["stop_epochs"] and doc.project.train.stop_epochs == 5
    doc.set_setting("stop_epochs", 50, "Stop after 50 epochs")  # typed digit by digit
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Stop after 50 epochs"
    doc.set_setting("learning_rate", 0.3, "Learning rate 0.3")
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.project.train.stop_epochs == before and doc.project.train.learning_rate == 0.03
    assert not doc.modified


def test_training_and_changes_outside_the_history_are_unsaved_work(doc):
    doc.track_epoch(12)
    assert doc.modified
    doc.mark_saved(12)
    assert not doc.modified
    doc.mark_dirty()
    assert doc.modified


def test_write_saves_clears_modified_and_adds_a_recent_file(doc, tmp_path):
    doc.replace(_noise(doc, 20), "Noise 20")
    path = tmp_path / "c.nodeplay"
    assert doc.write(path, 0, None) is None
    assert load_project(path).data.noise == 20 and doc.path == path
    assert not doc.modified and doc.recent.paths() == [str(path.absolute())]
    doc.undo_stack.undo()  # back past the save: unsaved again
    assert doc.modified
    missing = tmp_path / "no such folder" / "c.nodeplay"
    assert "could not be saved" in doc.write(missing, 0, None)


def test_autosave_writes_beside_never_over_the_file(doc, tmp_path):
    doc.replace(_noise(doc, 25), "Noise 25")
    assert doc.autosave(0, None) is None
    auto = doc.autosaver.current
    assert auto.exists() and auto.parent == tmp_path / "autosave"
    doc.discard_autosave()
    assert not auto.exists()
