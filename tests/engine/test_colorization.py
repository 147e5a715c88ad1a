"""Colorization in Lab (issue #12): the colour conversion against scikit-image, the
photo-colour set, the probe against an independent computation, and the measured
outcome: after training the U-Net's error falls below the gray-mean baseline."""

import numpy as np
import torch
from skimage import color

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.data.colorization import AB_SCALE, L_SCALE, photo_colour, to_rgb
from engine.data.lab import lab_to_rgb, rgb_to_lab
from engine.lessons.controls import set_controls
from engine.presets import load_preset
from engine.probes.registry import PROBES
from engine.train.session import Session


def test_lab_matches_scikit_image_both_ways():
    rng = np.random.default_rng(0)
    rgb = rng.random((40, 30, 3))
    np.testing.assert_allclose(rgb_to_lab(rgb), color.rgb2lab(rgb), atol=1e-9)
    lab = color.rgb2lab(rgb)
    np.testing.assert_allclose(lab_to_rgb(lab), rgb, atol=1e-9)
    # colours nudged off the photo's, some outside sRGB: clipped as scikit-image clips them
    lab[..., 1:] += rng.normal(0, 20, lab[..., 1:].shape)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = color.lab2rgb(lab)
    np.testing.assert_allclose(lab_to_rgb(lab), expected, atol=1e-9)


def test_the_photo_colour_set_splits_patches_into_lightness_and_colour():
    x, y = photo_colour(20, np.random.default_rng(1))
    assert x.shape == (20, 1, 32, 32) and y.shape == (20, 2, 32, 32)
    assert 0 <= x.min() and x.max() <= 1 and np.abs(y).max() < 1.3
    assert y.std() > 0.02  # the photos are coloured
    lab = np.concatenate([x * L_SCALE, y * AB_SCALE], 1).transpose(0, 2, 3, 1)
    np.testing.assert_allclose(to_rgb(x, y), color.lab2rgb(lab), atol=1e-5)


def _small() -> Session:
    return Session(set_controls(load_preset("colorization"), {"samples": 500}), device="cpu")


def test_the_probe_matches_an_independent_computation():
    s = _small()
    v = PROBES["colorization"].run(s, {"count": 4})
    ds = s.dataset
    with torch.no_grad():
        pred = s.model.eval()(torch.as_tensor(ds.x_test)).numpy()
    assert abs(float(v["error"]) - float(((pred - ds.y_test) ** 2).mean())) < 1e-6
    mean_ab = ds.y_train.reshape(len(ds.y_train), 2, -1).mean(axis=(0, 2))
    baseline = ((ds.y_test - mean_ab[None, :, None, None]) ** 2).mean()
    assert abs(float(v["baseline"]) - float(baseline)) < 1e-6
    assert v["grey"].shape == v["prediction"].shape == v["truth"].shape == (4, 32, 32, 3)
    grey = v["grey"]  # no colour: the three channels equal
    np.testing.assert_allclose(grey[..., 0], grey[..., 2], atol=1e-4)
    lab = np.concatenate([ds.x_test[:4] * L_SCALE, ds.y_test[:4] * AB_SCALE], 1).transpose(0, 2, 3, 1)
    np.testing.assert_allclose(v["truth"], color.lab2rgb(lab), atol=1e-5)


def test_after_training_the_error_falls_below_the_gray_mean_baseline():
    s = _small()
    before = PROBES["colorization"].run(s, {"count": 1})
    s.train(epochs=3)
    after = PROBES["colorization"].run(s, {"count": 1})
    assert float(before["error"]) > 0.9 * float(before["baseline"])  # an untrained net is no better
    assert float(after["error"]) < 0.8 * float(after["baseline"]), (after["error"], after["baseline"])
