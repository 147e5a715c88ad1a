"""The 2-D view scales to the largest legal dataset (issue #14, item 3): a sample of
the points, a note saying so, one brush per colour."""

import numpy as np

from app.views.boundary_view import QtBoundaryView
from app.views.point_sample import MAX_SHOWN
from engine.data import make_dataset
from engine.presets import load_preset


def big_dataset(name: str, samples: int):
    p = load_preset(name)
    p.data.samples = samples
    return make_dataset(p.data, p.points)


def test_a_million_points_draw_as_a_sample_with_a_note(qtbot):
    ds = big_dataset("circle", 1_000_000)
    view = QtBoundaryView(ds)
    qtbot.addWidget(view)
    view.resize(640, 640)
    view.show()
    qtbot.waitExposed(view)
    x, y = view.train_points.getData()
    assert len(x) == MAX_SHOWN < len(ds.x_train)
    assert (
        view.sample_note.isVisible()
        and "Showing 10,000 of 500,000 training points" in view.sample_note.text()
    )
    # the sample is of the data itself, and keeps both classes
    rows = {tuple(r) for r in np.asarray(ds.x_train[:, :2], np.float32)}
    assert all((np.float32(a), np.float32(b)) in rows for a, b in zip(x[:50], y[:50]))
    brushes = {id(b) for b in view.train_points.data["brush"]}
    assert len(brushes) == 2  # one per class, not one per point


def test_a_small_set_is_drawn_whole_without_a_note(qtbot):
    ds = big_dataset("reg-plane", 500)
    view = QtBoundaryView(ds)
    qtbot.addWidget(view)
    x, _ = view.train_points.getData()
    assert len(x) == len(ds.x_train) and not view.sample_note.isVisible()
    assert len({id(b) for b in view.train_points.data["brush"]}) <= 64  # regression: rounded colours


def test_the_hidden_space_of_half_a_million_points_draws_a_sample(qtbot):
    from app.views.hidden_view import QtHiddenSpaceView
    from engine.train.events import Snapshot

    ds = big_dataset("circle", 1_000_000)
    view = QtHiddenSpaceView()
    qtbot.addWidget(view)
    view.set_labels(ds.y_train, ds.classes)
    n = len(ds.x_train)
    points = np.random.default_rng(1).normal(size=(n, 2)).astype(np.float32)
    lines = np.zeros((4, 10, 2), np.float32)
    hidden = {"lines": lines, "points": points, "dims": 2, "projection": "raw", "units": 2}
    view.show_snapshot(Snapshot(1, 1, False, None, hidden=hidden))
    x, _ = view.points.getData()
    assert len(x) == MAX_SHOWN < n
    assert len({id(b) for b in view.points.data["brush"]}) == 2


# S-OPEN (issue #14): the hidden test split is styled when "show test data" is ticked
def test_the_test_points_are_drawn_when_shown(qtbot):
    from PySide6.QtCore import Qt

    ds = big_dataset("circle", 1_000_000)
    view = QtBoundaryView(ds)
    qtbot.addWidget(view)
    view.resize(640, 640)
    view.show()
    qtbot.waitExposed(view)
    assert not view.test_points.isVisible() and len(view.test_points.getData()[0]) == 0
    qtbot.mouseClick(view.show_test, Qt.MouseButton.LeftButton)
    x, y = view.test_points.getData()
    assert view.test_points.isVisible() and len(x) == MAX_SHOWN < len(ds.x_test)
    rows = {tuple(r) for r in np.asarray(ds.x_test[:, :2], np.float32)}
    assert all((np.float32(a), np.float32(b)) in rows for a, b in zip(x[:50], y[:50]))
    assert len({id(b) for b in view.test_points.data["brush"]}) == 2
    # a new dataset while they are on show replaces them at once
    small = big_dataset("xor", 400)
    view.set_dataset(small)
    assert len(view.test_points.getData()[0]) == len(small.x_test)


def test_shared_brushes_keep_each_points_colour(qtbot):
    from app.views.point_sample import shared_brushes

    rgba = (np.random.default_rng(0).integers(0, 4, (5000, 4)) * 60).astype(np.uint8)
    brushes = shared_brushes(rgba)
    assert len({id(b) for b in brushes}) == len(np.unique(rgba, axis=0))
    got = np.array([b.color().getRgb() for b in brushes], np.uint8)
    assert (got == rgba).all()
