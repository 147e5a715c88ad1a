"""The Polynomial node in the editor (issue #12): found in the palette, added by a
double-click in one undo step, wired by dragging, and its output sized by its degree."""

from PySide6.QtCore import QPointF
from PySide6.QtTest import QTest

from tests.app.editor_helpers import connect_by_drag, drag, make_editor, node_point
from tests.app.test_editor_defects import double_click


def test_double_clicking_polynomial_adds_a_node_that_wires_between_input_and_dense(qtbot):
    e = make_editor(qtbot)
    QTest.keyClicks(e.palette.search, "poly")
    assert e.palette.visible_types() == ["Polynomial"]
    tree = e.palette.tree
    item = e.palette.items["Polynomial"]
    tree.scrollToItem(item)
    double_click(tree.viewport(), tree.visualItemRect(item).center())
    (added,) = [n.id for n in e.graph.nodes_of_type("Polynomial")]
    assert e.graph.nodes[added].params == {"degree": 3, "scale": 1.0}
    assert e.undo_stack.count() == 1
    drag(e, node_point(e, added), e.view.mapFromScene(QPointF(190, 172)))  # clear of the Dense node
    assert e.scene.nodes[added].scenePos().y() > 100
    connect_by_drag(e, "input", "x", added, "x")
    connect_by_drag(e, added, "out", "dense", "x")
    assert e.graph.incoming(added, "x").src == "input"
    assert e.graph.incoming("dense", "x").src == added
    for _ in range(e.undo_stack.count()):  # the two wires, the move and the node
        e.undo_stack.undo()
    assert not e.graph.nodes_of_type("Polynomial")
