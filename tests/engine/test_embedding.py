"""The embedding probe: features of a layer, PCA at once, t-SNE that keeps its quality
and moves little on a warm-started refresh (engine.probes.embedding)."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.manifold import trustworthiness

from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes.embedding import Embedder
from engine.probes.registry import probe
from engine.train.session import Session


def test_tsne_of_the_digits_keeps_their_neighbours():
    x = load_digits().data
    e = Embedder(x)
    coords = e.step(None)
    assert e.done and coords.shape == (len(x), 2)
    assert trustworthiness(x, coords, n_neighbors=10) >= 0.95


def test_the_first_picture_is_pca_and_a_warm_refresh_starts_from_the_last_layout():
    x = load_digits().data[:400]
    cold = Embedder(x)
    pca = PCA(2).fit_transform(x)
    for k in range(2):  # the same axes up to sign
        assert abs(np.corrcoef(cold.coords[:, k], pca[:, k])[0, 1]) > 0.999
    before = cold.step(None).copy()
    changed = x + np.random.default_rng(0).normal(0, 0.5, x.shape)  # features after an epoch
    warm = Embedder(changed, previous=before)
    assert np.allclose(warm.coords, before)  # shown until the first chunk runs
    after = warm.step(None)
    restart = Embedder(changed).step(None)
    spread = np.linalg.norm(before - before.mean(0), axis=1).mean()
    moved = np.linalg.norm(after - before, axis=1).mean()
    moved_cold = np.linalg.norm(restart - before, axis=1).mean()
    assert moved < 0.25 * spread and moved < moved_cold / 2
    assert trustworthiness(changed, after, n_neighbors=10) >= 0.95


@pytest.fixture(scope="module")
def session():
    s = Session(load_preset("digits-cnn"))
    s.train(epochs=1)
    return s


def test_the_probe_gives_a_layers_features_for_every_test_sample(session):
    value = probe("embedding").run(session, {"layer": "pool2"})
    x = torch.as_tensor(session.dataset.x_test)
    m = session.model.layers
    with torch.no_grad():  # the layers one after another, by hand
        expected = m["pool2"](m["relu2"](m["conv2"](m["pool1"](m["relu1"](m["conv1"](x))))))
    assert value["features"].shape == (len(x), 16 * 2 * 2)
    assert np.allclose(value["features"], expected.reshape(len(x), -1).numpy(), atol=1e-5)
    assert np.array_equal(value["labels"], session.dataset.y_test)
    assert value["coords"].shape == (len(x), 2) and value["done"]  # paused: run to the end


def test_while_playing_each_snapshot_goes_further_and_the_default_layer_is_before_the_head(session):
    session.runner.playing = True
    try:
        first = probe("embedding").run(session, {"seconds": 0.05})
        assert first["layer"] == "flatten" and first["stage"] == "pca" and first["iteration"] == 0
        second = probe("embedding").run(session, {"seconds": 0.05})
        assert 0 < second["iteration"] < second["iterations"]
        assert not np.allclose(second["coords"], first["coords"])
    finally:
        session.runner.playing = False


def test_a_wrong_layer_or_budget_says_what_is_allowed(session):
    with pytest.raises(NodeplayError, match="the layers are input, conv1"):
        probe("embedding").run(session, {"layer": "conv9"})
    with pytest.raises(NodeplayError, match="seconds must be"):
        probe("embedding").run(session, {"seconds": -1})
