"""What each neuron computes: its output over the input plane (TF Playground's
small heatmaps), and how each layer bends the plane (the hidden-space view)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from engine.probes.boundary import plane_grid
from engine.probes.finite import finite, principal_axes


@torch.inference_mode()
def neuron_maps(model, grid: torch.Tensor, size: int) -> dict[str, np.ndarray]:
    """{node id: (units, size, size)} for every Features, Dense and Activation node.

    Values are raw outputs; views choose their colour range (tanh lies in [-1, 1],
    ReLU does not), so no normalization happens here.
    """
    was_training = model.training
    model.eval()
    values = model.values(grid)
    model.train(was_training)
    out = {}
    for node_id, key, _ in model.steps:
        v = values[key]
        if v.ndim == 2:
            out[node_id] = v.T.reshape(-1, size, size).float().cpu().numpy()
    return out


@lru_cache(maxsize=8)
def grid_lines(extent: float, lines: int = 13, points: int = 60) -> np.ndarray:
    """(2*lines, points, 2) polylines of a square grid over [-extent, extent]²; read-only
    and cached, as every snapshot of the hidden space asks for the same grid."""
    ticks = np.linspace(-extent, extent, lines, dtype=np.float32)
    along = np.linspace(-extent, extent, points, dtype=np.float32)
    grid = np.empty((2 * lines, points, 2), np.float32)
    grid[:lines, :, 0], grid[:lines, :, 1] = along, ticks[:, None]  # horizontal lines
    grid[lines:, :, 0], grid[lines:, :, 1] = ticks[:, None], along  # vertical lines
    grid.setflags(write=False)
    return grid


@torch.inference_mode()
def hidden_space(model, node_id: str, points: np.ndarray, extent: float) -> dict:
    """How the layer ``node_id`` maps the input plane.

    Returns the images of the grid lines and of ``points`` in that layer's space:
    the raw coordinates when it has 2 or 3 units, otherwise the first 3 principal
    axes of the points' images (the same projection for both, so lines and points
    stay aligned). ``dims`` says how many coordinates each row has.
    """
    lines = grid_lines(extent)
    flat = torch.as_tensor(np.concatenate([lines.reshape(-1, 2), points.astype(np.float32)]))
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    values = finite(model.values(flat.to(device))[f"{node_id}.out"].float().cpu().numpy())
    model.train(was_training)
    units = values.shape[1]
    projected, how = values, "raw"
    if units > 3 or units == 1:
        centre = values[len(lines.reshape(-1, 2)) :].mean(0)
        vt = principal_axes(values[len(lines.reshape(-1, 2)) :] - centre)
        k = min(3, units)
        projected, how = (values - centre) @ vt[:k].T, "pca"
        if k == 1:
            projected, how = np.concatenate([values, np.zeros_like(values)], 1), "raw"
    n_line = lines.shape[0] * lines.shape[1]
    return {
        "lines": projected[:n_line].reshape(lines.shape[0], lines.shape[1], -1),
        "points": projected[n_line:],
        "dims": projected.shape[1],
        "projection": how,
        "units": units,
    }


__all__ = ["grid_lines", "hidden_space", "neuron_maps", "plane_grid"]
