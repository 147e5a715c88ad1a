"""The ``pca-match`` probe: numbers a lesson checks against the ``pca-basis`` probe that
the PCA view draws (the course's first code example).

- ``drawn_angle``: the largest angle, in degrees, between an axis the view draws and
  the matching eigenvector of the data's covariance computed independently here
  (``numpy.linalg.eigh`` of ``numpy.cov``); an axis and its negative are the same axis.
- ``explained_gap``: the largest difference between the share of variance the view
  prints beside an axis and that eigenvalue over the sum of all eigenvalues.
- ``explained_1``: the first axis's share of the variance.
- ``learned_angle`` (only when the network's output has the input's shape, an
  autoencoder): the angle between the first principal axis of the network's
  reconstructions of the training set and the covariance's first eigenvector. A linear
  autoencoder with a one-number code puts every reconstruction on one line; trained,
  that line is PCA's first axis. On 2-D points also ``learned_axis`` (that line's unit
  direction) and ``learned_centre`` (the rebuilds' mean), which the view draws.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.probes.pca_basis import _components, has_data, pca_basis

BATCH = 1024  # training samples per forward pass for the reconstructions


def axis_angle(a: np.ndarray, b: np.ndarray) -> float:
    """Degrees between the lines along ``a`` and ``b`` (0 to 90: the sign is ignored)."""
    a, b = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    norm = np.linalg.norm(a) * np.linalg.norm(b)
    if not norm:
        return 90.0
    return float(np.degrees(np.arccos(min(1.0, abs(a @ b) / norm))))


def eigen(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(eigenvalues, eigenvectors as columns) of the covariance of the rows of ``x``,
    largest eigenvalue first."""
    flat = np.asarray(x, np.float64).reshape(len(x), -1)
    values, vectors = np.linalg.eigh(np.atleast_2d(np.cov(flat, rowvar=False)))
    return values[::-1], vectors[:, ::-1]


def reconstructions(ctx, x: np.ndarray) -> np.ndarray | None:
    """The main head's output for every row of ``x`` as rows, or None when the network
    is no autoencoder (its target is not its input, or its output is shaped otherwise)."""
    model = getattr(ctx, "model", None)
    if model is None or str(getattr(model.main, "target", "")).partition(".")[2] != "x":
        return None
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            parts = [
                model(torch.as_tensor(x[i : i + BATCH], dtype=torch.float32, device=ctx.device))
                for i in range(0, len(x), BATCH)
            ]
    finally:
        model.train(was_training)
    out = torch.cat(parts).float().cpu().numpy()
    return out.reshape(len(x), -1) if out.shape == x.shape else None


def pca_match(ctx, args) -> dict:
    x = ctx.dataset.x_train
    k = _components(args, int(np.prod(x.shape[1:])))
    drawn = pca_basis(ctx, {"components": k})
    values, vectors = eigen(x)
    axes = np.asarray(drawn["axes" if ctx.dataset.is_2d else "eigenimages"], np.float64)
    axes = axes.reshape(len(axes), -1)
    shares = values[: len(axes)] / values.sum()
    value = {
        "drawn_angle": np.float64(max(axis_angle(a, vectors[:, i]) for i, a in enumerate(axes))),
        "explained_gap": np.float64(np.abs(np.asarray(drawn["explained"], np.float64) - shares).max()),
        "explained_1": np.float64(shares[0]),
    }
    rebuilt = reconstructions(ctx, np.asarray(x))
    if rebuilt is not None and not np.isfinite(rebuilt).all():  # diverged: nothing learned
        value["learned_angle"] = np.float64(np.nan)
    elif rebuilt is not None:
        centred = rebuilt - rebuilt.mean(0)
        _u, s, vt = np.linalg.svd(centred, full_matrices=False)
        value["learned_angle"] = np.float64(axis_angle(vt[0], vectors[:, 0]) if s[0] > 0 else 90.0)
        if ctx.dataset.is_2d and s[0] > 0:  # for the view to draw the network's line
            sign = 1.0 if vt[0] @ vectors[:, 0] >= 0 else -1.0
            value["learned_axis"] = (sign * vt[0]).astype(np.float32)
            value["learned_centre"] = rebuilt.mean(0).astype(np.float32)
    return value


applies = has_data
