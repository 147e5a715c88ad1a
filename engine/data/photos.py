"""Image sets cut from scikit-image's bundled pictures, read from its data folder.

- ``photo-patches``: colour patches (3, 32, 32) of five public-domain/CC0 photographs
  (astronaut, chelsea, coffee, rocket, hubble_deep_field), labelled by the photo they
  come from; ``photo-patches-grey`` the same patches in grey (1, 32, 32).
- ``photo-edges``: grey patches (1, 16, 16) paired with their Sobel edge image (the
  cross-correlation with ``SOBEL`` with one pixel of zero padding, as a 3×3 Conv2d with
  padding 1 computes it): a regression set whose perfect model is that one kernel.
- ``faces``: scikit-image's ``lfw_subset``, 100 faces and 100 non-face crops (25×25 grey).

The files are found without importing scikit-image (its import costs a quarter second)
and decoded with Pillow; the downscaled photos are cached in memory.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np

from engine.errors import DataError

# photographs whose licence scikit-image states as public domain or CC0
PHOTOS = ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "hubble_deep_field.jpg")
PHOTO_NAMES = tuple(p.split(".")[0].replace("_", " ") for p in PHOTOS)
SHORT_SIDE = 160  # photos are shrunk so that a patch holds edges and blobs, not flat colour
PATCH = 32
EDGE_PATCH = 16
FACE_NAMES = ("not a face", "face")
FACE_SIZE = 25
SOBEL = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]], np.float32)
GREY = np.array([0.299, 0.587, 0.114], np.float32)  # ITU-R 601 luma


def data_dir() -> Path:
    spec = importlib.util.find_spec("skimage")
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root, "data")
        if path.is_dir():
            return path
    raise DataError(
        "The photographs come with scikit-image, which is not installed; "
        "install it (pip install scikit-image) or choose another dataset."
    )


@lru_cache(maxsize=1)
def photos() -> tuple[np.ndarray, ...]:
    """The photographs as float32 (H, W, 3) in [0, 1], shorter side SHORT_SIDE pixels."""
    from PIL import Image  # only the image sets need Pillow

    out = []
    for name in PHOTOS:
        with Image.open(data_dir() / name) as f:
            f.draft("RGB", (SHORT_SIDE * 2, SHORT_SIDE * 2))  # JPEG: decode at a lower scale
            im = f.convert("RGB")
        scale = SHORT_SIDE / min(im.size)
        im = im.resize((round(im.size[0] * scale), round(im.size[1] * scale)), Image.Resampling.BOX)
        pixels = np.asarray(im, dtype=np.float32) / np.float32(255.0)
        pixels.setflags(write=False)
        out.append(pixels)
    return tuple(out)


def _patches(n: int, size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` colour patches (n, 3, size, size) at random places, balanced over the photos."""
    pics = photos()
    y = np.arange(n, dtype=np.int64) % len(pics)
    x = np.empty((n, 3, size, size), np.float32)
    for k, pic in enumerate(pics):
        idx = np.flatnonzero(y == k)
        top = rng.integers(0, pic.shape[0] - size + 1, len(idx))
        left = rng.integers(0, pic.shape[1] - size + 1, len(idx))
        windows = np.lib.stride_tricks.sliding_window_view(pic, (size, size), axis=(0, 1))
        x[idx] = windows[top, left]  # (k, 3, size, size): every patch in one gather
    return x, y


def grey(x: np.ndarray) -> np.ndarray:
    """(N, 3, H, W) colour images as (N, 1, H, W) luma."""
    return np.einsum("nchw,c->nhw", x, GREY)[:, None].astype(np.float32)


def photo_patches(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return _patches(n, PATCH, rng)


def photo_patches_grey(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x, y = _patches(n, PATCH, rng)
    return grey(x), y


def sobel(x: np.ndarray) -> np.ndarray:
    """Cross-correlation of (N, 1, H, W) images with SOBEL, zero padding 1 (same size)."""
    padded = np.pad(x[:, 0], ((0, 0), (1, 1), (1, 1)))
    h, w = x.shape[2:]
    out = np.zeros(x.shape[:1] + (h, w), np.float32)
    for i in range(3):
        for j in range(3):
            if SOBEL[i, j]:
                out += SOBEL[i, j] * padded[:, i : i + h, j : j + w]
    return out[:, None]


def photo_edges(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Grey patches and their Sobel edge images, both (n, 1, 16, 16)."""
    x = grey(_patches(n, EDGE_PATCH, rng)[0])
    return x, sobel(x)


@lru_cache(maxsize=1)
def _faces() -> tuple[np.ndarray, np.ndarray]:
    x = np.load(data_dir() / "lfw_subset.npy", allow_pickle=False).astype(np.float32)
    y = (np.arange(len(x)) < len(x) // 2).astype(np.int64)  # the first hundred are faces
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def faces(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Up to ``n`` of the 200 25×25 crops: label 1 a face, 0 not a face."""
    x, y = _faces()
    keep = np.arange(len(x)) if n >= len(x) else np.sort(rng.permutation(len(x))[:n])
    return x[keep][:, None].copy(), y[keep].copy()
