"""The samples, interpolation and PCA-basis probes against independent computations,
and the sentences for a VAE gone to NaN or collapsed to its prior."""

import numpy as np
import pytest
import torch

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.presets import load_preset
from engine.probes.latent_samples import noise
from engine.probes.registry import probe
from engine.train.session import Session


@pytest.fixture(scope="module")
def vae():
    torch.manual_seed(0)
    s = Session(load_preset("vae"), device="cpu")
    s.train(epochs=10)
    return s


def test_samples_decode_fixed_prior_noise(vae):
    value = probe("samples").run(vae, {"count": 6, "seed": 3})
    assert value["images"].shape == (6, 1, 8, 8) and value["problem"] == ""
    np.testing.assert_allclose(value["z"], np.random.default_rng(3).standard_normal((6, 2)), rtol=1e-6)
    by_hand = probe("latent-decode").run(vae, {"z": value["z"].tolist(), "stats": False})["images"]
    np.testing.assert_allclose(value["images"], by_hand, atol=1e-6)
    again = probe("samples").run(vae, {"count": 6, "seed": 3})["images"]
    np.testing.assert_array_equal(again, value["images"])  # same seed, same grid
    assert not np.allclose(probe("samples").run(vae, {"count": 6, "seed": 4})["images"], value["images"])


def test_a_trainer_that_samples_is_asked_for_its_own_images():
    class Generator:  # what the GAN trainer offers: no latent probe, its own sampler
        dataset = None
        calls: list = []

        def sample_images(self, n, seed):
            self.calls.append((n, seed))
            return np.full((n, 1, 8, 8), seed / 10, np.float32)

    g = Generator()
    value = probe("samples").run(g, {"count": 4, "seed": 2})
    assert g.calls == [(4, 2)] and value["images"].shape == (4, 1, 8, 8)
    assert np.all(value["images"] == np.float32(0.2))


def test_interpolation_walks_the_line_between_two_codes(vae):
    value = probe("interpolation").run(vae, {"a": 3, "b": 8, "steps": 5})
    codes = (
        probe("latent-encode").run(vae, {"index": 3})["z"],
        probe("latent-encode").run(vae, {"index": 8})["z"],
    )
    np.testing.assert_allclose(value["z"][0], codes[0], atol=1e-5)
    np.testing.assert_allclose(value["z"][-1], codes[1], atol=1e-5)
    np.testing.assert_allclose(value["z"][2], (codes[0] + codes[1]) / 2, atol=1e-5)
    assert value["images"].shape == (5, 1, 8, 8)
    np.testing.assert_array_equal(value["originals"][1], vae.dataset.x_test[8])
    # the ends decode close to the images themselves (a trained VAE), the middle differs from both
    assert np.abs(value["images"][0] - value["images"][-1]).mean() > 0.05
    with pytest.raises(Exception, match="steps must be"):
        probe("interpolation").run(vae, {"steps": 1})


def test_pca_basis_of_points_and_of_digits():
    s = Session(load_preset("gauss"), device="cpu")
    value = probe("pca-basis").run(s, {})
    x = s.dataset.x_train.astype(np.float64)
    vals, vecs = np.linalg.eigh(np.cov(x, rowvar=False))
    np.testing.assert_allclose(value["variance"], vals[::-1], rtol=1e-4)
    assert abs(abs(float(value["axes"][0] @ vecs[:, -1])) - 1) < 1e-5
    np.testing.assert_allclose(value["mean"], x.mean(0), atol=1e-5)
    d = Session(load_preset("digits-cnn"), device="cpu")
    value = probe("pca-basis").run(d, {"components": 5})
    flat = d.dataset.x_train.reshape(len(d.dataset.x_train), -1).astype(np.float64)
    vals = np.linalg.eigvalsh(np.cov(flat, rowvar=False))[::-1]
    np.testing.assert_allclose(value["explained"], vals[:5] / vals.sum(), rtol=1e-4)
    basis = value["eigenimages"].reshape(5, -1)
    np.testing.assert_allclose(basis @ basis.T, np.eye(5), atol=1e-5)  # orthonormal
    assert value["mean_image"].shape == (1, 8, 8)


def test_a_vae_gone_to_nan_is_reported_in_a_sentence(vae):
    s = Session(load_preset("vae"), device="cpu")
    with torch.no_grad():
        s.model.layers["decoder"].weight[0, 0] = float("nan")
    value = probe("samples").run(s, {"count": 2, "seed": 0})
    assert "NaN" in value["problem"] and "lower the learning rate" in value["problem"]


def test_posterior_collapse_is_reported_in_a_sentence():
    torch.manual_seed(0)
    project = load_preset("vae")
    project.graph.nodes["objective"].params["wb"] = 60.0  # a β that crushes the code to the prior
    s = Session(project, device="cpu")
    s.train(epochs=6)
    kl = probe("samples").run(s, {"count": 2, "seed": 0})
    assert "Posterior collapse" in kl["problem"] and "lower β" in kl["problem"]
    # the collapsed decoder draws one image whatever z is
    assert np.abs(kl["images"][0] - kl["images"][1]).max() < 0.05


def test_noise_is_the_same_for_a_seed():
    np.testing.assert_array_equal(noise(3, 2, 7), noise(3, 2, 7))


def test_a_vae_records_its_reconstruction_and_kl_beside_the_loss():
    torch.manual_seed(0)
    s = Session(load_preset("vae"), device="cpu")
    s.train(epochs=3)
    h = s.history
    assert set(h.extra) == {"recon", "kl"} and len(h.extra["kl"]) == len(h) == 3
    # the test loss is the reconstruction plus β (1 in the preset) times the KL, in eval mode
    np.testing.assert_allclose(h.extra["recon"] + h.extra["kl"], h.test_loss, rtol=1e-5)
    # the KL by hand from the encoder's mean and log-variance on the test set
    m = s.model.eval()
    with torch.no_grad():
        stats = m.layers["stats"](
            torch.relu(m.layers["encoder"](torch.as_tensor(s.dataset.x_test).flatten(1)))
        )
    mean, logvar = stats[:, :2].double(), stats[:, 2:].double()
    kl = float((-0.5 * (1 + logvar - mean**2 - logvar.exp())).sum(1).mean())
    assert abs(h.extra["kl"][-1] - kl) < 1e-4 * max(kl, 1)
    # β changes live: the running model is the same object, and the total follows it
    model = s.model
    graph = s.project.graph.copy()
    graph.set_params("objective", wb=0.0)
    s.set_graph(graph, structural=False)
    assert s.model is model
    s.train(epochs=1)
    np.testing.assert_allclose(s.history.test_loss[-1], s.history.extra["recon"][-1], rtol=1e-5)
    # a classifier records no terms
    c = Session(load_preset("digits-cnn"), device="cpu")
    c.train(epochs=1)
    assert c.history.extra == {}


def test_a_vaes_codes_fill_the_prior_and_a_plain_autoencoders_do_not():
    shares = {}
    for name in ("vae", "autoencoder-2d"):
        torch.manual_seed(0)
        s = Session(load_preset(name), device="cpu")
        s.train(epochs=8)
        shares[name] = float(probe("samples").run(s, {"count": 4, "seed": 0})["prior_share"])
    # where the prior draws 95% of its samples: most VAE codes, few plain ones
    assert shares["vae"] > 0.8 and shares["autoencoder-2d"] < 0.5, shares
