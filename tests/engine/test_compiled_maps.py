"""The boundary and neuron maps from the compiled kernel equal torch's (#13)."""

import numpy as np
import pytest

from engine.graph.mlp import mlp_graph
from engine.presets import load_preset
from engine.probes.boundary import boundary_values, plane_grid
from engine.probes.neurons import neuron_maps
from engine.probes.registry import PROBES
from engine.project import Project
from engine.settings import DataSettings
from engine.train import Session
from engine.train.compiled_mlp import CompiledMLP


@pytest.mark.parametrize(
    "loss, data, outputs",
    [("bce", "circle", 1), ("cross_entropy", "spiral", 2), ("mse", "reg-gauss", 1)],
)
def test_kernel_maps_match_the_torch_model(kernel, loss, data, outputs):
    p = Project(
        mlp_graph([5, 3], "relu", features=["x1", "x2", "sin x1"], outputs=outputs, loss=loss),
        DataSettings(name=data),
    )
    s = Session(p)
    assert isinstance(s._fast, CompiledMLP)
    s.train(epochs=3)
    grid = plane_grid(s.dataset.extent, 40, s.device)
    want_b = boundary_values(s.model, grid, 40)
    want_n = neuron_maps(s.model, grid, 40)
    got_b = PROBES["boundary"].fn(s, {"size": 40})
    got_n = PROBES["neurons"].fn(s, {"size": 40})
    np.testing.assert_allclose(got_b, want_b, atol=2e-5)
    assert list(got_n) == list(want_n)  # every Features, Dense and Activation node, in order
    for node, maps in want_n.items():
        assert got_n[node].shape == maps.shape
        np.testing.assert_allclose(got_n[node], maps, rtol=1e-4, atol=2e-5)


def test_off_the_kernel_the_probes_use_torch_and_check_their_arguments(kernel):
    s = Session(load_preset("circle"), fast=False)
    grid = plane_grid(s.dataset.extent, 30, s.device)
    np.testing.assert_array_equal(PROBES["boundary"].fn(s, {"size": 30}), boundary_values(s.model, grid, 30))
    with pytest.raises(ValueError, match="size must be"):
        PROBES["neurons"].fn(Session(load_preset("circle")), {"size": 5000})
