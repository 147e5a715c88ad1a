"""A 2-D GAN on the user's drawn points: the points are the project's, saved in its
file, and what the GAN trainer imitates on the plane they were drawn on."""

import math

import numpy as np
import pytest

from engine.data.gan2d import EXTENT
from engine.data.gan_real import drawn_points, gan_dataset, real_extent
from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.project import load_project, save_project
from engine.train.factory import make_trainer

DRAWN = [(-1.0, 1.0), (-0.9, 1.1), (1.0, -1.0), (1.1, -0.9), (0.0, 0.2)]


def _drawn_project(points=DRAWN):
    p = load_preset("gan-2d")
    p.data.name, p.points = "user", drawn_points(points)
    return p


def test_drawn_points_are_added_after_those_before_and_rounded_as_saved():
    first = drawn_points(DRAWN[:2])
    both = drawn_points([(0.123456, 0.5)], first)
    assert both[0].shape == (3, 2) and np.array_equal(both[0][:2], first[0])
    assert both[0][2, 0] == np.float32(0.1235) and both[1].dtype == np.float32 and not both[1].any()


def test_a_saved_drawing_reopens_and_trains(tmp_path):
    path = tmp_path / "drawn.nodeplay"
    save_project(_drawn_project(), path)
    project = load_project(path)
    assert np.allclose(project.points[0], DRAWN)
    trainer = make_trainer(project, device="cpu")
    assert np.allclose(np.sort(trainer.dataset.x_train, 0), np.sort(np.asarray(DRAWN, np.float32), 0))
    assert trainer.dataset.extent == EXTENT  # the plane they were drawn on
    trainer.train(steps=30)
    h = trainer.gan_history
    rows = h["d_loss"][1:] + h["g_loss"][1:]  # the first row is before any step
    assert len(rows) >= 2 and all(math.isfinite(v) for v in rows)


def test_the_plane_grows_for_points_beyond_it_and_one_point_is_refused():
    assert real_extent(np.array([[0.0, 3.0]])) == pytest.approx(3.3)
    assert gan_dataset(_drawn_project([(5.0, 0.0), (0.0, 0.0)])).extent == pytest.approx(5.5)
    with pytest.raises(NodeplayError, match="at least two"):
        gan_dataset(_drawn_project([(0.0, 0.0)]))


@pytest.mark.parametrize("preset", ["gan-2d", "gan"])
def test_a_trained_gans_saved_weights_fit_its_graph_and_a_wrong_one_is_named(preset):
    from engine.builder.weights_fit import weights_problem

    project = load_preset(preset)
    trainer = make_trainer(project, device="cpu")
    weights = trainer.weights()
    assert weights_problem(project.graph, trainer.dataset.spec, weights) is None
    key = next(k for k in weights if k.endswith(".weight"))
    weights[key] = weights[key][:1]
    assert key in weights_problem(project.graph, trainer.dataset.spec, weights)
