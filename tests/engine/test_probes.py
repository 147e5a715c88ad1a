import numpy as np
import torch

from engine.presets import load_preset
from engine.probes.boundary import boundary_values, plane_grid
from engine.probes.neurons import hidden_space, neuron_maps
from engine.train import Session


def test_boundary_orientation_and_range():
    s = Session(load_preset("gauss"))
    s.train(epochs=20)
    grid = s.boundary()
    assert grid.shape == (100, 100) and np.abs(grid).max() <= 1
    # class 1 sits around (2, 2): top-right of the image (rows are y ascending)
    assert grid[-10, -10] > 0.5 and grid[10, 10] < -0.5


def test_boundary_matches_the_model_at_a_grid_point():
    s = Session(load_preset("circle"))
    g = plane_grid(6.0, 5, torch.device("cpu"))
    values = boundary_values(s.model, g, 5)
    p = torch.sigmoid(s.model(torch.tensor([[6.0, -6.0]])))[0, 0].item()
    assert np.isclose(values[0, -1], 2 * p - 1, atol=1e-6)  # row 0: y=-6, last column: x=+6


def test_neuron_maps_cover_every_layer():
    s = Session(load_preset("circle"))
    maps = neuron_maps(s.model, plane_grid(6.0, 20, torch.device("cpu")), 20)
    assert maps["dense1"].shape == (4, 20, 20) and maps["act2"].shape == (2, 20, 20)
    assert np.allclose(maps["act1"], np.tanh(maps["dense1"]), atol=1e-6)


def test_hidden_space_raw_for_two_units_and_pca_for_more():
    s = Session(load_preset("circle"))
    pts = s.dataset.x_train
    two = hidden_space(s.model, "act2", pts, 6.0)
    assert two["projection"] == "raw" and two["dims"] == 2
    assert two["points"].shape == (len(pts), 2) and two["lines"].shape == (26, 60, 2)
    direct = s.model.values(torch.as_tensor(pts))["act2.out"].detach().numpy()
    assert np.allclose(two["points"], direct, atol=1e-6)
    four = hidden_space(s.model, "act1", pts, 6.0)
    assert four["projection"] == "pca" and four["dims"] == 3 and four["units"] == 4


def test_grid_lines_are_cached_read_only_and_span_the_plane():
    from engine.probes.neurons import grid_lines

    g = grid_lines(6.0)
    assert g is grid_lines(6.0) and not g.flags.writeable
    assert g.shape == (26, 60, 2)
    assert np.allclose(g[0, :, 1], -6.0) and np.allclose(g[0, [0, -1], 0], [-6.0, 6.0])
    assert np.allclose(g[13 + 12, :, 0], 6.0) and np.allclose(g[13 + 12, [0, -1], 1], [-6, 6])
