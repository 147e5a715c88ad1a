"""The VAE and GAN lessons (issue #12): each runs headless to its stated outcome; the
VAE's check fails when the KL term is off; the sample-fit probe measures what it says;
the graph controls (β, the GAN loss) edit the node they name and refuse what cannot be."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import NodeplayError
from engine.lessons import load_lesson, loader
from engine.lessons.controls import set_controls
from engine.lessons.graph_controls import kl_weight
from engine.lessons.runner import failed, run_lesson
from engine.presets import load_preset
from engine.probes.sample_fit import relative_energy
from resources import LESSONS


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread, as ``nodeplay lesson --check`` runs: small models train fastest
    so, and two threads on a loaded 2-core machine wait on each other for minutes."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_vae_lesson_samples_beat_the_plain_autoencoders():
    results = run_lesson(load_lesson("vae"))
    assert not failed(results), [r.outcome for r in results]
    ae, vae = results[0].outcome, results[2].outcome
    assert ae is not None and vae is not None
    assert vae.measured <= 0.5 * ae.measured  # the stated margin, measured
    assert results[1].outcome.measured <= 0.5 <= 0.9 <= results[3].outcome.measured


def test_vae_lesson_fails_when_the_kl_term_stays_off(tmp_path, monkeypatch):
    text = (LESSONS / "vae.toml").read_text(encoding="utf-8")
    assert text.count("set = { beta = 1.0 }") == 1
    path = tmp_path / "vae.toml"
    path.write_text(text.replace("set = { beta = 1.0 }", "set = { beta = 0.0 }"), encoding="utf-8")
    start = loader.Lesson.start_project

    def another_seed(self):
        project = start(self)
        project.train.seed = 1  # the margin holds for other weights too
        return project

    monkeypatch.setattr(loader.Lesson, "start_project", another_seed)
    results = run_lesson(loader.read_lesson(path))
    assert results[0].outcome.met and results[1].outcome.met  # the plain autoencoder, as stated
    assert not results[2].outcome.met  # without KL its samples stay far from the digits
    assert not results[3].outcome.met  # and its codes off the prior


def test_gan_lesson_samples_approach_the_ring():
    results = run_lesson(load_lesson("gan"))
    assert not failed(results), [r.outcome for r in results]
    start, trained = results[0].outcome.measured, results[2].outcome.measured
    assert trained < start / 10 and results[2].epoch == 60


def test_relative_energy_is_zero_for_the_same_cloud_and_grows_with_a_shift():
    rng = np.random.default_rng(0)
    real = rng.standard_normal((400, 2))
    same = rng.standard_normal((400, 2))
    assert relative_energy(real, real) == pytest.approx(0.0, abs=1e-9)
    near, far = relative_energy(same, real), relative_energy(same + 3.0, real)
    assert near < 0.02 < 0.5 < far
    # a collapsed generator (every sample the data's mean) is far too, though "central"
    assert relative_energy(np.zeros((400, 2)), real) > 10 * near


def test_graph_controls_set_beta_and_the_gan_loss_and_refuse_what_cannot_be():
    vae = load_preset("vae")
    node, weight = kl_weight(vae.graph)
    new = set_controls(vae, {"beta": 0})
    assert new.graph.nodes[node].params[weight] == 0.0
    assert vae.graph.nodes[node].params.get(weight, 1.0) == 1.0  # a copy was edited
    gan = set_controls(load_preset("gan-2d"), {"gan_loss": "minimax", "d_steps": 2})
    adversarial = next(n for n in gan.graph.nodes.values() if n.type == "Adversarial")
    assert adversarial.params["loss"] == "minimax" and adversarial.params["d_steps"] == 2
    for preset, values, words in [
        ("vae", {"beta": -1}, "'beta' to -1"),
        ("spiral", {"beta": 1}, "has no KL term"),
        ("gan-2d", {"gan_loss": "wasserstein"}, "non_saturating, minimax"),
        ("vae", {"gan_loss": "minimax"}, "has no Adversarial node"),
    ]:
        with pytest.raises(NodeplayError, match=words) as err:
            set_controls(load_preset(preset), values, "Step 2")
        assert str(err.value).startswith("Step 2 sets") and "\n" not in str(err.value)
