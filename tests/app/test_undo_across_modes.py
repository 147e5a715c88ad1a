"""One undo history for both modes, driven by keys and clicks: a Playground change undone
from the Editor, an Editor edit undone from the Playground, the message bar and the
modified flag following undo."""

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QStyle, QStyleOptionSlider

from engine.presets import load_preset
from tests.app.editor_helpers import connect_by_drag, node_point

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _active(w, qtbot):
    with qtbot.waitActive(w):  # window shortcuts need an active window
        w.activateWindow()
    return w


def _captured(w, qtbot):
    """The worker's state once every command queued so far has applied."""
    with qtbot.waitSignal(w.bridge.captured, timeout=10_000) as got:
        w.bridge.capture()
    return got.args[0]


def _click_node(w, qtbot, node_id: str) -> None:
    QTest.mouseClick(w.editor.view.viewport(), Qt.MouseButton.LeftButton, pos=node_point(w.editor, node_id))
    assert w.editor.scene.nodes[node_id].isSelected()


def test_a_dataset_change_is_undone_and_redone_from_the_editor(window, qtbot):
    w = _active(window, qtbot)
    combo = w.panel.dataset_combo
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)  # circle -> xor, by the keyboard
    assert combo.currentData() == "xor" and w.project.data.name == "xor"
    qtbot.waitUntil(lambda: w.session.project.data.name == "xor")  # the worker's copy
    QTest.keyClick(combo, Qt.Key.Key_2, CTRL)  # to the Editor
    assert w.in_editor()
    w.editor.view.setFocus()
    QTest.keyClick(w.editor.view, Qt.Key.Key_Z, CTRL)
    assert w.project.data.name == "circle"
    qtbot.waitUntil(lambda: w.session.project.data.name == "circle")
    assert combo.currentData() == "circle" and w.editor.graph is w.project.graph
    assert w.undo_action.text() == "&Undo" and w.redo_action.text() == "&Redo Dataset xor"
    QTest.keyClick(w.editor.view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert w.project.data.name == "xor"
    qtbot.waitUntil(lambda: w.session.project.data.name == "xor")
    assert combo.currentData() == "xor"
    assert w.undo_action.text() == "&Undo Dataset xor"


def test_a_layer_change_is_undone_from_the_editor(window, qtbot):
    w = _active(window, qtbot)
    hidden = [n.params["units"] for n in w.project.graph.nodes.values() if n.type == "Dense"]
    QTest.mouseClick(w.panel.add_layer_button, Qt.MouseButton.LeftButton)
    assert len([n for n in w.project.graph.nodes.values() if n.type == "Dense"]) == len(hidden) + 1
    QTest.keyClick(w, Qt.Key.Key_2, CTRL)
    w.editor.view.setFocus()
    QTest.keyClick(w.editor.view, Qt.Key.Key_Z, CTRL)
    assert [n.params["units"] for n in w.project.graph.nodes.values() if n.type == "Dense"] == hidden
    qtbot.waitUntil(
        lambda: (
            [n.params["units"] for n in w.session.project.graph.nodes.values() if n.type == "Dense"] == hidden
        )
    )
    assert w.panel.layers_label.text() == f"{len(hidden) - 1} hidden layers"


def test_an_editor_edit_is_undone_from_the_playground(window, qtbot):
    """A node deleted in the Editor leaves it with a problem: the Playground goes on
    showing the graph that trains, with usable controls, and undoes the deletion."""
    w = _active(window, qtbot)
    QTest.keyClick(w, Qt.Key.Key_2, CTRL)
    model = _captured(w, qtbot)
    columns = len(w.network_view.columns)
    _click_node(w, qtbot, "act1")
    QTest.keyClick(w.editor.view, Qt.Key.Key_Delete)
    assert "act1" not in w.project.graph.nodes and not w.editor.validation.ok
    assert "Training goes on with the last graph" in w.message.text.text()
    QTest.keyClick(w.editor.view, Qt.Key.Key_1, CTRL)  # back to the Playground
    assert not w.in_editor()
    assert len(w.network_view.columns) == columns > 0  # the graph that trains, not the draft
    panel = w.panel
    assert panel.groups["layers"].isVisible() and panel.groups["layers"].isEnabled()
    assert panel.add_layer_button.isEnabled() and panel.layers_label.text() == "2 hidden layers"
    assert w.message.isVisible()  # it says the Editor has a problem
    assert _captured(w, qtbot).weights.keys() == model.weights.keys()  # training went on
    panel.optimizer_combo.setFocus()
    QTest.keyClick(panel.optimizer_combo, Qt.Key.Key_Z, CTRL)
    assert "act1" in w.project.graph.nodes and w.editor.validation.ok
    assert w.message.isHidden() and w.undo_action.text() == "&Undo"


def test_a_playground_edit_on_a_broken_editor_graph_starts_from_the_working_graph(window, qtbot):
    w = _active(window, qtbot)
    QTest.keyClick(w, Qt.Key.Key_2, CTRL)
    _click_node(w, qtbot, "act1")
    QTest.keyClick(w.editor.view, Qt.Key.Key_Delete)
    QTest.keyClick(w, Qt.Key.Key_1, CTRL)
    QTest.mouseClick(w.panel.add_layer_button, Qt.MouseButton.LeftButton)
    assert w.panel.layers_label.text() == "3 hidden layers"
    assert "act1" in w.project.graph.nodes
    qtbot.waitUntil(lambda: w.session.project.graph == w.project.graph)
    QTest.keyClick(w.panel.optimizer_combo, Qt.Key.Key_Z, CTRL)  # the draft comes back
    assert "act1" not in w.project.graph.nodes and "act1" in w.session.project.graph.nodes
    assert w.panel.layers_label.text() == "2 hidden layers"
    assert "The graph in the Editor has a problem" in w.message.text.text()


def test_a_refusal_goes_once_a_later_edit_is_accepted(window, qtbot):
    w = _active(window, qtbot)
    QTest.keyClick(w, Qt.Key.Key_2, CTRL)
    connect_by_drag(w.editor, "input", "x", "dense1", "x")  # refused: already connected
    assert w.message.isVisible() and "already connected" in w.message.text.text()
    _click_node(w, qtbot, "dense1")
    spin = w.editor.inspector.editors["units"]
    spin.setFocus()
    QTest.keyClick(spin, Qt.Key.Key_Up)
    assert w.project.graph.nodes["dense1"].params["units"] == 5
    assert w.message.isHidden()


def test_a_refusal_goes_once_an_undo_makes_the_graph_valid(window, qtbot):
    w = _active(window, qtbot)
    QTest.keyClick(w, Qt.Key.Key_2, CTRL)
    _click_node(w, qtbot, "dense1")
    spin = w.editor.inspector.editors["units"]
    spin.setFocus()
    QTest.keyClick(spin, Qt.Key.Key_Up)
    connect_by_drag(w.editor, "input", "x", "dense1", "x")
    assert w.message.isVisible() and "already connected" in w.message.text.text()
    w.editor.view.setFocus()
    QTest.keyClick(w.editor.view, Qt.Key.Key_Z, CTRL)
    assert w.project.graph.nodes["dense1"].params["units"] == 4
    assert w.message.isHidden()


@pytest.fixture
def saved_window(qtbot, tmp_path):
    from app.shell.main_window import MainWindow

    w = MainWindow(
        load_preset("circle"),
        autosave_dir=tmp_path / "autosave",
        settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield _active(w, qtbot)
    w.close()


def test_modified_flag_and_autosave_follow_undo(saved_window, qtbot):
    w = saved_window
    assert not w.isWindowModified()
    w.panel.noise_slider.setFocus()
    QTest.keyClick(w.panel.noise_slider, Qt.Key.Key_PageUp)  # one step of 5: one command
    assert w.project.data.noise == 5 and w.document.undo_stack.count() == 1
    assert w.isWindowModified() and w.document.autosave_timer.isActive()
    QTest.keyClick(w.panel.noise_slider, Qt.Key.Key_Z, CTRL)
    assert w.project.data.noise == 0 and w.panel.noise_slider.value() == 0
    assert not w.isWindowModified() and not w.document.autosave_timer.isActive()
    QTest.keyClick(w.panel.noise_slider, Qt.Key.Key_Z, CTRL | SHIFT)
    assert w.project.data.noise == 5 and w.isWindowModified()


def test_a_learning_rate_choice_is_undone(window, qtbot):
    w = _active(window, qtbot)
    before = w.project.train.learning_rate
    w.lr_combo.setFocus()
    QTest.keyClick(w.lr_combo, Qt.Key.Key_Down)
    chosen = w.project.train.learning_rate
    assert chosen != before and _captured(w, qtbot) is not None
    assert w.session.project.train.learning_rate == chosen
    QTest.keyClick(w.lr_combo, Qt.Key.Key_Z, CTRL)
    assert w.project.train.learning_rate == before and w.lr_combo.currentData() == before
    _captured(w, qtbot)
    assert w.session.project.train.learning_rate == before


def test_the_batch_label_shows_the_batch(qtbot):
    from app.shell.main_window import MainWindow

    project = load_preset("circle")
    project.train.batch_size = 32
    w = MainWindow(project, serve=False)
    qtbot.addWidget(w)
    assert w.panel.batch_label.text() == "Batch size 32" and w.panel.batch_slider.value() == 32
    project.train.batch_size = 200  # beyond the slider's end: the label still says it
    w.open_project(project)
    assert w.panel.batch_label.text() == "Batch size 200"


def test_a_slider_drag_is_one_command_on_release(window, qtbot):
    w = _active(window, qtbot)
    slider = w.panel.ratio_slider
    start = slider.value()
    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)
    handle = (
        slider.style()
        .subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, slider)
        .center()
    )
    QTest.mousePress(slider, Qt.MouseButton.LeftButton, pos=handle)
    for dx in (10, 20, 30, 40):
        QTest.mouseMove(slider, handle + QPoint(dx, 0))
    assert slider.value() > start and w.document.undo_stack.count() == 0  # not while dragged
    QTest.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=handle + QPoint(40, 0))
    assert w.document.undo_stack.count() == 1
    assert w.project.data.train_percent == slider.value() and w.undo_action.isEnabled()
