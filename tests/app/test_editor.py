"""The node editor driven as a user drives it: palette, mouse drags, keys, inspector."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from engine.graph import DataSpec, Edge
from tests.app.editor_helpers import connect_by_drag, drag, make_editor, node_point, port_point

SPEC_64 = DataSpec((1, 8, 8), (), 10)  # the digits: one 8x8 channel, ten classes


def test_palette_lists_every_type_and_adds_by_search_and_double_click(qtbot):
    from engine.graph.catalogue import CATALOGUE

    e = make_editor(qtbot)
    assert set(e.palette.items) == set(CATALOGUE)
    e.palette.search.setText("dens")
    assert e.palette.visible_types() == ["Dense"]
    with qtbot.waitSignal(e.edited) as sig:
        QTest.keyClick(e.palette.search, Qt.Key.Key_Return)
    assert sig.args[0] == "structure"
    added = sig.args[1][0]
    assert e.graph.nodes[added].type == "Dense" and added in e.scene.nodes
    assert e.selected_node_ids() == [added]  # the new node is ready for the inspector
    e.palette.search.clear()
    e.palette._activated(e.palette.items["Dropout"])  # what a double-click or Enter does
    assert len(e.graph.nodes_of_type("Dropout")) == 1
    e.undo_stack.undo()
    e.undo_stack.undo()
    assert set(e.graph.nodes) == {"input", "dense", "act", "output"}


def test_dragging_output_to_input_connects_and_the_edge_shows_its_shape(qtbot):
    e = make_editor(qtbot)
    with qtbot.waitSignal(e.edited):
        connect_by_drag(e, "input", "x", "dense", "x")
    edge = Edge("input", "x", "dense", "x")
    assert e.graph.edges == [edge]
    assert e.scene.edges[edge].label == "(N, 2)"
    assert e.scene.nodes["dense"].count == 3  # (2 inputs + bias) * 1 unit
    # dragging backwards, from the input to the output, works too
    drag(e, port_point(e, "act", "in", "x"), port_point(e, "dense", "out", "out"))
    assert Edge("dense", "out", "act", "x") in e.graph.edges
    assert e.scene.edges[Edge("dense", "out", "act", "x")].label == "(N, 1)"
    e.undo_stack.undo()
    e.undo_stack.undo()
    assert e.graph.edges == [] and not e.scene.edges


def test_a_refused_connection_explains_itself_and_leaves_the_graph_unchanged(qtbot):
    e = make_editor(qtbot)
    connect_by_drag(e, "input", "x", "dense", "x")
    before = e.graph.copy()
    with qtbot.waitSignal(e.message) as sig:
        connect_by_drag(e, "input", "y", "act", "x")  # targets are not a tensor
    assert sig.args == ["error", "Activation expects a tensor on 'x'; this port gives targets (2 classes)."]
    assert e.message_label.text() == sig.args[1]
    assert e.graph == before and e.undo_stack.count() == 1
    with qtbot.waitSignal(e.message) as sig:
        connect_by_drag(e, "input", "x", "dense", "x")  # the model's own refusal
    assert sig.args[1] == "Input 'x' of Dense is already connected."
    assert e.graph == before


def test_a_shape_refusal_on_the_last_input(qtbot):
    e = make_editor(qtbot)
    e.set_params("dense", {"units": 3})
    connect_by_drag(e, "input", "x", "dense", "x")
    connect_by_drag(e, "dense", "out", "output", "pred")
    # pred alone waits for its target, so it is taken; the target shows the mismatch
    with qtbot.waitSignal(e.message) as sig:
        connect_by_drag(e, "input", "y", "output", "target")
    assert sig.args[1] == "Binary cross-entropy expects one logit (N, 1); this port gives (N, 3)."
    assert e.graph.incoming("output", "target") is None


def test_picking_up_a_connected_input_moves_or_removes_its_edge(qtbot):
    e = make_editor(qtbot)
    connect_by_drag(e, "input", "x", "dense", "x")
    drag(e, port_point(e, "dense", "in", "x"), port_point(e, "act", "in", "x"))
    assert e.graph.edges == [Edge("input", "x", "act", "x")]
    drag(e, port_point(e, "act", "in", "x"), port_point(e, "act", "in", "x") + QPoint(-120, 90))
    assert e.graph.edges == []
    e.undo_stack.undo()
    assert e.graph.edges == [Edge("input", "x", "act", "x")]
    e.undo_stack.undo()
    assert e.graph.edges == [Edge("input", "x", "dense", "x")]


def test_a_node_whose_settings_no_longer_fit_shows_its_error(qtbot):
    e = make_editor(qtbot)
    e.select(["act"])
    e.delete_selected()
    connect_by_drag(e, "input", "x", "dense", "x")
    connect_by_drag(e, "dense", "out", "output", "pred")
    connect_by_drag(e, "input", "y", "output", "target")
    assert e.validation.ok and e.scene.nodes["output"].error is None
    e.set_params("dense", {"units": 2})
    msg = "Binary cross-entropy expects one logit (N, 1); this port gives (N, 2)."
    assert e.scene.nodes["output"].error == msg
    assert e.scene.nodes["output"].toolTip() == msg
    assert e.scene.edges[Edge("dense", "out", "output", "pred")].error
    assert "1 problem" in e.total_label.text()
    e.set_params("output", {"loss": "cross_entropy"})
    assert e.validation.ok and e.scene.nodes["output"].error is None
    assert e.total_label.text().startswith("6 parameters")


def test_inspector_edits_are_undoable_and_refusals_are_explained(qtbot):
    e = make_editor(qtbot)
    e.select(["dense"])
    spin = e.inspector.editors["units"]
    with qtbot.waitSignal(e.edited) as sig:
        spin.setValue(7)
    assert sig.args == ["structure", ["dense"]]
    assert e.graph.nodes["dense"].params["units"] == 7
    e.inspector.editors["label"].setText("hidden")
    e.inspector.editors["label"].editingFinished.emit()
    assert e.graph.nodes["dense"].label == "hidden" and e.scene.nodes["dense"].title == "hidden"
    e.undo_stack.undo()
    e.undo_stack.undo()
    assert e.graph.nodes["dense"].params["units"] == 1 and e.graph.nodes["dense"].label == ""
    assert e.inspector.editors["units"].value() == 1  # the form follows the model
    # a live parameter is reported as "params": the running model needs no rebuild
    drop = e.add_node("Dropout")
    with qtbot.waitSignal(e.edited) as sig:
        e.inspector.editors["p"].setValue(0.5)
    assert sig.args == ["params", [drop]]


def test_features_list_refuses_an_empty_choice(qtbot):
    from engine.graph import Graph

    g = Graph()
    g.add_node("Features", id="f", pos=(0, 0))
    e = make_editor(qtbot, g)
    e.select(["f"])
    box = e.inspector.editors["features"]
    box.item(2).setCheckState(Qt.CheckState.Checked)
    assert e.graph.nodes["f"].params["features"] == ["x1", "x2", "x1^2"]
    with qtbot.waitSignal(e.message) as sig:
        for i in range(box.count()):
            box.item(i).setCheckState(Qt.CheckState.Unchecked)
    assert "must be a non-empty list" in sig.args[1]
    assert e.graph.nodes["f"].params["features"]  # never emptied
    checked = [box.item(i).text() for i in range(box.count())
               if box.item(i).checkState() == Qt.CheckState.Checked]
    assert checked == e.graph.nodes["f"].params["features"]


def test_keyboard_undo_redo_delete_duplicate_copy_paste(qtbot):
    e = make_editor(qtbot)
    connect_by_drag(e, "input", "x", "dense", "x")
    e.view.setFocus()
    e.select(["input", "dense"])
    QTest.keyClick(e.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(e.graph.nodes) == 6 and len(e.graph.edges) == 2
    copies = e.selected_node_ids()
    assert sorted(e.graph.nodes[c].type for c in copies) == ["Dense", "Input"]
    assert e.graph.nodes[copies[0]].pos[0] == e.graph.nodes[
        {"Input": "input", "Dense": "dense"}[e.graph.nodes[copies[0]].type]].pos[0] + 40
    QTest.keyClick(e.view, Qt.Key.Key_Delete)
    assert len(e.graph.nodes) == 4 and len(e.graph.edges) == 1
    QTest.keyClick(e.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(e.graph.nodes) == 6
    QTest.keyClick(e.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert len(e.graph.nodes) == 4
    # copy only the Dense: the edge from Input stays behind
    e.select(["dense"])
    QTest.keyClick(e.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(e.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(e.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    pasted = [n for n in e.graph.nodes.values() if n.id not in ("input", "dense", "act", "output")]
    assert [n.type for n in pasted] == ["Dense", "Dense"]
    assert [n.pos for n in pasted] == [(300.0, 40.0), (340.0, 80.0)]  # fresh ids, offset copies
    assert len(e.graph.edges) == 1


def test_paste_of_plain_text_is_refused_politely(qtbot):
    from PySide6.QtGui import QGuiApplication

    e = make_editor(qtbot)
    QGuiApplication.clipboard().setText("hello")
    with qtbot.waitSignal(e.message) as sig:
        e.paste()
    assert sig.args[0] == "info" and "no nodes to paste" in sig.args[1]
    assert len(e.graph.nodes) == 4


def test_box_select_and_ctrl_click(qtbot):
    e = make_editor(qtbot)
    a = e.view.mapFromScene(QPointF(-40, -40))
    b = e.view.mapFromScene(QPointF(460, 130))
    drag(e, a, b)
    assert sorted(e.selected_node_ids()) == ["dense", "input"]
    QTest.mouseClick(e.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     node_point(e, "act"))
    assert sorted(e.selected_node_ids()) == ["act", "dense", "input"]
    QTest.mouseClick(e.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     node_point(e, "act"))
    assert e.selected_node_ids() == ["act"]


def test_moving_nodes_is_one_undoable_step_per_drag(qtbot):
    e = make_editor(qtbot)
    e.select(["input", "dense"])
    drag(e, node_point(e, "dense"), node_point(e, "dense") + QPoint(50, 30))
    assert e.graph.nodes["dense"].pos == (310.0, 30.0)
    assert e.graph.nodes["input"].pos == (50.0, 30.0)
    assert e.undo_stack.count() == 1
    e.undo_stack.undo()
    assert e.graph.nodes["dense"].pos == (260.0, 0.0)
    assert e.scene.nodes["dense"].pos() == QPointF(260, 0)


def test_group_moves_together_and_ungroups(qtbot):
    e = make_editor(qtbot)
    e.select(["input", "dense"])
    e.view.setFocus()
    QTest.keyClick(e.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert e.graph.groups == {"Block 1": ["input", "dense"]}
    frame = e.scene.groups["Block 1"]
    title = e.view.mapFromScene(frame.title_rect().center())
    drag(e, title, title + QPoint(0, 60))
    assert e.graph.nodes["input"].pos == (0.0, 60.0) and e.graph.nodes["dense"].pos == (260.0, 60.0)
    assert e.graph.nodes["act"].pos == (260.0, 160.0)
    e.rename_group("Block 1", "Encoder")
    assert list(e.graph.groups) == ["Encoder"] and "Encoder" in e.scene.groups
    e.select(["dense"])
    QTest.keyClick(e.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert e.graph.groups == {} and not e.scene.groups
    for _ in range(4):
        e.undo_stack.undo()
    assert e.graph.groups == {} and e.graph.nodes["input"].pos == (0.0, 0.0)


def test_auto_layout_is_one_undoable_command(qtbot):
    e = make_editor(qtbot)
    connect_by_drag(e, "input", "x", "dense", "x")
    connect_by_drag(e, "dense", "out", "act", "x")
    before = {k: n.pos for k, n in e.graph.nodes.items()}
    with qtbot.waitSignal(e.edited) as sig:
        e.actions_by_name["layout"].trigger()
    assert sig.args[0] == "layout"
    pos = {k: n.pos for k, n in e.graph.nodes.items()}
    assert pos["input"][0] < pos["dense"][0] < pos["act"][0]
    e.undo_stack.undo()
    assert {k: n.pos for k, n in e.graph.nodes.items()} == before


def test_wheel_zooms_around_the_cursor_and_middle_drag_pans(qtbot):
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    e = make_editor(qtbot)
    vp = e.view.viewport()
    at = QPoint(300, 200)
    under = e.view.mapToScene(at)
    ev = QWheelEvent(QPointF(at), QPointF(vp.mapToGlobal(at)), QPoint(), QPoint(0, 240),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                     False)
    QApplication.sendEvent(vp, ev)
    assert abs(e.view.zoom() - 1.15 ** 2) < 1e-6
    after = e.view.mapToScene(at)
    assert abs(after.x() - under.x()) < 2 and abs(after.y() - under.y()) < 2
    centre = e.view.mapToScene(vp.rect().center())
    drag(e, QPoint(400, 300), QPoint(300, 250), Qt.MouseButton.MiddleButton)
    moved = e.view.mapToScene(vp.rect().center()) - centre
    assert abs(moved.x() - 100 / e.view.zoom()) < 3 and abs(moved.y() - 50 / e.view.zoom()) < 3
    assert e.undo_stack.count() == 0  # looking around is not an edit


def test_thumbnails_draw_on_nodes_and_clear(qtbot):
    import numpy as np

    class Thumb:
        def __init__(self, kind, values):
            self.kind, self.values = kind, values

    e = make_editor(qtbot)
    h = e.scene.nodes["dense"].size()[1]
    e.set_thumbnails({"dense": Thumb("map", np.outer(np.linspace(-1, 1, 8), np.ones(8))),
                      "act": Thumb("histogram", np.array([1.0, 4.0, 2.0])), "nope": Thumb("map", [])})
    assert e.scene.nodes["dense"].thumb is not None and e.scene.nodes["dense"].size()[1] > h
    image = e.scene.nodes["dense"].thumb.toImage()
    left, right = image.pixelColor(image.width() // 2, 2), image.pixelColor(image.width() // 2,
                                                                            image.height() - 3)
    assert left.blue() > left.red() and right.red() > right.blue()  # negative blue, positive orange
    e.set_thumbnails(None)
    assert e.scene.nodes["dense"].thumb is None and e.scene.nodes["dense"].size()[1] == h


def test_double_click_opens_a_node(qtbot):
    e = make_editor(qtbot)
    with qtbot.waitSignal(e.nodeOpened) as sig:
        QTest.mouseDClick(e.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                          node_point(e, "dense", dy=50))
    assert sig.args == ["dense"]


def test_conv_after_dense_is_refused_with_the_shape_sentence(qtbot):
    from engine.graph import Graph

    g = Graph()
    g.add_node("Input", id="input", pos=(0, 0))
    g.add_node("Dense", {"units": 64}, id="dense", pos=(260, 0))
    g.add_node("Conv2d", id="conv", pos=(520, 0))
    g.connect("input", "x", "dense", "x")
    e = make_editor(qtbot, g)
    # hovering the port already says why, before the drop
    e.scene.begin_connection(e.scene.nodes["dense"].ports["out", "out"],
                             e.scene.nodes["dense"].ports["out", "out"].scenePos())
    with qtbot.waitSignal(e.scene.connectionHint) as hint:
        e.scene.drag_connection(e.scene.nodes["conv"].ports["in", "x"].scenePos())
    sentence = "Conv2d expects 4-D input (N, C, H, W); this port gives (N, 64)."
    assert hint.args == [sentence]
    assert e.scene.nodes["conv"].ports["in", "x"].state == "refused"
    e.scene.end_connection(e.scene.nodes["conv"].ports["in", "x"].scenePos() + QPointF(300, 300))
    assert e.scene.nodes["conv"].ports["in", "x"].state == ""
    with qtbot.waitSignal(e.message) as sig:
        connect_by_drag(e, "dense", "out", "conv", "x")
    assert sig.args == ["error", sentence]
    assert len(e.graph.edges) == 1


def test_shape_parameter_is_parsed_and_checked(qtbot):
    from engine.graph import Graph

    g = Graph()
    g.add_node("Input", id="input", pos=(0, 0))
    g.add_node("Reshape", id="reshape", pos=(260, 0))
    g.connect("input", "x", "reshape", "x")
    e = make_editor(qtbot, g, spec=SPEC_64)
    e.select(["reshape"])
    field = e.inspector.editors["shape"]
    field.setText("4, 4, 4")
    field.editingFinished.emit()
    assert e.graph.nodes["reshape"].params["shape"] == [4, 4, 4]
    assert e.scene.edges[Edge("input", "x", "reshape", "x")].label == "(N, 1, 8, 8)"
    assert str(e.validation.values["reshape", "out"]) == "(N, 4, 4, 4)"
    with qtbot.waitSignal(e.message) as sig:
        field.setText("4, four")
        field.editingFinished.emit()
    assert sig.args[0] == "error" and "shape" in sig.args[1]
    assert e.graph.nodes["reshape"].params["shape"] == [4, 4, 4] and field.text() == "4, 4, 4"
    field.setText("2, 2")  # a valid shape that no longer fits the input: applied, with a badge
    field.editingFinished.emit()
    assert e.scene.nodes["reshape"].error == e.validation.errors["reshape"]
    assert "needs 4 values per sample" in e.scene.nodes["reshape"].error


def test_optional_inputs_do_not_block_a_connection(qtbot):
    from engine.graph import Graph

    g = Graph()
    g.add_node("Input", id="input", pos=(0, 0))
    g.add_node("Concat", id="cat", pos=(260, 0))
    e = make_editor(qtbot, g)
    connect_by_drag(e, "input", "x", "cat", "a")
    connect_by_drag(e, "input", "x", "cat", "b")
    assert len(e.graph.edges) == 2 and "cat" not in e.validation.errors
    assert e.validation.values["cat", "out"].shape == (4,)
    assert e.scene.nodes["cat"].ports["in", "c"].optional


def test_a_long_edge_goes_round_the_nodes_it_would_pass_behind(qtbot):
    from engine.graph import Graph

    g = Graph()
    g.add_node("Input", id="input", pos=(0, 0))
    g.add_node("Dense", id="dense", pos=(260, 0))
    g.add_node("Output", id="output", pos=(600, 0))
    g.connect("input", "x", "dense", "x")
    g.connect("input", "y", "output", "target")
    e = make_editor(qtbot, g)
    long = e.scene.edges[Edge("input", "y", "output", "target")]
    dense = e.scene.nodes["dense"].sceneBoundingRect()
    points = [long._path.pointAtPercent(i / 50) for i in range(51)]
    assert not any(dense.contains(p) for p in points)  # routed below the Dense, not behind it
    drag(e, node_point(e, "dense"), node_point(e, "dense") + QPoint(0, -300))
    assert long._path.boundingRect().height() < 40  # nothing in the way now: a plain curve


def test_runner_refuses_a_missing_file(capsys):
    from app.editor.__main__ import main

    assert main(["/nonexistent/file.nodeplay"]) == 1
    assert "There is no project file" in capsys.readouterr().err


def test_arrow_keys_nudge_and_quick_repeats_are_one_undo_step(qtbot):
    e = make_editor(qtbot)
    e.select(["dense"])
    e.view.setFocus()
    for _ in range(3):
        QTest.keyClick(e.view, Qt.Key.Key_Right)
    QTest.keyClick(e.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ShiftModifier)
    assert e.graph.nodes["dense"].pos == (290.0, 0.0 - 1)
    assert e.undo_stack.count() == 1  # quick nudges of the same nodes are one step
    while e.undo_stack.canUndo():
        e.undo_stack.undo()
    assert e.graph.nodes["dense"].pos == (260.0, 0.0)


def test_quick_spinbox_steps_merge_into_one_undo_step(qtbot):
    e = make_editor(qtbot)
    e.select(["dense"])
    for v in (2, 3, 4):
        e.inspector.editors["units"].setValue(v)
    assert e.graph.nodes["dense"].params["units"] == 4 and e.undo_stack.count() == 1
    e.undo_stack.undo()
    assert e.graph.nodes["dense"].params["units"] == 1


def test_choice_editor_and_a_new_dataset_revalidate(qtbot):
    e = make_editor(qtbot)
    connect_by_drag(e, "input", "x", "dense", "x")
    e.select(["act"])
    combo = e.inspector.editors["fn"]
    combo.activated.emit(combo.findText("relu"))
    assert e.graph.nodes["act"].params["fn"] == "relu"
    assert e.scene.nodes["act"].summary == "relu"
    e.set_spec(DataSpec((5,), (), 3))
    assert e.scene.edges[Edge("input", "x", "dense", "x")].label == "(N, 5)"
    assert e.scene.nodes["dense"].count == 6
    assert e.undo_stack.count() == 2  # a new dataset is not an edit


def test_dropping_a_palette_type_adds_it_where_it_lands(qtbot):
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from app.editor.view import NODE_MIME

    e = make_editor(qtbot)
    mime = QMimeData()
    mime.setData(NODE_MIME, b"Dropout")
    at = e.view.mapFromScene(QPointF(100, 300))
    enter = QDragEnterEvent(at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(e.view.viewport(), enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(at), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(e.view.viewport(), drop)
    (node,) = e.graph.nodes_of_type("Dropout")
    assert abs(node.pos[0] - 100) <= 1 and abs(node.pos[1] - 300) <= 1


def test_adding_after_a_selected_node_places_and_connects_it(qtbot):
    e = make_editor(qtbot)
    connect_by_drag(e, "input", "x", "dense", "x")
    e.select(["dense"])
    e.palette._activated(e.palette.items["Activation"])
    new = e.selected_node_ids()[0]
    assert e.graph.nodes[new].type == "Activation"
    assert Edge("dense", "out", new, "x") in e.graph.edges
    assert e.graph.nodes[new].pos[0] > e.graph.nodes["dense"].pos[0] + 176
    e.undo_stack.undo()  # one step: the node and its edge
    assert new not in e.graph.nodes and len(e.graph.edges) == 1
    e.select(["input"])
    e.palette._activated(e.palette.items["Conv2d"])  # (N, 2) into a Conv2d: added, not connected
    (conv,) = e.graph.nodes_of_type("Conv2d")
    assert e.graph.incoming(conv.id, "x") is None


def test_context_menu_offers_adding_at_the_click_or_editing_the_selection(qtbot):
    from app.editor.menus import context_menu

    e = make_editor(qtbot)
    menu = context_menu(e, QPointF(40, 400))
    add = menu.actions()[0].menu()
    dense = next(a for c in add.actions() for a in c.menu().actions() if a.text() == "Dense")
    dense.trigger()
    (added,) = [n for n in e.graph.nodes_of_type("Dense") if n.id != "dense"]
    assert added.pos == (40.0, 400.0)
    e.select(["act"])
    labels = [a.text() for a in context_menu(e, QPointF(0, 0)).actions() if a.text()]
    assert labels[:3] == ["Open", "Copy", "Duplicate"] and "Delete" in labels


def test_new_nodes_never_cover_existing_ones(qtbot):
    e = make_editor(qtbot)
    first = e.add_node("Dense", QPointF(260, 10))  # right on top of "dense"
    second = e.add_node("Dense", QPointF(260, 10))
    rects = {n: e.scene.nodes[n].sceneBoundingRect() for n in ("dense", "act", first, second)}
    names = list(rects)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not rects[a].intersects(rects[b]), (a, b)
    assert e.graph.nodes[first].pos[0] == 260.0  # same column, moved down only


def test_inspector_says_how_many_nodes_are_selected(qtbot):
    e = make_editor(qtbot)
    e.select(["input", "dense", "act"])
    assert e.inspector.heading.text() == "3 nodes selected" and not e.inspector.editors
    e.select([])
    assert e.inspector.heading.text() == "Nothing selected"


def test_selected_edge_is_deleted_with_the_delete_key(qtbot):
    e = make_editor(qtbot)
    connect_by_drag(e, "input", "x", "dense", "x")
    edge = e.scene.edges[Edge("input", "x", "dense", "x")]
    mid = e.view.mapFromScene(edge._path.pointAtPercent(0.3))
    QTest.mouseClick(e.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, mid)
    assert edge.isSelected() and e.selected_node_ids() == []
    QTest.keyClick(e.view, Qt.Key.Key_Delete)
    assert e.graph.edges == []
    e.undo_stack.undo()
    assert e.graph.edges == [Edge("input", "x", "dense", "x")]


def test_space_drag_pans_and_moves_no_node(qtbot):
    e = make_editor(qtbot)
    e.view.setFocus()
    vp = e.view.viewport()
    centre = e.view.mapToScene(vp.rect().center())
    QTest.keyPress(e.view, Qt.Key.Key_Space)
    drag(e, node_point(e, "dense"), node_point(e, "dense") + QPoint(-80, -40))
    QTest.keyRelease(e.view, Qt.Key.Key_Space)
    moved = e.view.mapToScene(vp.rect().center()) - centre
    assert abs(moved.x() - 80) < 3 and abs(moved.y() - 40) < 3
    assert e.graph.nodes["dense"].pos == (260, 0) and e.undo_stack.count() == 0


def test_a_crowded_preset_opens_laid_out_and_readable(qtbot):
    from engine.data.dataset import make_dataset
    from engine.presets import load_preset

    project = load_preset("vae")
    e = make_editor(qtbot, project.graph, make_dataset(project.data).spec)
    rects = [item.sceneBoundingRect() for item in e.scene.nodes.values()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    assert e.validation.ok and e.undo_stack.count() == 0
    e.set_graph(project.graph, make_dataset(project.data).spec)
    assert e.view.zoom() >= 0.7  # opens readable, at its left end, rather than shrunk to fit


def test_a_click_on_a_port_changes_nothing_and_says_nothing(qtbot):
    e = make_editor(qtbot)
    messages = []
    e.message.connect(lambda kind, text: messages.append(text))
    QTest.mouseClick(e.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     port_point(e, "input", "out", "x"))
    assert messages == [] and e.graph.edges == [] and e.undo_stack.count() == 0
    with qtbot.waitSignal(e.message) as sig:  # output to output is explained
        drag(e, port_point(e, "input", "out", "x"), port_point(e, "dense", "out", "out"))
    assert sig.args[1] == "Connect an output port (right side) to an input port (left side)."
