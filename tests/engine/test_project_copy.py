"""Project.copy with many points or trained weights (issue #14, finding 3: importing a
legal 100,000-row CSV froze the window; each of the three copies an edit makes went
through the points' JSON form). The copy is equal and independent, and never goes
through the JSON or base64 forms of the arrays."""

import numpy as np
import pytest

import engine.project as project_module
from engine.data.dataset import USER
from engine.data.user import make_points
from engine.presets import load_preset
from engine.train.session import Session


@pytest.fixture
def big_user_project():
    project = load_preset("circle")
    rng = np.random.default_rng(0)
    project.data.name = USER
    project.points = make_points(rng.uniform(-5, 5, (100_000, 2)), rng.integers(0, 2, 100_000))
    session = Session(load_preset("circle"))
    session.train(steps=1)
    project.weights, project.epoch = session.weights(), 7
    return project


def test_copy_is_equal_and_independent(big_user_project):
    p = big_user_project
    twin = p.copy()
    assert twin.to_dict() == p.to_dict() and twin.epoch == 7
    assert twin.points[0] is not p.points[0] and np.array_equal(twin.points[0], p.points[0])
    assert twin.points[1].dtype == np.int64 and twin.points[0].dtype == np.float32
    twin.points[0][0, 0] = 99.0
    key = next(iter(p.weights))
    twin.weights[key][...] = 5.0
    assert p.points[0][0, 0] != 99.0 and not np.all(p.weights[key] == 5.0)
    assert twin.graph is not p.graph and twin.data is not p.data and twin.train is not p.train


def test_copy_does_not_serialise_the_arrays(big_user_project, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("the arrays went through their file form")

    monkeypatch.setattr(project_module, "points_to_dict", refuse)
    monkeypatch.setattr(project_module, "st_save", refuse)
    twin = big_user_project.copy()
    assert len(twin.points[0]) == 100_000 and twin.weights is not None
