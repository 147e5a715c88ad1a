"""Saved weights against the graph, without building it (issue #14): the meta-device
shapes agree with a model built for real, and every misfit is named in one sentence."""

import numpy as np
import pytest

from engine.builder.module import build_model
from engine.builder.weights_fit import expected_shapes, weights_problem
from engine.data.dataset import make_dataset
from engine.presets import load_preset


@pytest.mark.parametrize("name", ["circle", "digits-cnn", "vae", "spiral-deep"])
def test_expected_shapes_match_a_real_build(name):
    project = load_preset(name)
    spec = make_dataset(project.data, project.points).spec
    real = {k: tuple(v.shape) for k, v in build_model(project.graph, spec).state_dict().items()}
    assert expected_shapes(project.graph, spec) == real


def test_each_misfit_is_named():
    project = load_preset("circle")
    spec = make_dataset(project.data, project.points).spec
    weights = {k: np.zeros(s, np.float32) for k, s in expected_shapes(project.graph, spec).items()}
    assert weights_problem(project.graph, spec, weights) is None
    key = next(iter(weights))
    wrong = dict(weights, **{key: np.zeros((3, 3), np.float32)})
    text = weights_problem(project.graph, spec, wrong)
    assert text.startswith(f"The saved weight '{key}' is 3×3 where the graph needs") and "\n" not in text
    fewer = {k: v for k, v in weights.items() if k != key}
    assert f"lack '{key}'" in weights_problem(project.graph, spec, fewer)
    more = dict(weights, extra=np.zeros(1, np.float32))
    assert "'extra'" in weights_problem(project.graph, spec, more)
