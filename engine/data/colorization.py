"""The ``photo-colour`` set (issue #12, L4): colour patches of the embedded photographs
(engine.data.photos) split in CIE Lab, the lightness L* as input and the colour a*, b*
as the target, so that a network learns to colour grey images.

x: (n, 1, 32, 32) L* / 100 in [0, 1]; y: (n, 2, 32, 32) a*, b* / AB_SCALE (about ±1).
"""

from __future__ import annotations

import numpy as np

from engine.data import photos
from engine.data.lab import lab_to_rgb, rgb_to_lab

L_SCALE, AB_SCALE = 100.0, 100.0


def photo_colour(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    rgb, _ = photos.photo_patches(n, rng)
    lab = rgb_to_lab(rgb.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    x = (lab[:, :1] / L_SCALE).astype(np.float32)
    y = (lab[:, 1:] / AB_SCALE).astype(np.float32)
    return x, y


def to_rgb(lightness: np.ndarray, ab: np.ndarray | None = None) -> np.ndarray:
    """(n, 1, H, W) scaled L* and (n, 2, H, W) scaled a*, b* (None: grey) as (n, H, W, 3)
    sRGB in [0, 1]."""
    lum = np.asarray(lightness, np.float64)[:, 0] * L_SCALE
    colour = np.zeros(lum.shape + (2,)) if ab is None else np.asarray(ab, np.float64).transpose(0, 2, 3, 1)
    return lab_to_rgb(np.concatenate([lum[..., None], colour * AB_SCALE], -1))
