"""The node editor's canvas as a user handles it: selecting, moving, blocks, layout, zoom and pan."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from engine.graph import Edge
from tests.app.editor_helpers import connect_by_drag, drag, make_editor, node_point


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


def test_box_select_and_ctrl_click(qtbot):
    e = make_editor(qtbot)
    a = e.view.mapFromScene(QPointF(-40, -40))
    b = e.view.mapFromScene(QPointF(460, 130))
    drag(e, a, b)
    assert sorted(e.selected_node_ids()) == ["dense", "input"]
    QTest.mouseClick(
        e.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        node_point(e, "act"),
    )
    assert sorted(e.selected_node_ids()) == ["act", "dense", "input"]
    QTest.mouseClick(
        e.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, node_point(e, "act")
    )
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
    QTest.keyClick(
        e.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
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
    ev = QWheelEvent(
        QPointF(at),
        QPointF(vp.mapToGlobal(at)),
        QPoint(),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(vp, ev)
    assert abs(e.view.zoom() - 1.15**2) < 1e-6
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
    e.set_thumbnails(
        {
            "dense": Thumb("map", np.outer(np.linspace(-1, 1, 8), np.ones(8))),
            "act": Thumb("histogram", np.array([1.0, 4.0, 2.0])),
            "nope": Thumb("map", []),
        }
    )
    assert e.scene.nodes["dense"].thumb is not None and e.scene.nodes["dense"].size()[1] > h
    image = e.scene.nodes["dense"].thumb.toImage()
    left, right = (
        image.pixelColor(image.width() // 2, 2),
        image.pixelColor(image.width() // 2, image.height() - 3),
    )
    # the one colour scheme (app.look.colours): negative orange, positive blue
    assert left.red() > left.blue() and right.blue() > right.red()
    e.set_thumbnails(None)
    assert e.scene.nodes["dense"].thumb is None and e.scene.nodes["dense"].size()[1] == h


def test_double_click_opens_a_node(qtbot):
    e = make_editor(qtbot)
    with qtbot.waitSignal(e.nodeOpened) as sig:
        QTest.mouseDClick(
            e.view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            node_point(e, "dense", dy=50),
        )
    assert sig.args == ["dense"]


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


def test_dropping_a_palette_type_adds_it_where_it_lands(qtbot):
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from app.editor.view import NODE_MIME

    e = make_editor(qtbot)
    mime = QMimeData()
    mime.setData(NODE_MIME, b"Dropout")
    at = e.view.mapFromScene(QPointF(100, 300))
    enter = QDragEnterEvent(
        at, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(e.view.viewport(), enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(at), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(e.view.viewport(), drop)
    (node,) = e.graph.nodes_of_type("Dropout")
    assert abs(node.pos[0] - 100) <= 1 and abs(node.pos[1] - 300) <= 1


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
        for b in names[i + 1 :]:
            assert not rects[a].intersects(rects[b]), (a, b)
    assert e.graph.nodes[first].pos[0] == 260.0  # same column, moved down only


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
    from app.editor.view import legible_zoom
    from engine.data.dataset import make_dataset
    from engine.presets import load_preset

    project = load_preset("vae")
    e = make_editor(qtbot, project.graph, make_dataset(project.data).spec)
    rects = [item.sceneBoundingRect() for item in e.scene.nodes.values()]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    assert e.validation.ok and e.undo_stack.count() == 0
    e.set_graph(project.graph, make_dataset(project.data).spec)
    # opens at a legible zoom, showing its inputs (the left end) when it is too long to fit
    assert e.view.zoom() >= legible_zoom(e.view) - 1e-9
    shown = e.view.mapToScene(e.view.viewport().rect()).boundingRect()
    assert shown.contains(e.scene.nodes[project.graph.nodes_of_type("Input")[0].id].sceneBoundingRect())
