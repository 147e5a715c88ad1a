"""Editor defects found when tried as a new user would, each driven by the real gesture."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from engine.graph import Edge
from engine.presets import load_preset
from tests.app.editor_helpers import make_editor


def double_click(widget, at: QPoint) -> None:
    """A real double-click: press and release, then the second press (QTest's double-click
    event) and its release, as the window system delivers them."""
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(widget, left, none, at)
    QTest.mouseDClick(widget, left, none, at)
    QTest.mouseRelease(widget, left, none, at)


def test_double_clicking_a_palette_entry_adds_one_node_in_one_undo_step(qtbot):
    e = make_editor(qtbot)
    before = len(e.graph.nodes)
    tree = e.palette.tree
    item = e.palette.items["Dropout"]
    tree.scrollToItem(item)
    at = tree.visualItemRect(item).center()
    double_click(tree.viewport(), at)
    assert len(e.graph.nodes) == before + 1
    assert len(e.graph.nodes_of_type("Dropout")) == 1
    assert e.undo_stack.count() == 1
    e.undo_stack.undo()
    assert len(e.graph.nodes) == before


def test_enter_on_a_palette_entry_adds_it_once(qtbot):
    e = make_editor(qtbot)
    tree = e.palette.tree
    tree.setCurrentItem(e.palette.items["Dropout"])
    tree.setFocus()
    QTest.keyClick(tree, Qt.Key.Key_Return)
    assert len(e.graph.nodes_of_type("Dropout")) == 1
    assert e.undo_stack.count() == 1


def _editor_window(qtbot, preset="circle", size=None):
    from app.shell.main_window import MainWindow

    w = MainWindow(load_preset(preset), serve=False)
    qtbot.addWidget(w)
    if size:
        w.resize(*size)
    with qtbot.waitActive(w):
        w.show()
        w.activateWindow()
    w.show_mode("editor")
    return w


def test_space_drag_in_the_editor_pans_and_does_not_start_training(qtbot):
    w = _editor_window(qtbot)
    view = w.editor.view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    fired = []
    w.play_action.triggered.connect(lambda *_: fired.append(1))
    vp = view.viewport()
    a = vp.rect().center()
    before = view.mapToScene(a)
    QTest.keyPress(view, Qt.Key.Key_Space)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for dx in (20, 40, 60, 80):
        QTest.mouseMove(vp, a + QPoint(dx, 30))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a + QPoint(80, 30))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    assert not fired and not w.play_action.isChecked()
    moved = view.mapToScene(a) - before
    assert moved.x() < -40 and moved.y() < -10  # the scene followed the hand
    w.close()


def test_space_still_plays_outside_the_editor_canvas(qtbot):
    w = _editor_window(qtbot)
    w.show_mode("playground")
    fired = []
    w.play_action.triggered.connect(lambda *_: fired.append(1))
    w.setFocus()
    QTest.keyClick(w, Qt.Key.Key_Space)
    assert fired
    w.close()


def _dense(e):
    return next(n for n in e.graph.nodes if e.graph.nodes[n].type == "Dense")


def test_add_after_selection_inserts_into_the_chain_as_one_step(qtbot):
    w = _editor_window(qtbot)
    e = w.editor
    first = _dense(e)
    (old,) = e.graph.outgoing(first)
    seen = []  # after every edit the window is told of: the editor's count and the window's sentence
    e.edited.connect(lambda *_: seen.append((e.validation.ok, w.graph_problem())))
    before = e.graph.copy()
    e.select([first])
    tree = e.palette.tree
    item = e.palette.items["Dropout"]
    tree.scrollToItem(item)
    double_click(tree.viewport(), tree.visualItemRect(item).center())
    (new,) = e.selected_node_ids()
    assert e.graph.nodes[new].type == "Dropout"
    assert Edge(first, "out", new, "x") in e.graph.edges
    assert Edge(new, "out", old.dst, old.dst_port) in e.graph.edges
    assert old not in e.graph.edges
    assert e.validation.ok and "problem" not in e.total_label.text()
    assert seen == [(True, None)]  # no half-done state with a problem reached the window
    assert "not connected" not in w.statusBar().currentMessage()
    assert e.graph.nodes[old.dst].pos[0] > e.graph.nodes[new].pos[0]  # downstream made room
    assert e.undo_stack.count() == 1
    e.undo_stack.undo()
    assert e.graph == before
    e.undo_stack.redo()
    assert Edge(new, "out", old.dst, old.dst_port) in e.graph.edges
    w.close()


def test_add_after_selection_leaves_edges_whose_consumer_would_break(qtbot):
    e = make_editor(qtbot)
    e.graph.connect("input", "x", "dense", "x")
    e.refresh()
    e.select(["input"])
    e.add_after_selection("Flatten")  # (N, 2) flattens to (N, 2): the Dense takes it
    (flat,) = e.graph.nodes_of_type("Flatten")
    assert Edge(flat.id, "out", "dense", "x") in e.graph.edges
    e.select(["dense"])
    e.add_after_selection("Output")  # an Output's loss feeds nothing: a dead end, still connected
    outs = e.graph.nodes_of_type("Output")
    assert any(e.graph.incoming(o.id, "pred") == Edge("dense", "out", o.id, "pred") for o in outs)


def test_the_problem_count_names_the_first_problem(qtbot):
    e = make_editor(qtbot)
    text = e.total_label.text()
    first = e.validation.first_error()
    assert first is not None and f"{len(e.validation.errors)} problem" in text
    assert e.total_label.toolTip() == str(first)


def test_the_editor_opens_long_graphs_legible_at_their_inputs_at_1280_by_800(qtbot):
    for preset in ("vae", "digits-cnn", "spiral-deep"):
        w = _editor_window(qtbot, preset, (1280, 800))
        e, view = w.editor, w.editor.view
        qtbot.waitUntil(lambda v=view: v.zoom() > 0.5)  # fitted once laid out
        smallest_px = 8 * view.logicalDpiY() / 72 * view.zoom()  # node_item's smallest text
        assert smallest_px >= 9, preset
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        (inp,) = e.graph.nodes_of_type("Input")
        assert shown.contains(e.scene.nodes[inp.id].sceneBoundingRect()), preset
        assert "Space" in e.message_label.text()  # the rest is a pan away, and it says how
        view.setFocus()
        QTest.keyClick(view, Qt.Key.Key_F)  # F shows it whole, smaller
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        assert shown.contains(e.scene.itemsBoundingRect()) and e.message_label.text() == ""
        w.close()
