"""The latent probes of autoencoders and VAEs (engine.probes.latent), each against an
independent computation."""

import numpy as np
import pytest
import torch

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.builder.layers import Sampling
from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes.registry import probe
from engine.train.session import Session


@pytest.fixture(scope="module")
def vae():
    torch.manual_seed(0)
    s = Session(load_preset("vae"), device="cpu")
    s.train(epochs=12)
    return s


def test_the_kl_term_matches_its_closed_form():
    torch.manual_seed(1)
    mean, logvar = torch.randn(64, 3), torch.randn(64, 3) * 0.7
    _z, kl = Sampling().eval()(mean, logvar)
    normal = torch.distributions.Normal(mean, torch.exp(0.5 * logvar))
    prior = torch.distributions.Normal(torch.zeros(3), torch.ones(3))
    expected = torch.distributions.kl_divergence(normal, prior).sum(1).mean()
    assert torch.isclose(kl, expected, rtol=1e-5)
    # and by Monte Carlo: E_q[log q(z) - log p(z)] over many draws of one row
    row = torch.distributions.Normal(mean[0], torch.exp(0.5 * logvar[0]))
    z = row.sample((20000,))
    mc = (row.log_prob(z) - prior.log_prob(z)).sum(-1).mean()
    closed = torch.distributions.kl_divergence(row, prior).sum()
    assert abs(float(mc - closed)) < 0.05 * float(closed) + 0.02


def test_a_vae_decodes_distinct_images_from_distinct_latent_points(vae):
    points = [[-2.0, 0.0], [2.0, 0.0], [0.0, -2.0], [0.0, 2.0]]
    value = probe("latent-decode").run(vae, {"z": points})
    images = value["images"]
    assert images.shape == (4, 1, 8, 8) and np.all((images >= 0) & (images <= 1))
    for i in range(4):
        for j in range(i + 1, 4):
            assert np.abs(images[i] - images[j]).mean() > 0.03, (i, j)
    # the decoder by hand: decoder -> relu -> pixels -> reshape -> sigmoid (BCE logits)
    m = vae.model.eval()
    with torch.no_grad():
        z = torch.tensor(points)
        logits = m.layers["pixels"](torch.relu(m.layers["decoder"](z))).reshape(4, 1, 8, 8)
    m.train()
    np.testing.assert_allclose(images, torch.sigmoid(logits).numpy(), atol=1e-6)
    assert value["centre"].shape == (2,) and np.all(value["scale"] > 0)


def test_encoding_gives_the_samples_mean(vae):
    code = probe("latent-encode").run(vae, {"index": 5})["z"]
    m = vae.model.eval()
    with torch.no_grad():
        x = torch.as_tensor(vae.dataset.x_test[5:6]).flatten(1)
        stats = m.layers["stats"](torch.relu(m.layers["encoder"](x)))
    m.train()
    np.testing.assert_allclose(code, stats[0, :2].numpy(), atol=1e-6)


def test_the_latent_map_of_a_2d_code(vae):
    value = probe("latent-map").run(vae, {"count": 100, "size": 5})
    assert value["codes"].shape == (100, 2) and value["manifold"].shape == (25, 1, 8, 8)
    np.testing.assert_array_equal(value["labels"], vae.dataset.y_test[:100])
    # the plane spans the codes but for a few outliers (1st to 99th percentile, padded)
    inside = np.all((value["codes"] >= value["lo"]) & (value["codes"] <= value["hi"]), axis=1)
    assert inside.mean() >= 0.95
    # row 0 of the grid is the top of the plane: its first image is decoded at (lo1, hi2)
    top_left = probe("latent-decode").run(vae, {"z": [[value["lo"][0], value["hi"][1]]]})["images"][0]
    np.testing.assert_allclose(value["manifold"][0], top_left, atol=1e-6)


def test_pca_reconstruction_error_matches_numpys_svd(vae):
    value = probe("reconstructions").run(vae, {"count": 4})
    ds = vae.dataset
    train = ds.x_train.reshape(len(ds.x_train), -1).astype(np.float64)
    test = ds.x_test.reshape(len(ds.x_test), -1).astype(np.float64)
    mean = train.mean(0)
    _u, _s, vt = np.linalg.svd(train - mean, full_matrices=False)
    basis = vt[:2].T
    rebuilt = (test - mean) @ basis @ basis.T + mean
    assert np.isclose(value["pca_error"], ((rebuilt - test) ** 2).mean(), rtol=1e-4)
    assert value["components"] == 2 and value["pca"].shape == (4, 1, 8, 8)
    assert 0 < value["network_error"] < 0.1


def test_a_plain_autoencoders_latent_is_its_narrowest_code():
    s = Session(load_preset("autoencoder"), device="cpu")
    value = probe("latent-decode").run(s, {})
    assert value["z"].shape == (1, 8) and not value["variational"]
    assert value["images"].shape == (1, 1, 8, 8)
    assert probe("reconstructions").run(s, {})["components"] == 8


def test_a_classifier_has_no_latent_and_bad_points_get_a_sentence(vae):
    s = Session(load_preset("digits-cnn"), device="cpu")
    with pytest.raises(NodeplayError, match="does not apply"):
        probe("latent-decode").run(s, {})
    with pytest.raises(NodeplayError, match="2 numbers"):
        probe("latent-decode").run(vae, {"z": [[1.0, 2.0, 3.0]]})
    with pytest.raises(NodeplayError, match="index must be"):
        probe("latent-encode").run(vae, {"index": 10_000})


def test_a_linear_autoencoder_reaches_pcas_error():
    torch.manual_seed(0)
    s = Session(load_preset("autoencoder-linear"), device="cpu")
    s.train(epochs=80)
    value = probe("reconstructions").run(s, {"count": 1})
    ratio = value["network_error"] / value["pca_error"]
    assert value["components"] == 8 and 0.98 < ratio < 1.02


def test_the_plain_2d_autoencoder_has_a_2d_code_that_is_not_sampled():
    s = Session(load_preset("autoencoder-2d"), device="cpu")
    value = probe("latent-map").run(s, {"count": 50, "size": 3})
    assert value["codes"].shape == (50, 2) and value["manifold"].shape == (9, 1, 8, 8)
    assert not probe("latent-decode").run(s, {})["variational"]
