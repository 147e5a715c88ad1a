"""Small image datasets that need no download: scikit-learn's digits and generated shapes,
and (V1) the sets of engine.data.mnist and engine.data.photos.

Images are float32 (N, 1, H, W) in [0, 1], labels int64 classes. The project's noise
setting (0–50) adds Gaussian pixel noise of standard deviation noise / 100, clipped
back to [0, 1] so that images stay valid targets of a BCE reconstruction.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path

import numpy as np

from engine.data import colorization, downloads, mnist, photos

SHAPE_NAMES = ("circle", "square", "triangle")
SHAPE_SIZE = 16
CLASSES = {"digits": 10, "shapes": len(SHAPE_NAMES)}
# -- V1: embedded 28×28 digits, photo patches and faces; photo-edges is a regression set
CLASSES.update({"digits28": 10, "photo-patches": 5, "photo-patches-grey": 5, "faces": 2})
CLASSES.update(downloads.CLASSES)  # full MNIST and Fashion-MNIST, once the user downloads them
REGRESSION_SETS = ("photo-edges", "photo-colour")  # L4: photo-colour, L* to a*b*
IMAGE_SETS = (*CLASSES, *REGRESSION_SETS)


def _digits_file() -> Path | None:
    """scikit-learn's bundled digits.csv.gz, found without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root, "datasets", "data", "digits.csv.gz")
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    path = _digits_file()
    if path is not None:  # importing sklearn.datasets costs a second; the file is all we need
        table = np.loadtxt(path, delimiter=",", dtype=np.float32)
        images, labels = table[:, :-1].reshape(-1, 8, 8), table[:, -1]
    else:
        from sklearn.datasets import load_digits  # bundled with scikit-learn: no download

        d = load_digits()
        images, labels = d.images, d.target
    return (images / 16.0).astype(np.float32)[:, None], labels.astype(np.int64)


def digits(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Up to ``n`` of the 1,797 8×8 handwritten digits (all of them when n is larger)."""
    x, y = _digits()
    if n < len(x):
        keep = np.sort(rng.permutation(len(x))[:n])
        x, y = x[keep], y[keep]
    return x.copy(), y.copy()


def shapes(n: int, rng: np.random.Generator, size: int = SHAPE_SIZE):
    """``n`` images of a filled circle, square or triangle (labels 0, 1, 2, balanced) of
    random size, position and brightness on a black background."""
    y = np.arange(n, dtype=np.int64) % len(SHAPE_NAMES)
    r = rng.uniform(0.18, 0.4, n) * size  # half the shape's extent, in pixels
    cx, cy = (rng.uniform(r, size - r) for _ in range(2))
    level = rng.uniform(0.6, 1.0, n).astype(np.float32)
    pix = np.arange(size) + 0.5  # pixel centres
    dx = pix[None, None, :] - cx[:, None, None]
    dy = pix[None, :, None] - cy[:, None, None]
    r = r[:, None, None]
    circle = dx * dx + dy * dy <= r * r
    half = 0.85 * r  # a square of about the circle's area
    square = (np.abs(dx) <= half) & (np.abs(dy) <= half)
    triangle = (dy <= r) & (np.abs(dx) <= (dy + r) / 2)  # apex up, base 2r wide
    masks = np.where((y == 0)[:, None, None], circle, np.where((y == 1)[:, None, None], square, triangle))
    x = (masks * level[:, None, None]).astype(np.float32)[:, None]
    return x, y


def make_images(name: str, n: int, noise: float, rng: np.random.Generator):
    """Images (n, 1, H, W) float32 in [0, 1] and int64 labels of set ``name``."""
    x, y = _MAKERS[name](n, rng)
    # drawn at every noise level, so that the noise slider changes the noise only, never
    # which images are drawn or how they are split
    pixels = rng.standard_normal(x.shape, dtype=np.float32)
    if noise > 0:
        x = np.clip(x + pixels * np.float32(noise / 100.0), 0.0, 1.0)
    return x, y


_MAKERS: dict[str, Callable[[int, np.random.Generator], tuple[np.ndarray, np.ndarray]]] = {
    "digits": digits,
    "shapes": shapes,
    "digits28": mnist.digits28,
    "photo-patches": photos.photo_patches,
    "photo-patches-grey": photos.photo_patches_grey,
    "photo-edges": photos.photo_edges,
    "faces": photos.faces,
    "photo-colour": colorization.photo_colour,  # L4 (issue #12)
    **{name: partial(downloads.make, name) for name in downloads.NAMES},
}
