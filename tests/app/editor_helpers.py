"""Shared helpers of the editor tests: a small graph on screen and mouse gestures on it."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from app.editor import QtGraphEditor
from engine.graph import DataSpec, Graph

SPEC = DataSpec((2,), (), 2)  # a 2-D two-class dataset, like the playground sets


def small_graph() -> Graph:
    """Input and a Dense layer, unconnected, plus an Activation and an Output."""
    g = Graph()
    g.add_node("Input", id="input", pos=(0, 0))
    g.add_node("Dense", {"units": 1}, id="dense", pos=(260, 0))
    g.add_node("Activation", id="act", pos=(260, 160))
    g.add_node("Output", id="output", pos=(520, 0))
    return g


def make_editor(qtbot, graph=None, spec=SPEC) -> QtGraphEditor:
    e = QtGraphEditor()
    e.resize(1300, 800)
    qtbot.addWidget(e)
    with qtbot.waitActive(e):  # window shortcuts need an active window
        e.show()
        e.activateWindow()
    e.set_graph(graph if graph is not None else small_graph(), spec)
    e.view.resetTransform()
    e.view.centerOn(QPointF(350, 80))
    return e


def port_point(e, node_id: str, side: str, name: str) -> QPoint:
    return e.view.mapFromScene(e.scene.nodes[node_id].ports[side, name].scenePos())


def node_point(e, node_id: str, dx: float = 60, dy: float = 12) -> QPoint:
    item = e.scene.nodes[node_id]
    return e.view.mapFromScene(item.scenePos() + QPointF(dx, dy))


def drag(
    e, a: QPoint, b: QPoint, button=Qt.MouseButton.LeftButton, modifier=Qt.KeyboardModifier.NoModifier
) -> None:
    vp = e.view.viewport()
    QTest.mousePress(vp, button, modifier, a)
    for t in (0.25, 0.5, 0.75, 1.0):
        QTest.mouseMove(vp, QPoint(round(a.x() + (b.x() - a.x()) * t), round(a.y() + (b.y() - a.y()) * t)))
    QTest.mouseRelease(vp, button, modifier, b)


def connect_by_drag(e, src, src_port, dst, dst_port) -> None:
    drag(e, port_point(e, src, "out", src_port), port_point(e, dst, "in", dst_port))
