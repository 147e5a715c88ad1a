"""The node editor driven as a user drives it: palette, mouse drags, keys, inspector."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from engine.graph import DataSpec, Edge
from tests.app.editor_helpers import connect_by_drag, drag, make_editor, port_point

SPEC_64 = DataSpec((1, 8, 8), (), 10)  # the digits: one 8x8 channel, ten classes


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
    checked = [
        box.item(i).text() for i in range(box.count()) if box.item(i).checkState() == Qt.CheckState.Checked
    ]
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
    assert (
        e.graph.nodes[copies[0]].pos[0]
        == e.graph.nodes[{"Input": "input", "Dense": "dense"}[e.graph.nodes[copies[0]].type]].pos[0] + 40
    )
    QTest.keyClick(e.view, Qt.Key.Key_Delete)
    assert len(e.graph.nodes) == 4 and len(e.graph.edges) == 1
    QTest.keyClick(e.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(e.graph.nodes) == 6
    QTest.keyClick(
        e.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
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


def test_conv_after_dense_is_refused_with_the_shape_sentence(qtbot):
    from engine.graph import Graph

    g = Graph()
    g.add_node("Input", id="input", pos=(0, 0))
    g.add_node("Dense", {"units": 64}, id="dense", pos=(260, 0))
    g.add_node("Conv2d", id="conv", pos=(520, 0))
    g.connect("input", "x", "dense", "x")
    e = make_editor(qtbot, g)
    # hovering the port already says why, before the drop
    e.scene.begin_connection(
        e.scene.nodes["dense"].ports["out", "out"], e.scene.nodes["dense"].ports["out", "out"].scenePos()
    )
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


def test_runner_refuses_a_missing_file(capsys):
    from app.editor.__main__ import main

    assert main(["/nonexistent/file.nodeplay"]) == 1
    assert "There is no project file" in capsys.readouterr().err


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


def test_a_click_on_a_port_changes_nothing_and_says_nothing(qtbot):
    e = make_editor(qtbot)
    messages = []
    e.message.connect(lambda kind, text: messages.append(text))
    QTest.mouseClick(
        e.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        port_point(e, "input", "out", "x"),
    )
    assert messages == [] and e.graph.edges == [] and e.undo_stack.count() == 0
    with qtbot.waitSignal(e.message) as sig:  # output to output is explained
        drag(e, port_point(e, "input", "out", "x"), port_point(e, "dense", "out", "out"))
    assert sig.args[1] == "Connect an output port (right side) to an input port (left side)."
