"""Probes see diverged networks too (issue #14, item 6): a NaN or infinite layer
must draw as something (zeros, clipped extremes), never make an SVD, a PCA or
t-SNE fail and take the probe (or the worker) down."""

from __future__ import annotations

import numpy as np

LIMIT = 1e6  # beyond this, values are clipped: an SVD of 1e30s overflows again


def finite(values: np.ndarray, limit: float = LIMIT) -> np.ndarray:
    """``values`` with NaN as 0 and infinities and extremes clipped to ±``limit``
    (the array itself when it is already finite and in range)."""
    values = np.asarray(values)
    if values.size == 0 or (np.isfinite(values).all() and np.abs(values).max() <= limit):
        return values
    return np.clip(np.nan_to_num(values, nan=0.0, posinf=limit, neginf=-limit), -limit, limit)


def principal_axes(centred: np.ndarray) -> np.ndarray:
    """The right singular vectors of ``centred`` (rows of ``vt``); the identity when
    the SVD does not converge, so that the first units are shown as they are."""
    try:
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
    except np.linalg.LinAlgError:
        return np.eye(centred.shape[1], dtype=centred.dtype)
    return vt
