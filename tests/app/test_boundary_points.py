"""The largest legal datasets draw (issue #14, finding 3: a million points took 45 s and
5-6 GB, a brush per point): the boundary view shows an even sample of at most
MAX_SHOWN points per set, says so in a note, and shares one brush per colour."""

import numpy as np
import pytest

from app.views.boundary_view import QtBoundaryView
from app.views.point_sample import MAX_SHOWN
from engine.data.dataset import make_dataset
from engine.presets import load_preset


@pytest.fixture(scope="module")
def big_circle():
    project = load_preset("circle")
    project.data.samples = 100_000  # the CSV and settings limits allow up to a million
    return make_dataset(project.data, project.points)


def test_a_large_dataset_shows_an_even_sample_with_a_note(qtbot, big_circle):
    ds = big_circle
    view = QtBoundaryView(ds)
    qtbot.addWidget(view)
    shown = view.train_points.data
    assert len(shown) == MAX_SHOWN < len(ds.x_train)
    assert f"Showing {MAX_SHOWN:,} of {len(ds.x_train):,} training points" in view.sample_note.text()
    xy = np.column_stack([shown["x"], shown["y"]]).astype(np.float32)
    full = {tuple(p) for p in np.asarray(ds.x_train, np.float32)}
    assert all(tuple(p) in full for p in xy[:500])  # real points, not made up
    # an even sample: the classes keep their share, the points spread over the plane
    colours = [b.color().rgb() for b in shown["brush"]]
    blue_share = np.mean([c == colours[0] for c in colours])
    y = np.asarray(ds.y_train).reshape(-1)
    first_class = y[np.flatnonzero(np.all(np.asarray(ds.x_train, np.float32) == xy[0], axis=1))[0]]
    assert abs(blue_share - np.mean(y == first_class)) < 0.02
    assert len({id(b) for b in shown["brush"]}) == 2  # one brush per class


def test_a_small_dataset_shows_every_point_without_a_note(qtbot):
    ds = make_dataset(load_preset("circle").data, None)
    view = QtBoundaryView(ds)
    qtbot.addWidget(view)
    assert len(view.train_points.data) == len(ds.x_train)
    assert view.sample_note.isHidden()


def test_regression_points_share_brushes_per_level(qtbot):
    project = load_preset("reg-plane")
    ds = make_dataset(project.data, project.points)
    view = QtBoundaryView(ds)
    qtbot.addWidget(view)
    brushes = view.train_points.data["brush"]
    assert len({id(b) for b in brushes}) <= 256 and len({b.color().rgb() for b in brushes}) > 20
