"""The closed-form least-squares fit beside the trained model, for regression on the
plane: the normal equations solved on the inputs (x₁, x₂, 1), and the trained model's
predictions set beside it. The linear-regression lesson checks that training reaches
the same fit; a 1-D regression view may draw it."""

from __future__ import annotations

import numpy as np
import torch


def normal_equations(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights w (last one the bias) minimising ‖[x 1] w − y‖², by solving
    [x 1]ᵀ[x 1] w = [x 1]ᵀ y."""
    a = np.column_stack([x.astype(np.float64), np.ones(len(x))])
    return np.linalg.lstsq(a, y.astype(np.float64), rcond=None)[0]  # x₂ may be constant (1-D sets)


def applies(ctx) -> bool:
    ds = getattr(ctx, "dataset", None)
    return getattr(ctx, "model", None) is not None and ds is not None and ds.is_2d and ds.classes is None


@torch.inference_mode()
def least_squares(ctx, _args) -> dict:
    ds = ctx.dataset
    x, y = ds.x_train, np.asarray(ds.y_train, np.float64).reshape(len(ds.x_train), -1)[:, 0]
    w = normal_equations(x, y)
    closed = np.column_stack([x, np.ones(len(x))]) @ w
    trained = ctx.model(torch.as_tensor(x, device=ctx.device)).reshape(len(x), -1)[:, 0]
    trained = trained.double().cpu().numpy()
    spread = float(np.std(y)) or 1.0
    return {
        "weights": w,  # w₁, w₂, b
        "normal_mse": np.float64(np.mean((closed - y) ** 2)),
        "trained_mse": np.float64(np.mean((trained - y) ** 2)),
        # the largest gap between the two fits' predictions, in standard deviations of y
        "fit_gap": np.float64(np.max(np.abs(trained - closed)) / spread),
    }
