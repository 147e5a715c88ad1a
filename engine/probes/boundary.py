"""The decision boundary: the network's output over a grid on the input plane."""

from __future__ import annotations

import numpy as np
import torch


def plane_grid(extent: float, size: int, device: torch.device) -> torch.Tensor:
    """(size*size, 2) points; row i of the image is y ascending, column j is x ascending."""
    axis = torch.linspace(-extent, extent, size, device=device)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([xx.reshape(-1), yy.reshape(-1)], 1)


@torch.inference_mode()
def boundary_values(model, grid: torch.Tensor, size: int) -> np.ndarray:
    """(size, size) in [-1, 1] for two classes or regression, (size, size, K) otherwise.

    Two-class outputs become 2p - 1 so that one diverging colour map serves both
    classification and regression (TF Playground's blue/orange).
    """
    was_training = model.training
    model.eval()
    score = model.score(model(grid))
    model.train(was_training)
    if model.main.loss == "bce":
        out = score[:, 0] * 2 - 1
    elif model.main.loss == "cross_entropy" and score.shape[1] == 2:
        out = score[:, 1] * 2 - 1
    elif model.main.loss == "cross_entropy":
        return score.reshape(size, size, -1).float().cpu().numpy()
    else:
        out = score[:, 0].clamp(-1, 1)
    return out.reshape(size, size).float().cpu().numpy()
