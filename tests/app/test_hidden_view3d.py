"""The hidden-space view of a three-unit layer, drawn in 3-D with vispy.

vispy needs an OpenGL context: these tests run under Xvfb (`make test` starts one when
there is no display; conftest then uses Qt's xcb platform). On Qt's offscreen platform
they are skipped with a reason, and the fallback (two of three units, in 2-D) is tested.
"""

import numpy as np
import pytest

from app.views.boundary_view import BLUE, ORANGE
from app.views.hidden_view import NOTE_NO_GL, QtHiddenSpaceView
from app.views.hidden_view3d import box_edges, gl_available, nice_ticks, segments
from engine.graph.mlp import mlp_graph
from engine.presets import load_preset
from engine.train import Session
from engine.train.events import Snapshot
from tests.app.conftest import hidden_snapshot

NEEDS_GL = "no OpenGL context on this Qt platform (offscreen): run under xvfb-run -a"


def _three_unit_project(activation="tanh"):
    p = load_preset("circle")
    p.graph = mlp_graph([4, 3], activation, features=["x1", "x2"])
    return p


@pytest.fixture(scope="module")
def trained():
    p = _three_unit_project()
    s = Session(p)
    s.train(epochs=5)
    return p, s


@pytest.fixture
def view(qtbot, trained):
    p, s = trained
    v = QtHiddenSpaceView()
    qtbot.addWidget(v)
    v.resize(520, 460)
    v.set_graph(p.graph)
    v.set_labels(s.dataset.y_train, s.dataset.classes)
    v.show()
    qtbot.waitExposed(v)
    return v


def test_segments_and_box_and_ticks():
    pairs = segments(2, 3)
    assert pairs.tolist() == [[0, 1], [1, 2], [3, 4], [4, 5]]  # no join across lines
    edges = box_edges(np.array([0.0, 0, 0]), np.array([1.0, 2, 3])).reshape(12, 2, 3)
    lengths = sorted(np.abs(edges[:, 1] - edges[:, 0]).sum(1).tolist())
    assert lengths == [1.0] * 4 + [2.0] * 4 + [3.0] * 4
    assert nice_ticks(-1.05, 1.05).tolist() == [-1.0, 0.0, 1.0]
    assert nice_ticks(0, 7.3).tolist() == [0.0, 2.0, 4.0, 6.0]


def test_three_units_switch_to_3d_and_back(view, trained):
    p, s = trained
    assert view.current_layer() == "act2"  # 3 units
    if not gl_available():
        view.show_snapshot(hidden_snapshot(s, "act2"))
        assert not view.is_3d and view.note.text() == NOTE_NO_GL
        pytest.skip(NEEDS_GL)
    # the GL page is made only when a 3-D snapshot is drawn
    assert view.view3d is None and not view.is_3d
    snap = hidden_snapshot(s, "act2")
    assert snap.hidden["dims"] == 3 and snap.hidden["projection"] == "raw"
    view.show_snapshot(snap)
    assert view.is_3d
    v3 = view.view3d
    # the points are the probe's hidden coordinates, the grid its lines (as segments)
    assert np.allclose(v3.points._data["a_position"], snap.hidden["points"], atol=1e-6)
    assert np.allclose(v3.lines.pos, snap.hidden["lines"].reshape(-1, 3), atol=1e-6)
    assert len(v3.lines.connect) == 26 * 59
    # class colours as in the 2-D view: orange 0, blue 1
    y = s.dataset.y_train.reshape(-1)
    face = v3.points._data["a_bg_color"]
    assert np.allclose(face[int(np.argmax(y == 0))][:3] * 255, ORANGE, atol=1)
    assert np.allclose(face[int(np.argmax(y == 1))][:3] * 255, BLUE, atol=1)
    # tanh: the fixed box [-1.05, 1.05]^3, its axes named after the units
    assert np.allclose(view._bounds, [[-1.05, 1.05]] * 3)
    assert list(v3.axis_text.text) == ["unit 1", "unit 2", "unit 3"]
    assert "-1" in v3.tick_text.text and "1" in v3.tick_text.text
    assert "hidden layer 2 (3 units): tanh" == v3.title.text()
    # the next snapshot rewrites the buffers of the same visuals; the camera stays
    lines_visual, points_visual = v3.lines, v3.points
    v3.camera.azimuth = 10.0
    view.show_snapshot(hidden_snapshot(s, "act2"))
    assert v3.lines is lines_visual and v3.points is points_visual
    assert v3.camera.azimuth == 10.0
    image = v3.render()
    assert image.shape[2] == 4 and (image[..., :3] < 200).any()  # something is drawn
    # a 4-unit layer (projection) goes back to the 2-D plot
    view.set_layer("act1")
    assert not view.is_3d
    view.show_snapshot(hidden_snapshot(s, "act1"))
    assert not view.is_3d and view.stack.currentWidget() is view.plot
    view.set_layer("act2")
    assert view.is_3d


def test_unbounded_layer_gets_a_grow_only_box(qtbot):
    if not gl_available():
        pytest.skip(NEEDS_GL)
    p = _three_unit_project("relu")
    v = QtHiddenSpaceView(p.graph)
    qtbot.addWidget(v)
    v.show()
    rng = np.random.default_rng(0)
    small = {
        "lines": rng.uniform(0, 1, (26, 60, 3)),
        "points": rng.uniform(0, 1, (10, 3)),
        "dims": 3,
        "projection": "raw",
        "units": 3,
    }
    v.show_snapshot(Snapshot(0, 0, False, None, hidden=small))
    assert v.is_3d
    first = v._bounds.copy()
    assert (first[:, 0] < 0).all() and (first[:, 1] > 1).all()
    v.show_snapshot(Snapshot(1, 1, False, None, hidden=dict(small, points=small["points"] * 0.5)))
    assert np.array_equal(v._bounds, first)  # inside: unchanged
    big = dict(small, points=small["points"] * 3)
    v.show_snapshot(Snapshot(2, 2, False, None, hidden=big))
    top = big["points"].max(0)
    assert (v._bounds[:, 1] > top).all() and np.array_equal(v._bounds[:, 0], first[:, 0])
    assert np.allclose(v.view3d.positions, big["points"])


def test_render_to_png(view, trained, qtbot):
    if not gl_available():
        pytest.skip(NEEDS_GL)
    view.show_snapshot(hidden_snapshot(trained[1], "act2"))
    qtbot.wait(50)
    from PySide6.QtGui import QImage

    rgba = np.ascontiguousarray(view.view3d.render())
    h, w, _ = rgba.shape
    QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).save("/tmp/hidden_view3d.png")
    view.grab().save("/tmp/hidden_view3d_widget.png")
