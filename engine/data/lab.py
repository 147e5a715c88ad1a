"""sRGB ↔ CIE L*a*b* (D65 white), in numpy, for the colorization set (issue #12, L4).

The same formulas as scikit-image's ``color.rgb2lab``/``lab2rgb`` (which the tests
compare against): sRGB gamma, the sRGB primaries' XYZ matrix, the cube-root curve
with its linear toe. Arrays carry the three channels on their last axis.
"""

from __future__ import annotations

import numpy as np

XYZ_FROM_RGB = np.array(
    [[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169], [0.019334, 0.119193, 0.950227]]
)
RGB_FROM_XYZ = np.linalg.inv(XYZ_FROM_RGB)
WHITE = np.array([0.95047, 1.0, 1.08883])  # D65, 2° observer
EPS, KAPPA = 0.008856, 7.787  # the curve turns linear below EPS


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) sRGB in [0, 1] to (..., 3) L* in [0, 100] and a*, b* (about ±100)."""
    c = np.asarray(rgb, np.float64)
    linear = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    xyz = linear @ XYZ_FROM_RGB.T / WHITE
    f = np.where(xyz > EPS, np.cbrt(xyz), KAPPA * xyz + 16.0 / 116.0)
    lum = 116.0 * f[..., 1] - 16.0
    return np.stack([lum, 500.0 * (f[..., 0] - f[..., 1]), 200.0 * (f[..., 1] - f[..., 2])], -1)


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """(..., 3) L*a*b* to sRGB in [0, 1] (colours outside sRGB clipped)."""
    lab = np.asarray(lab, np.float64)
    fy = (lab[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab[..., 1] / 500.0, fy, fy - lab[..., 2] / 200.0], -1)
    f = np.maximum(f, 0.0)  # skimage clips negative z likewise
    cube = f**3
    xyz = np.where(cube > EPS, cube, (f - 16.0 / 116.0) / KAPPA) * WHITE
    linear = np.maximum(xyz @ RGB_FROM_XYZ.T, 0.0)
    rgb = np.where(linear > 0.0031308, 1.055 * linear ** (1 / 2.4) - 0.055, 12.92 * linear)
    return np.clip(rgb, 0.0, 1.0)
