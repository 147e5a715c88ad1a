"""The GAN probes against independent computations, and the DCGAN's class coverage."""

import numpy as np
import torch

from engine.presets import load_preset
from engine.probes.gan import classes_covered, energy_distance, kl_js
from engine.probes.registry import probe
from engine.train.adversarial import GanTrainer


def test_kl_and_js_of_binned_clouds_match_the_formulas():
    rng = np.random.default_rng(0)
    a = rng.uniform(-2, 0, (4000, 2))  # left half of the plane
    kl_same, js_same = kl_js(a, a, 2.0, bins=4)
    assert kl_same == 0 and js_same == 0
    b = rng.uniform(0, 2, (4000, 2))  # the other half: disjoint supports
    kl, js = kl_js(a, b, 2.0, bins=4)
    assert abs(js - np.log(2)) < 0.01  # JS of disjoint distributions is log 2
    assert kl > 5  # and KL is huge, held finite only by the floor


def test_energy_distance_matches_a_direct_sum():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, (60, 2)), rng.normal(0.5, 1, (50, 2))

    def mean_dist(p, q):
        return np.mean([np.linalg.norm(x - y) for x in p for y in q])

    direct = 2 * mean_dist(a, b) - mean_dist(a, a) - mean_dist(b, b)
    assert abs(energy_distance(a, b) - direct) < 1e-9


def test_the_plane_probe_shows_the_discriminator_and_the_generators_downhill():
    t = GanTrainer(load_preset("gan-2d"))
    t.train(steps=30)
    v = probe("gan_plane").run(t, {"count": 64, "size": 16})
    assert v["real"].shape == (64, 2) and v["generated"].shape == (64, 2)
    assert v["field"].shape == (16, 16) and v["noise_grid"].shape[-1] == 2
    # the field is D's probability at the grid's points (row = y, column = x)
    e = float(v["extent"])
    corner = torch.tensor([[-e, e]])  # x = -e, y = +e: last row, first column
    with torch.no_grad():
        expect = torch.sigmoid(t.nets.discriminator(corner)).item()
    assert abs(v["field"][-1, 0] - expect) < 1e-5
    # a small move along the arrow lowers the generator's loss at that point
    x = torch.as_tensor(v["generated"][:1])
    step = torch.as_tensor(v["gradient"][:1]) * 1e-3 / max(np.linalg.norm(v["gradient"][0]), 1e-12)
    with torch.no_grad():
        before = torch.nn.functional.softplus(-t.nets.discriminator(x)).item()
        after = torch.nn.functional.softplus(-t.nets.discriminator(x + step)).item()
    assert after < before
    # the run's curve: the trainer's points while it trained (S-GAN), then this one
    steps = v["divergence"]["step"]
    assert steps[0] == 0 and steps[-1] == t.step == 30 and len(steps) >= 3 and (np.diff(steps) > 0).all()
    assert v["divergence"]["kl"].shape == steps.shape and np.isfinite(v["divergence"]["js"]).all()


def test_the_dcgan_covers_more_digit_classes_after_training():
    torch.set_num_threads(1)
    t = GanTrainer(load_preset("gan"))
    start = (classes_covered(t.sample_images(256, seed=3)) >= 3).sum()
    t.train(steps=400)
    after = (classes_covered(t.sample_images(256, seed=3)) >= 3).sum()
    assert after > start and after >= 6, (start, after)
    value = probe("gan_samples").run(t, {"count": 9})
    assert value["images"].shape == (9, 1, 8, 8) and 0 < value["diversity"] < 5
