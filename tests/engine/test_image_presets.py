"""The presets on the embedded images train to their figures (few epochs here; the full
runs and their timings are in the report: `nodeplay train` on each preset)."""

import numpy as np
import pytest
import torch

from engine.data.photos import SOBEL
from engine.presets import load_preset
from engine.train import Session


@pytest.fixture
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def cosine(a, b) -> float:
    a, b = np.ravel(a), np.ravel(b)
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_edge_filter_learns_the_sobel_kernel(one_thread):
    s = Session(load_preset("edge-filter"), device="cpu")
    start = s.model.layers["conv"].weight.detach().numpy()[0, 0].copy()
    assert cosine(start, SOBEL) < 0.9  # it starts elsewhere
    s.train(epochs=4)
    learned = s.model.layers["conv"].weight.detach().numpy()[0, 0]
    assert s.model.layers["conv"].bias is None
    assert cosine(learned, SOBEL) > 0.99
    assert np.abs(learned - SOBEL).max() < 0.2  # the kernel itself, not only its direction


def test_cnn_preset_learns_the_28px_digits(one_thread):
    project = load_preset("cnn")
    assert project.data.name == "digits28"
    s = Session(project, device="cpu")
    result = s.train(epochs=2)
    assert result["test_acc"] >= 0.93  # 97% after its own 8 epochs (see the report)


def test_filter_visualization_has_9x9_colour_filters_and_learns(one_thread):
    project = load_preset("filter-visualization")
    s = Session(project, device="cpu")
    conv1 = s.model.layers["conv1"]
    assert tuple(conv1.weight.shape[1:]) == (3, 9, 9)
    before = roughness(conv1.weight.detach().numpy())
    result = s.train(epochs=3)
    assert result["test_acc"] > 0.5  # five photos: chance is 0.2
    # the filters turn smooth (blobs and edges), where the random start is pixel noise
    after = roughness(conv1.weight.detach().numpy())
    assert after < 0.6 * before


def roughness(kernels: np.ndarray) -> float:
    """Energy of neighbouring pixels' differences over the kernels' energy (about 2 for
    white noise, near 0 for smooth pictures)."""
    dx, dy = np.diff(kernels, axis=3), np.diff(kernels, axis=2)
    return float(((dx**2).sum() + (dy**2).sum()) / (kernels**2).sum() / 2)
