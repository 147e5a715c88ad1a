"""GAN Lab's 2-D real distributions: what a 2-D GAN learns to imitate.

Points are float32 (n, 2) in [-EXTENT, EXTENT]²; their targets are zeros (a GAN has
none), so the sets read as regression sets to everything else. ``noise`` (0–50)
adds Gaussian jitter of standard deviation noise / 100.
"""

from __future__ import annotations

import numpy as np

EXTENT = 2.0


def _ring(n, rng):
    angle = rng.uniform(0, 2 * np.pi, n)
    r = 1.2 + rng.normal(0, 0.06, n)
    return np.stack([r * np.cos(angle), r * np.sin(angle)], 1)


def _gaussians(n, rng):
    centres = np.array([[-0.8, 0.6], [0.8, -0.6]])
    return centres[rng.integers(0, 2, n)] + rng.normal(0, 0.25, (n, 2))


def _line(n, rng):
    t = rng.uniform(-1, 1, n)[:, None]
    return t * np.array([1.2, 0.9]) + rng.normal(0, 0.04, (n, 2))


def _disjoint(n, rng):
    """Two separate patches: a generator must tear its noise apart to cover both."""
    side = rng.integers(0, 2, n)[:, None]
    patch = rng.uniform(-0.35, 0.35, (n, 2)) * np.array([1.0, 0.5])
    return np.where(side == 0, np.array([-0.9, 0.9]), np.array([0.9, -0.9])) + patch


SETS = {"gan-ring": _ring, "gan-gaussians": _gaussians, "gan-line": _line, "gan-disjoint": _disjoint}


def generate(name: str, n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points (n, 2) float32 of set ``name`` and zero targets (n, 1)."""
    xy = SETS[name](n, rng)
    if noise > 0:
        xy = xy + rng.normal(0, noise / 100.0, xy.shape)
    return xy.astype(np.float32), np.zeros((n, 1), np.float32)
