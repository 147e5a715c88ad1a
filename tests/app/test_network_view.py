"""The network diagram, fed with snapshots of a headless session on the circle preset."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor

from app.views.boundary_view import BLUE, FIELD_MAP, ORANGE
from app.views.network_view import (
    NEURON_MAP_SIZE,
    NOTE,
    NeuronItem,
    QtNetworkView,
    WeightItem,
    feature_maps,
    field_rgb,
    scaled_field,
)
from engine.graph.model import Graph
from engine.presets import load_preset
from engine.train import Session
from engine.train.events import Snapshot


@pytest.fixture(scope="module")
def trained():
    p = load_preset("circle")
    s = Session(p)
    s.neuron_size = NEURON_MAP_SIZE
    s._make_grids()
    s.hidden_node = "act2"
    s.train(epochs=5)
    got = []
    s.subscribe(lambda e: got.append(e) if isinstance(e, Snapshot) else None)
    s.publish(force=True)
    return p, s, got[-1]


@pytest.fixture
def view(qtbot, trained):
    p, _, snap = trained
    v = QtNetworkView()
    qtbot.addWidget(v)
    v.resize(760, 420)
    v.set_graph(p.graph)
    v.show()
    qtbot.waitExposed(v)
    v.show_snapshot(snap)
    return v


def _view_point(v, scene_point: QPointF) -> QPoint:
    return v.canvas.mapFromScene(scene_point)


def _clear_point_on(v, line: WeightItem) -> QPoint:
    """A viewport point on ``line`` where it is the item on top."""
    a, b = line.line().p1(), line.line().p2()
    for t in np.linspace(0.15, 0.85, 29):
        p = _view_point(v, a + (b - a) * float(t))
        if v.canvas.itemAt(p) is line:
            return p
    raise AssertionError("no point where the line is on top")


def test_one_neuron_per_unit_and_maps_shown(view, trained):
    _, s, snap = trained
    assert [c.units for c in view.columns] == [2, 4, 2, 1]
    assert [c.header for c in view.columns] == ["2 features", "4 neurons", "2 neurons", "output"]
    assert len(view.neurons) == 9
    assert len(view.scene.items()) > 0
    assert sum(isinstance(i, NeuronItem) for i in view.scene.items()) == 9
    assert sum(isinstance(i, WeightItem) for i in view.scene.items()) == 2 * 4 + 4 * 2 + 2
    # hidden neurons show the Activation node's maps, the output the head's
    for col, node in zip(view.columns[1:], ["act1", "act2", "head"], strict=True):
        assert col.node_id == node
        for u, item in enumerate(col.neurons):
            assert np.array_equal(item.values, snap.neurons[node][u])
            assert np.array_equal(view.neuron_map(node, u), snap.neurons[node][u])
    item = view.column("act1").neurons[2]
    expected = field_rgb(np.clip(snap.neurons["act1"][2], -1, 1))
    assert np.array_equal(item.rgb, expected)
    # the drawn pixmap is those colours, y pointing up
    img = item.pixmap().toImage()
    m = snap.neurons["act1"][2]
    # the boundary view's (pale) map: a hovered neuron drawn large keeps its colours
    colour = FIELD_MAP.map([(np.clip(m[0, 0], -1, 1) + 1) / 2], mode="byte")[0][:3]
    bottom_left = QColor(img.pixel(0, img.height() - 1))
    assert np.allclose([bottom_left.red(), bottom_left.green(), bottom_left.blue()], colour, atol=2)
    # the input features' maps are the formulas over the plane
    x1 = view.neuron_map("features", 0)
    assert x1.shape == (NEURON_MAP_SIZE, NEURON_MAP_SIZE)
    assert np.allclose(x1[0], np.linspace(-6, 6, NEURON_MAP_SIZE))
    assert np.allclose(feature_maps(["x1^2"], 6.0, 5)[0][2], np.linspace(-6, 6, 5) ** 2)
    # the output of a BCE head shows 2·sigmoid - 1, the boundary view's colouring
    assert np.allclose(scaled_field(np.array([0.0, 2.0]), "logit"), [0, np.tanh(1)])
    assert np.allclose(scaled_field(np.array([-4.0, 2.0]), "maxabs"), [-1, 0.5])
    assert view.neuron_map("act9", 0) is None and view.neuron_map("act1", 7) is None


def test_weight_lines_follow_sign_and_size(view, trained):
    _, s, snap = trained
    w = snap.weights["layers.dense1.weight"]
    for (r, c), value in np.ndenumerate(w):
        line = view.weight_item("layers.dense1.weight", (r, c))
        assert line.value == pytest.approx(value)
        expected = BLUE if value >= 0 else ORANGE
        assert line.pen().color().getRgb()[:3] == expected
    # lines meet the boxes: from the right edge of one to the left edge of the next
    line = view.weight_item("layers.dense2.weight", (1, 3))
    src, dst = view.column("act1").neurons[3], view.column("act2").neurons[1]
    assert line.line().p1() == src.pos() + QPointF(40, 20)
    assert line.line().p2() == dst.pos() + QPointF(0, 20)
    widths = []
    for value in (0.05, 0.3, 1.0, 2.0, -2.0):
        line.set_value(value)
        widths.append(line.pen().widthF())
    assert widths[0] < widths[1] < widths[2] < widths[3] and widths[3] == widths[4]
    assert line.pen().color().getRgb()[:3] == ORANGE
    weights = dict(snap.weights)
    weights["layers.dense2.weight"] = np.full((2, 4), -3.0, np.float32)
    weights["layers.dense2.bias"] = np.array([0.25, -0.5], np.float32)
    view.show_snapshot(Snapshot(1, 1, False, snap.metrics, weights=weights))
    assert line.value == -3.0 and line.pen().widthF() > widths[2]
    assert "-3" in line.tooltip()
    assert view.column("act2").neurons[1].bias == -0.5
    assert "-0.5" in view.column("act2").neurons[1].tooltip()


def test_snapshots_update_items_in_place(view, trained):
    # what an update costs is printed by bench/view_speed.py
    _, _, snap = trained
    before = set(map(id, view.scene.items()))
    count = len(view.scene.items())
    for _ in range(20):
        view.show_snapshot(snap)
    assert len(view.scene.items()) == count and set(map(id, view.scene.items())) == before


def test_clicking_a_line_edits_the_weight(view, qtbot):
    line = view.weight_item("layers.dense1.weight", (2, 1))
    got = []
    view.weightEditRequested.connect(lambda *a: got.append(a))
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=_clear_point_on(view, line))
    assert view.editor.isVisible()
    qtbot.keyClicks(view.editor, "1.5")
    qtbot.keyClick(view.editor, Qt.Key.Key_Return)
    assert got == [("layers.dense1.weight", (2, 1), 1.5)]
    assert not view.editor.isVisible()
    assert line.value == 1.5  # shown at once


def test_clicking_a_neuron_edits_its_bias(view, qtbot):
    item = view.column("act1").neurons[3]
    got = []
    view.weightEditRequested.connect(lambda *a: got.append(a))
    qtbot.mouseClick(
        view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=_view_point(view, item.pos() + QPointF(20, 20))
    )
    qtbot.keyClicks(view.editor, "-0.25")
    qtbot.keyClick(view.editor, Qt.Key.Key_Enter)
    assert got == [("layers.dense1.bias", (3,), -0.25)]
    # Escape cancels
    qtbot.mouseClick(
        view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=_view_point(view, item.pos() + QPointF(20, 20))
    )
    qtbot.keyClicks(view.editor, "7")
    qtbot.keyClick(view.editor, Qt.Key.Key_Escape)
    assert len(got) == 1 and not view.editor.isVisible()


def test_hovering_a_neuron_reports_it(view, qtbot):
    got = []
    view.neuronHovered.connect(lambda *a: got.append(a))
    item = view.column("act2").neurons[1]
    qtbot.mouseMove(view.canvas.viewport(), _view_point(view, item.pos() + QPointF(20, 20)))
    qtbot.waitUntil(lambda: ("act2", 1) in got, timeout=2000)
    far = view.canvas.mapFromScene(item.pos() + QPointF(70, -200))
    qtbot.mouseMove(view.canvas.viewport(), far)
    qtbot.waitUntil(lambda: got[-1] == ("", -1), timeout=2000)
    out = view.column("head").neurons[0]
    qtbot.mouseMove(view.canvas.viewport(), _view_point(view, out.pos() + QPointF(20, 20)))
    qtbot.waitUntil(lambda: got[-1] == ("head", 0), timeout=2000)
    assert "bias" in out.tooltip()


def test_a_graph_that_is_not_a_perceptron_gets_the_note(qtbot, trained):
    g = Graph()
    g.add_node("Input", id="input")
    g.add_node("Dense", {"units": 3}, id="d1")
    g.add_node("Dense", {"units": 1}, id="d2")
    g.add_node("Output", {"loss": "bce"}, id="output")
    g.connect("input", "x", "d1", "x")
    g.connect("d1", "out", "d2", "x")
    g.connect("d2", "out", "output", "pred")
    g.connect("input", "y", "output", "target")
    v = QtNetworkView()
    qtbot.addWidget(v)
    v.set_graph(g)
    assert v.stack.currentWidget() is v.note and v.note.text() == NOTE
    assert not v.neurons and not v.is_mlp
    v.show_snapshot(trained[2])  # ignored, no error
    v.set_graph(trained[0].graph)
    assert v.stack.currentWidget() is v.canvas and len(v.neurons) == 9


def test_features_and_relu_layers(qtbot):
    from engine.graph.mlp import mlp_graph

    g = mlp_graph([3], "relu", features=["x1", "x2", "x1^2", "sin x2"])
    v = QtNetworkView(g)
    qtbot.addWidget(v)
    assert [c.units for c in v.columns] == [4, 3, 1]
    assert v.columns[0].header == "4 features" and v.columns[0].labels[2] == "X₁²"
    assert np.allclose(v.neuron_map("features", 3)[:, 0], np.sin(np.linspace(-6, 6, 24)))
    maps = {
        "act1": np.stack(
            [np.full((24, 24), 5.0), np.linspace(0, 3, 576).reshape(24, 24), np.zeros((24, 24))]
        ).astype(np.float32),
        "head": np.zeros((1, 24, 24), np.float32),
    }
    v.show_snapshot(Snapshot(0, 0, False, None, neurons=maps))
    # unbounded outputs are scaled by their largest size, not clipped
    assert np.array_equal(v.column("act1").neurons[1].rgb, field_rgb(maps["act1"][1] / 3.0))
    assert np.array_equal(v.column("act1").neurons[0].rgb, field_rgb(np.ones((24, 24))))


def test_render_to_png(view, qtbot):
    view.resize(760, 420)
    qtbot.wait(20)
    assert not view.grab().isNull()
    view.grab().save("/tmp/network_view.png")


def test_tooltips_are_written_when_asked(view, qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    item = view.column("act1").neurons[0]
    pos = _view_point(view, item.pos() + QPointF(20, 20))
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.canvas.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.canvas.viewport(), event)
    assert "bias" in QToolTip.text() and f"{item.bias:.4g}" in QToolTip.text()
    line = view.weight_item("layers.head.weight", (0, 1))
    pos = _clear_point_on(view, line)
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.canvas.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.canvas.viewport(), event)
    assert QToolTip.text().startswith(f"weight {line.value:.4g}")
    QToolTip.hideText()


def test_residual_layers_get_a_dashed_skip_edge(qtbot):
    from app.views.network_view import ResidualItem
    from engine.graph.mlp import mlp_graph

    v = QtNetworkView(mlp_graph([2, 2, 3], features=["x1", "x2"], residual=[True, False, False]))
    qtbot.addWidget(v)
    v.resize(640, 420)
    v.show()
    qtbot.waitExposed(v)
    skips = [i for i in v.scene.items() if isinstance(i, ResidualItem)]
    assert skips == v.residuals and len(skips) == 1
    skip = skips[0]
    assert skip.layer == 1 and skip.tooltip() == "residual: adds layer 1's input to its output"
    assert skip.pen().style() == Qt.PenStyle.DashLine
    # it runs under the features column and ends under hidden layer 1's column
    rect = skip.path().boundingRect()
    features, layer1 = v.columns[0], v.columns[1]
    assert rect.left() <= features.neurons[-1].pos().x() + 40
    assert rect.right() >= layer1.neurons[-1].pos().x()
    assert rect.right() < v.columns[2].neurons[-1].pos().x()
    assert rect.top() >= features.neurons[-1].pos().y() + 40  # below the neurons
    # hovering it shows the tooltip text through the canvas
    centre = v.canvas.mapFromScene(skip.path().pointAtPercent(0.5))
    found = v.canvas.items(centre)
    assert skip in found
    # the same shape without residual layers has none
    v.set_graph(mlp_graph([2, 2, 3], features=["x1", "x2"]))
    assert v.residuals == [] and not any(isinstance(i, ResidualItem) for i in v.scene.items())
    # two residual layers: two skips, layer by layer
    v.set_graph(mlp_graph([2, 2, 3], features=["x1", "x2"], residual=[True, True, False]))
    assert [s.layer for s in v.residuals] == [1, 2]
    v.grab().save("/tmp/network_residual.png")


@pytest.mark.parametrize("size", [(1280, 800), (1600, 1000)])
def test_a_deep_networks_text_is_legible_in_the_window(qtbot, size):
    """spiral-deep's 16-16-16 diagram is drawn at under half size; its headers and input
    labels stay at least 11 screen pixels high (they were about 5)."""
    from app.shell.main_window import MainWindow

    w = MainWindow(load_preset("spiral-deep"), serve=False)
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(50)
    view = w.network_view
    zoom = view.canvas.transform().m11()
    assert zoom < 0.7  # the diagram is zoomed out: scene-sized text would be tiny
    texts = [c.header_item for c in view.columns] + view.columns[0].label_items
    heights = [t.font().pixelSize() * zoom for t in texts]
    assert min(heights) >= 11, heights
    # and the labels still sit left of their neurons, the headers above their column
    for label, neuron in zip(view.columns[0].label_items, view.columns[0].neurons, strict=True):
        assert label.sceneBoundingRect().right() <= neuron.sceneBoundingRect().left()
    for col in view.columns:
        assert col.header_item.sceneBoundingRect().bottom() <= col.neurons[0].sceneBoundingRect().top()
    w.close()
