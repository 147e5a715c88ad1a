"""The ``pca-basis`` probe: the principal axes of the training data (the course's first
code example, PCA/SVD basis), which do not change while a network trains.

For 2-D points: the points, their mean, the two unit axes (rows, largest variance
first) and the variance along each. For images: the mean image, the first
``components`` eigen-images (unit basis vectors shaped as images) and the share of the
data's variance each explains.
"""

from __future__ import annotations

import numpy as np

_cache: dict = {}  # the last basis: {"key": (x_train, components), "value": ...}


def principal_axes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, axes as rows, variance along each) of the rows of ``x``, largest first."""
    flat = np.asarray(x, np.float64).reshape(len(x), -1)
    mean = flat.mean(0)
    # SVD of the centred data: the right singular vectors are the covariance's eigenvectors
    _u, s, vt = np.linalg.svd(flat - mean, full_matrices=False)
    variance = s**2 / max(len(flat) - 1, 1)
    signs = np.where(vt.sum(1) < 0, -1.0, 1.0)  # a fixed orientation: most weights positive
    return mean, vt * signs[:, None], variance


def _components(args: dict, top: int) -> int:
    k = args["components"]
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 64:
        raise ValueError(f"components must be a whole number from 1 to 64, not {k!r}")
    return min(k, top)


def pca_basis(ctx, args) -> dict:
    ds = ctx.dataset
    x = ds.x_train
    k = _components(args, int(np.prod(x.shape[1:])))
    key = _cache.get("key")
    if key is not None and key[0] is x and key[1] == k:
        return _cache["value"]
    mean, axes, variance = principal_axes(x)
    total = float(variance.sum()) or 1.0
    if ds.is_2d:
        value = {
            "points": np.asarray(x, np.float32),
            "labels": np.asarray(ds.y_train),
            "mean": mean.astype(np.float32),
            "axes": axes[:2].astype(np.float32),
            "variance": variance[:2].astype(np.float32),
            "explained": (variance[:2] / total).astype(np.float32),
        }
    else:
        shape = x.shape[1:]
        value = {
            "mean_image": mean.reshape(shape).astype(np.float32),
            "eigenimages": axes[:k].reshape((-1, *shape)).astype(np.float32),
            "variance": variance[:k].astype(np.float32),
            "explained": (variance[:k] / total).astype(np.float32),
        }
    _cache.update(key=(x, k), value=value)
    return value


def has_data(ctx) -> bool:
    return getattr(ctx, "dataset", None) is not None and getattr(ctx.dataset, "x_train", None) is not None
