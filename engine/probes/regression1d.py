"""The ``regression-1d`` probe (issue #12, L2): a 1-D regression set's points, the
trained network's curve over x₁, and the closed-form least-squares line beside it.

The closed form solves the normal equations with a ridge penalty λ on the slope (the
bias is not penalised): (AᵀA/N + λ·diag(1, 0)) w = Aᵀy/N with A = [x 1]. The checks
(``normal_mse``, ``trained_mse``, ``fit_gap``) use λ = 0, whatever the slider says."""

from __future__ import annotations

import numpy as np
import torch

from engine.data.regression1d import EXTENT, SETS

CURVE_POINTS = 200


def ridge_line(x: np.ndarray, y: np.ndarray, ridge: float = 0.0) -> np.ndarray:
    """(slope, intercept) minimising mean((slope·x + intercept − y)²) + ridge·slope²."""
    a = np.column_stack([np.asarray(x, np.float64), np.ones(len(x))])
    y = np.asarray(y, np.float64)
    lhs = a.T @ a / len(a) + np.diag([float(ridge), 0.0])
    w, *_ = np.linalg.lstsq(lhs, a.T @ y / len(a), rcond=None)
    return w


def applies(ctx) -> bool:
    ds = getattr(ctx, "dataset", None)
    return getattr(ctx, "model", None) is not None and getattr(ds, "name", None) in SETS


def predict(ctx, x1: np.ndarray) -> np.ndarray:
    """The network's output at x₁ (with x₂ = 0), as float64."""
    points = np.column_stack([x1, np.zeros(len(x1))]).astype(np.float32)
    out = ctx.model(torch.as_tensor(points, device=ctx.device)).reshape(len(points), -1)[:, 0]
    return out.double().cpu().numpy()


@torch.inference_mode()
def regression_1d(ctx, args) -> dict:
    ridge = float(args["ridge"])
    if not np.isfinite(ridge) or ridge < 0:
        raise ValueError(f"The ridge penalty must be a number ≥ 0, not {args['ridge']!r}.")
    ds = ctx.dataset
    x, y = ds.x_train[:, 0].astype(np.float64), np.asarray(ds.y_train, np.float64).reshape(-1)
    grid = np.linspace(-EXTENT, EXTENT, CURVE_POINTS)
    normal = ridge_line(x, y)
    line = ridge_line(x, y, ridge)
    trained = predict(ctx, x)
    closed = normal[0] * x + normal[1]
    spread = float(np.std(y)) or 1.0
    return {
        "x_train": x,
        "y_train": y,
        "x_test": ds.x_test[:, 0].astype(np.float64),
        "y_test": np.asarray(ds.y_test, np.float64).reshape(-1),
        "grid": grid,
        "trained_curve": predict(ctx, grid),
        "ridge": np.float64(ridge),
        "ridge_line": line,  # slope, intercept for the asked λ
        "normal_line": normal,  # the same for λ = 0
        "normal_mse": np.float64(np.mean((closed - y) ** 2)),
        "trained_mse": np.float64(np.mean((trained - y) ** 2)),
        # the largest gap between the two fits on the training points, in standard deviations of y
        "fit_gap": np.float64(np.max(np.abs(trained - closed)) / spread),
    }
