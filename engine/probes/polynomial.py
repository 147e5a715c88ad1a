"""The ``polynomial-degree`` probe (issue #12, L2): least-squares polynomials of every
degree 0..max_degree fitted to a 1-D regression set's training points (closed form, on
x₁ / 6 so that high powers stay well conditioned), with each degree's training and
validation (test-split) error and its curve over x₁: too low a degree underfits, too
high a degree follows the noise and its validation error rises again."""

from __future__ import annotations

import numpy as np

from engine.data.regression1d import EXTENT, SETS

CURVE_POINTS = 200
MAX_DEGREE = 20


def applies(ctx) -> bool:
    return getattr(getattr(ctx, "dataset", None), "name", None) in SETS


def powers(x: np.ndarray, degree: int) -> np.ndarray:
    """The polynomial features 1, u, u², … u^degree of u = x / 6."""
    return np.vander(np.asarray(x, np.float64) / EXTENT, degree + 1, increasing=True)


def fit(x: np.ndarray, y: np.ndarray, degree: int) -> np.ndarray:
    """Coefficients (of 1, u, …) minimising the mean squared error on (x, y)."""
    return np.linalg.lstsq(powers(x, degree), np.asarray(y, np.float64), rcond=None)[0]


def sweep(x, y, x_val, y_val, max_degree: int) -> dict:
    grid = np.linspace(-EXTENT, EXTENT, CURVE_POINTS)
    train, val, curves = [], [], []
    for d in range(max_degree + 1):
        c = fit(x, y, d)
        train.append(np.mean((powers(x, d) @ c - y) ** 2))
        val.append(np.mean((powers(x_val, d) @ c - y_val) ** 2))
        curves.append(powers(grid, d) @ c)
    return {
        "degrees": np.arange(max_degree + 1),
        "train_error": np.array(train),
        "val_error": np.array(val),
        "grid": grid,
        "curves": np.array(curves),  # (degree, grid point)
        "best_degree": np.int64(np.argmin(val)),
    }


def polynomial_degree(ctx, args) -> dict:
    top = int(args["max_degree"])
    if not 1 <= top <= MAX_DEGREE:
        raise ValueError(
            f"The highest degree must be between 1 and {MAX_DEGREE}, not {args['max_degree']!r}."
        )
    ds = ctx.dataset
    x, y = ds.x_train[:, 0], np.asarray(ds.y_train, np.float64).reshape(-1)
    xv, yv = ds.x_test[:, 0], np.asarray(ds.y_test, np.float64).reshape(-1)
    out = sweep(x, y, xv, yv, top)
    out.update(x_train=x.astype(np.float64), y_train=y, x_test=xv.astype(np.float64), y_test=yv)
    best = int(out["best_degree"])
    # the measured outcome: how much validation error rises from its best to the highest degree
    out["overfit_ratio"] = np.float64(out["val_error"][-1] / out["val_error"][best])
    out["underfit_ratio"] = np.float64(out["val_error"][0] / out["val_error"][best])
    if getattr(ctx, "model", None) is not None:  # the window's network, for comparison
        import torch

        from engine.probes.regression1d import predict

        with torch.inference_mode():
            out["trained_curve"] = predict(ctx, out["grid"])
    return out
