"""TF Playground's 2-D datasets, ported from its ``dataset.ts``.

Points lie in [-6, 6]²; classification labels are 0/1 (the playground's -1/+1),
regression targets lie in [-1, 1]. ``noise`` is the playground's 0–50 slider.
"""

from __future__ import annotations

import numpy as np

EXTENT = 6.0
CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
REGRESSION = ("reg-plane", "reg-gauss")


def _circle(n, noise, rng):
    radius = 5.0
    pts, labels = [], []
    for label, (lo, hi) in ((1, (0.0, radius * 0.5)), (0, (radius * 0.7, radius))):
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


def _spiral(n, noise, rng):
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


def _uniform_with_noise(n, noise, rng):
    xy = rng.uniform(-EXTENT, EXTENT, (n, 2))
    return xy, xy + rng.uniform(-EXTENT, EXTENT, (n, 2)) * noise


def _reg_plane(n, noise, rng):
    xy, noisy = _uniform_with_noise(n, noise, rng)
    return xy, (noisy.sum(1) / 10.0)


_GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                       [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def reg_gauss_label(xy: np.ndarray) -> np.ndarray:
    """The signed bump of the nearest of six Gaussians, the strongest one winning."""
    d = np.hypot(xy[:, None, 0] - _GAUSSIANS[:, 0], xy[:, None, 1] - _GAUSSIANS[:, 1])
    signed = _GAUSSIANS[:, 2] * np.clip(1 - d / 2, 0, 1)
    return signed[np.arange(len(xy)), np.abs(signed).argmax(1)]


def _reg_gauss(n, noise, rng):
    xy, noisy = _uniform_with_noise(n, noise, rng)
    return xy, reg_gauss_label(noisy)


GENERATORS = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral,
              "reg-plane": _reg_plane, "reg-gauss": _reg_gauss}


def generate(name: str, n: int, noise: float, rng: np.random.Generator):
    """Points (n, 2) float32 and labels: int64 classes or float32 (n, 1) targets."""
    xy, labels = GENERATORS[name](n, noise / 100.0, rng)
    if name in REGRESSION:
        return xy.astype(np.float32), labels.astype(np.float32).reshape(-1, 1)
    return xy.astype(np.float32), labels.astype(np.int64)
