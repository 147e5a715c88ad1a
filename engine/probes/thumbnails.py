"""Live thumbnails for the editor's nodes: a small picture of what flows out of each.

* 2-D data: the node's first unit over the input plane (a map, as TF Playground's
  neuron heatmaps), the mean over the unit's other dimensions for non-flat outputs;
* image data: the first channel of the first test sample when the output is an image
  (C, H, W), the image itself for an Input;
* otherwise: a histogram of the output's values over a batch of test samples.

Nodes whose only output is a loss (Output, LossSum) get none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engine.probes.boundary import plane_grid

THUMB_SIZE = 24  # points per side of a map over the plane
HISTOGRAM_BINS = 24
BATCH = 64  # test samples a histogram or a feature map is computed from


@dataclass(frozen=True)
class Thumb:
    """``kind`` "map" (values (S, S), signed, laid out as an image: row 0 is the top
    of the plane, x2 = +extent; column 0 its left, x1 = -extent),
    "image" ((H, W) raw values) or "histogram" (counts per bin between ``lo`` and
    ``hi``). ``values`` is float32."""

    kind: str
    values: np.ndarray
    lo: float = 0.0
    hi: float = 0.0


def histogram(values: np.ndarray, bins: int = HISTOGRAM_BINS) -> Thumb:
    v = np.asarray(values, np.float64).ravel()
    v = v[np.isfinite(v)]
    if not v.size:
        return Thumb("histogram", np.zeros(bins, np.float32))
    lo, hi = float(v.min()), float(v.max())
    if hi <= lo:  # a constant output: one full bar in the middle
        lo, hi = lo - 0.5, hi + 0.5
    counts, _ = np.histogram(v, bins=bins, range=(lo, hi))
    return Thumb("histogram", counts.astype(np.float32), lo, hi)


def _main_outputs(model) -> dict[str, str]:
    """node id -> the key of the value its thumbnail shows."""
    keys = {i: f"{i}.x" for i in model.inputs}
    for node_id, first, _ in model.steps:
        keys[node_id] = first
    return keys


@torch.inference_mode()
def _values(model, x: torch.Tensor) -> dict[str, torch.Tensor]:
    was_training = model.training
    model.eval()
    try:
        return model.values(x)
    finally:
        model.train(was_training)


def thumbnails(
    model,
    dataset,
    *,
    size: int = THUMB_SIZE,
    bins: int = HISTOGRAM_BINS,
    device: torch.device | str | None = None,
) -> dict[str, Thumb]:
    """{node id: Thumb} for every node of ``model`` (an engine GraphModule) with a
    tensor output, on ``dataset`` (an engine Dataset)."""
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    keys = _main_outputs(model)
    if dataset.is_2d:
        grid = plane_grid(dataset.extent, size, torch.device(device))
        vals = _values(model, grid)
        out = {}
        for node_id, key in keys.items():
            v = vals[key].float()
            plane = v[:, 0] if v.ndim == 2 else v.reshape(len(v), -1).mean(1)
            # plane_grid's row 0 is x2 = -extent: flip so that pictures are drawn upright
            picture = plane.reshape(size, size).flip(0).cpu().numpy().astype(np.float32)
            out[node_id] = Thumb("map", np.ascontiguousarray(picture))
        return out
    x = torch.as_tensor(dataset.x_test[:BATCH], device=device)
    vals = _values(model, x)
    out = {}
    for node_id, key in keys.items():
        v = vals[key].float()
        if v.ndim == 4:  # (N, C, H, W): the first channel of the first sample
            out[node_id] = Thumb("image", v[0, 0].cpu().numpy().astype(np.float32))
        else:
            out[node_id] = histogram(v.cpu().numpy(), bins)
    return out
