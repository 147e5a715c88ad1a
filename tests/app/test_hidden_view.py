"""The hidden-space view, fed with a headless session's hidden_space snapshots."""

import numpy as np
import pytest

from app.views.boundary_view import BLUE, ORANGE
from app.views.hidden_view import NOTE_3D, NOTE_PCA, QtHiddenSpaceView
from engine.graph.mlp import mlp_graph
from engine.presets import load_preset
from engine.train import Session
from engine.train.events import Snapshot
from tests.app.conftest import hidden_snapshot


@pytest.fixture(scope="module")
def trained():
    p = load_preset("circle")
    s = Session(p)
    s.hidden_node = "act2"
    s.train(epochs=5)
    return p, s


@pytest.fixture
def view(qtbot, trained):
    p, s = trained
    v = QtHiddenSpaceView()
    qtbot.addWidget(v)
    v.resize(520, 460)
    chosen = []
    v.layerChosen.connect(chosen.append)
    v.set_graph(p.graph)
    v.chosen = chosen
    v.set_labels(s.dataset.y_train)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_lists_the_layers_and_shows_the_points(view, trained):
    _, s = trained
    assert view.layers() == ["act1", "act2"]
    assert [view.combo.itemText(i) for i in range(2)] == [
        "hidden layer 1 (4 units)",
        "hidden layer 2 (2 units)",
    ]
    assert view.current_layer() == "act2" and view.chosen == ["act2"]
    snap = hidden_snapshot(s, "act2")
    view.show_snapshot(snap)
    x, y = view.points.getData()
    assert np.allclose(np.stack([x, y], 1), snap.hidden["points"])
    # the grid: 26 polylines of 60 points joined by breaks
    lx, ly = view.lines.getData()
    assert len(lx) == 26 * 61 and np.isnan(lx[60])
    assert np.allclose(lx[:60], snap.hidden["lines"][0, :, 0])
    assert view.plot.getPlotItem().getAxis("bottom").labelText == "unit 1"
    assert view.plot.getPlotItem().getAxis("left").labelText == "unit 2"
    # tanh: a fixed range that does not follow the data
    # (with equal scales on both axes, so the wider one shows a little more)
    (x0, x1), (y0, y1) = view.plot.getPlotItem().viewRange()
    assert x0 <= -1.05 + 1e-6 and x1 >= 1.05 - 1e-6 and y0 <= -1.05 + 1e-6 and y1 >= 1.05 - 1e-6
    assert min(x1 - x0, y1 - y0) == pytest.approx(2.1)
    assert x0 + x1 == pytest.approx(0) and y0 + y1 == pytest.approx(0)
    view.show_snapshot(hidden_snapshot(s, "act2"))
    assert view.plot.getPlotItem().viewRange() == [[x0, x1], [y0, y1]]
    # class colours: orange 0, blue 1
    brushes = view.points.data["brush"]
    y_train = s.dataset.y_train
    assert brushes[int(np.argmax(y_train == 0))].color().getRgb()[:3] == ORANGE
    assert brushes[int(np.argmax(y_train == 1))].color().getRgb()[:3] == BLUE
    assert view.note.text() == ""


def test_choosing_a_layer_asks_for_it_and_pca_axes(view, trained):
    _, s = trained
    view.combo.setCurrentIndex(0)
    assert view.chosen == ["act2", "act1"]
    snap = hidden_snapshot(s, "act1")  # 4 units: principal axes, 3 coordinates
    assert snap.hidden["dims"] == 3
    view.show_snapshot(snap)
    assert view.plot.getPlotItem().getAxis("bottom").labelText == "PC 1"
    # not "first two of three coordinates": the layer has 4 units
    assert view.note.text() == NOTE_PCA.format(units=4) == "4 units: their first two principal axes shown"
    assert view.note.text() != NOTE_3D
    x, y = view.points.getData()
    assert np.allclose(np.stack([x, y], 1), snap.hidden["points"][:, :2])
    # a grow-only range: a second, identical frame keeps it
    r1 = view.plot.getPlotItem().viewRange()
    view.show_snapshot(snap)
    assert view.plot.getPlotItem().viewRange() == r1
    # the same graph again keeps the choice and does not ask again
    view.set_graph(trained[0].graph)
    assert view.current_layer() == "act1" and view.chosen == ["act2", "act1"]


def test_regression_values_and_many_classes_get_colours(qtbot):
    v = QtHiddenSpaceView(mlp_graph([3, 2], "relu", outputs=3, loss="cross_entropy"))
    qtbot.addWidget(v)
    v.set_labels(np.array([0, 1, 2, 1]))
    assert v._classes == 3
    v.set_labels(np.array([-0.5, 0.2, 0.9, 1.0]))
    assert v._classes is None
    hidden = {
        "lines": np.zeros((26, 60, 2)),
        "points": np.arange(8.0).reshape(4, 2),
        "dims": 2,
        "projection": "raw",
        "units": 2,
    }
    v.show_snapshot(Snapshot(0, 0, False, None, hidden=hidden))
    assert len(v.points.data["brush"]) == 4
    (x0, x1), _ = v.plot.getPlotItem().viewRange()
    assert x0 < 0 and x1 > 6  # relu: fitted to the data


def test_render_to_png(view, trained, qtbot):
    view.show_snapshot(hidden_snapshot(trained[1], "act2"))
    qtbot.wait(20)
    view.grab().save("/tmp/hidden_view.png")
    view.set_layer("act1")
    view.show_snapshot(hidden_snapshot(trained[1], "act1"))
    qtbot.wait(20)
    view.grab().save("/tmp/hidden_view_pca.png")
