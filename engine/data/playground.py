"""TF Playground's 2-D datasets, ported from its ``dataset.ts``.

Points lie in [-6, 6]²; classification labels are 0/1 (the playground's -1/+1),
regression targets lie in [-1, 1]. ``noise`` is the playground's 0–50 slider.

The sets in ``MULTICLASS`` take a number of classes K (labels 0..K-1, balanced):
``blobs`` (K Gaussian blobs on a circle) and ``spiral`` (K arms; two arms are the
playground's spiral exactly).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EXTENT = 6.0
CLASSIFICATION = ("circle", "xor", "gauss", "spiral", "blobs")
MULTICLASS = ("blobs", "spiral")  # sets whose class count follows DataSettings.classes
REGRESSION = ("reg-plane", "reg-gauss")


def _circle(n, noise, rng):
    radius = 5.0
    pts, labels = [], []
    for _label, (lo, hi) in ((1, (0.0, radius * 0.5)), (0, (radius * 0.7, radius))):
        r = rng.uniform(lo, hi, n // 2)
        angle = rng.uniform(0, 2 * np.pi, n // 2)
        x, y = r * np.sin(angle), r * np.cos(angle)
        nx, ny = rng.uniform(-radius, radius, (2, n // 2)) * noise
        pts.append(np.stack([x, y], 1))
        labels.append((np.hypot(x + nx, y + ny) < radius * 0.5).astype(np.int64))
    return np.concatenate(pts), np.concatenate(labels)


def _xor(n, noise, rng):
    pad = 0.3
    xy = rng.uniform(-5, 5, (n, 2))
    xy += np.where(xy > 0, pad, -pad)
    noisy = xy + rng.uniform(-5, 5, (n, 2)) * noise
    return xy, (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)


def _gauss(n, noise, rng):
    variance = 0.5 + (4 - 0.5) * noise / 0.5  # the playground maps noise 0..0.5 to 0.5..4
    pts = [rng.normal((cx, cx), np.sqrt(variance), (n // 2, 2)) for cx in (2, -2)]
    return np.concatenate(pts), np.repeat([1, 0], n // 2)


def _spiral(n, noise, rng, classes=2):
    if classes != 2:
        return _spiral_arms(n, noise, rng, classes)
    m = n // 2
    pts, labels = [], []
    for label, delta in ((1, 0.0), (0, np.pi)):
        i = np.arange(m)
        r = i / m * 5
        t = 1.75 * i / m * 2 * np.pi + delta
        jitter = rng.uniform(-1, 1, (2, m)) * noise
        pts.append(np.stack([r * np.sin(t) + jitter[0], r * np.cos(t) + jitter[1]], 1))
        labels.append(np.full(m, label))
    return np.concatenate(pts), np.concatenate(labels)


def _spiral_arms(n, noise, rng, classes):
    """K arms, arm k turned by 2πk/K and labelled k; the same radii as the 2-arm spiral."""
    m = n // classes
    i = np.arange(m)
    r = i / m * 5
    pts, labels = [], []
    for k in range(classes):
        t = 1.75 * i / m * 2 * np.pi + 2 * np.pi * k / classes
        jitter = rng.uniform(-1, 1, (2, m)) * noise
        pts.append(np.stack([r * np.sin(t) + jitter[0], r * np.cos(t) + jitter[1]], 1))
        labels.append(np.full(m, k))
    return np.concatenate(pts), np.concatenate(labels)


BLOB_RADIUS = 3.5


def _blobs(n, noise, rng, classes=2):
    """K Gaussian blobs evenly spaced on a circle of radius 3.5, the first at the top;
    noise 0..0.5 widens each blob's standard deviation from 0.4 to 1.9."""
    m = n // classes
    std = 0.4 + 3.0 * noise
    pts, labels = [], []
    for k in range(classes):
        angle = np.pi / 2 + 2 * np.pi * k / classes
        centre = BLOB_RADIUS * np.array([np.cos(angle), np.sin(angle)])
        pts.append(rng.normal(centre, std, (m, 2)))
        labels.append(np.full(m, k))
    return np.concatenate(pts), np.concatenate(labels)


def _uniform_with_noise(n, noise, rng):
    xy = rng.uniform(-EXTENT, EXTENT, (n, 2))
    return xy, xy + rng.uniform(-EXTENT, EXTENT, (n, 2)) * noise


def _reg_plane(n, noise, rng):
    xy, noisy = _uniform_with_noise(n, noise, rng)
    return xy, (noisy.sum(1) / 10.0)


_GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def reg_gauss_label(xy: np.ndarray) -> np.ndarray:
    """The signed bump of the nearest of six Gaussians, the strongest one winning."""
    d = np.hypot(xy[:, None, 0] - _GAUSSIANS[:, 0], xy[:, None, 1] - _GAUSSIANS[:, 1])
    signed = _GAUSSIANS[:, 2] * np.clip(1 - d / 2, 0, 1)
    return signed[np.arange(len(xy)), np.abs(signed).argmax(1)]


def _reg_gauss(n, noise, rng):
    xy, noisy = _uniform_with_noise(n, noise, rng)
    return xy, reg_gauss_label(noisy)


PointMaker = Callable[..., tuple[np.ndarray, np.ndarray]]  # (n, noise, rng[, classes]) -> x, y
GENERATORS: dict[str, PointMaker] = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spiral,
    "blobs": _blobs,
    "reg-plane": _reg_plane,
    "reg-gauss": _reg_gauss,
}


def class_count(name: str, classes: int = 2) -> int | None:
    """How many classes set ``name`` has when asked for ``classes``; None for regression."""
    if name in REGRESSION:
        return None
    return classes if name in MULTICLASS else 2


def generate(name: str, n: int, noise: float, rng: np.random.Generator, classes: int = 2):
    """Points (n, 2) float32 and labels: int64 classes or float32 (n, 1) targets.

    ``classes`` (K) only matters for the sets in ``MULTICLASS``; the others have two.
    """
    if name in MULTICLASS:
        xy, labels = GENERATORS[name](n, noise / 100.0, rng, classes)
    else:
        xy, labels = GENERATORS[name](n, noise / 100.0, rng)
    if name in REGRESSION:
        return xy.astype(np.float32), labels.astype(np.float32).reshape(-1, 1)
    return xy.astype(np.float32), labels.astype(np.int64)
