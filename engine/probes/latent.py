"""Probes of an autoencoder's or a VAE's latent code (issue #11).

The *latent* of a graph is a Sampling node's z, or else, for a plain autoencoder, the
narrowest value between the input and the reconstruction from which the
reconstruction can be computed alone. The *reconstruction head* is the first Output
whose target is an Input's x. Decoding runs the graph's layers forward from the latent
only (``decode``); encoding runs it in eval mode, where a Sampling node gives its mean.

* ``latent-decode`` {z: rows of latent points, or None for the centre; stats}: the
  decoded images (N, C, H, W) in the data's range, the z used and, with ``stats``, the
  code's centre and scale (mean and standard deviation of test codes) for sliders;
* ``latent-encode`` {index}: the code (mean) of one test sample;
* ``latent-map`` {count, size}: codes of test samples with their labels and, for a 2-D
  latent, the decoded manifold: ``size`` × ``size`` images over the codes' extent;
* ``reconstructions`` {count}: test images, the network's reconstructions and those
  from a PCA basis of as many components as the latent has, with both mean squared
  errors over the whole test set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engine.probes.registry import COSTLY, register

CODE_SAMPLES = 512  # test samples whose codes give the latent's centre and scale
MAP_RATE = 2.0  # latent maps and reconstructions a second, at most


@dataclass(frozen=True)
class Latent:
    key: str  # the value holding the code, e.g. "sampling.z"
    pred: str  # the reconstruction head's prediction
    loss: str  # its loss: bce predictions are logits
    dims: int
    variational: bool


def _recon_head(model):
    inputs = {f"{i}.x" for i in model.inputs}
    return next((h for h in model.heads if h.target in inputs), None)


def _decodable(model, key: str, pred: str) -> bool:
    """Whether ``pred`` can be computed from ``key`` alone."""
    have = {key}
    for node_id, _first, ins in model.steps:
        if ins and all(k in have for k in ins):
            have.update(model.outputs[node_id])
    return pred in have


@torch.inference_mode()
def _eval_values(model, x: torch.Tensor) -> dict[str, torch.Tensor]:
    was = model.training
    model.eval()
    try:
        return model.values(x)
    finally:
        model.train(was)


def find_latent(model, sample: torch.Tensor) -> Latent | None:
    """The latent of ``model`` (an engine GraphModule), or None when it has none;
    ``sample``: a batch of inputs (for the values' sizes)."""
    head = _recon_head(model)
    if head is None:
        return None
    for node_id, _first, _ins in model.steps:
        if type(model.layers[node_id]).__name__ == "Sampling":
            z = model.outputs[node_id][0]
            if _decodable(model, z, head.pred):
                vals = _eval_values(model, sample[:1])
                return Latent(z, head.pred, head.loss, int(vals[z][0].numel()), True)
    vals = _eval_values(model, sample[:1])
    best = None
    for _node, first, _ins in model.steps:
        if first == head.pred or first not in vals or not torch.is_floating_point(vals[first]):
            continue
        size = int(vals[first][0].numel())
        if (best is None or size < best[1]) and _decodable(model, first, head.pred):
            best = (first, size)
    if best is None or best[1] >= int(sample[0].numel()):
        return None  # nothing narrower than the input: not an autoencoder
    return Latent(best[0], head.pred, head.loss, best[1], False)


def _latent(ctx) -> Latent | None:
    """The trainer's latent, found once per model."""
    model = ctx.model
    cached = getattr(model, "_nodeplay_latent", None)
    if cached is None:
        x = torch.as_tensor(ctx.dataset.x_test[:1], device=ctx.device)
        cached = (find_latent(model, x),)
        model._nodeplay_latent = cached  # the model is rebuilt on every structural edit
    return cached[0]


def _need(ctx) -> Latent:
    latent = _latent(ctx)
    if latent is None:
        raise ValueError("this graph has no latent code (no reconstruction through a narrower layer)")
    return latent


def has_latent(ctx) -> bool:
    return getattr(ctx, "model", None) is not None and not ctx.dataset.is_2d and _latent(ctx) is not None


def _pixels(latent: Latent, pred: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(pred) if latent.loss == "bce" else pred


@torch.inference_mode()
def decode(model, latent: Latent, z: torch.Tensor) -> torch.Tensor:
    """Images decoded from latent points ``z`` (N, dims), in the data's range."""
    was = model.training
    model.eval()
    try:
        vals = {latent.key: z}
        for module, ins, outs in model._plan:
            if ins and all(k in vals for k in ins) and not any(k in vals for k in outs):
                result = module(*[vals[k] for k in ins])
                vals.update({outs[0]: result} if len(outs) == 1 else zip(outs, result))
        return _pixels(latent, vals[latent.pred])
    finally:
        model.train(was)


def encode(ctx, x: np.ndarray) -> np.ndarray:
    """Codes (N, dims) of inputs ``x``: a VAE's means."""
    latent = _need(ctx)
    vals = _eval_values(ctx.model, torch.as_tensor(x, device=ctx.device))
    return vals[latent.key].reshape(len(x), -1).float().cpu().numpy()


def _codes(ctx, count: int) -> np.ndarray:
    return encode(ctx, ctx.dataset.x_test[:count])


def _rows(z, dims: int) -> np.ndarray:
    if z is None:
        return np.zeros((1, dims), np.float32)
    rows = np.asarray(z, np.float32)
    rows = rows.reshape(1, -1) if rows.ndim == 1 else rows
    if rows.ndim != 2 or rows.shape[1] != dims:
        raise ValueError(
            f"z must hold points of {dims} numbers, one per latent dimension, not shape {rows.shape}"
        )
    if not np.all(np.isfinite(rows)):
        raise ValueError("z must hold finite numbers")
    return rows


def _count(args: dict, name: str = "count", top: int = 4096) -> int:
    n = args[name]
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= top:
        raise ValueError(f"{name} must be a whole number from 1 to {top}, not {n!r}")
    return n


def latent_decode(ctx, args) -> dict:
    latent = _need(ctx)
    codes = _codes(ctx, CODE_SAMPLES) if args["stats"] or args["z"] is None else None
    if codes is not None and args["z"] is None:  # the prior's mean for a VAE, the codes' for a plain code
        z = np.zeros((1, latent.dims), np.float32) if latent.variational else codes.mean(0, keepdims=True)
    else:
        z = _rows(args["z"], latent.dims)
    images = decode(ctx.model, latent, torch.as_tensor(z, device=ctx.device))
    out = {"images": images.float().cpu().numpy(), "z": z, "variational": np.bool_(latent.variational)}
    if codes is not None:  # a slider's move needs no statistics: it answers faster without
        out.update(centre=codes.mean(0), scale=codes.std(0) + 1e-6)
    return out


def latent_encode(ctx, args) -> dict:
    i = args["index"]
    n = len(ctx.dataset.x_test)
    if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < n:
        raise ValueError(f"index must be a test sample's number from 0 to {n - 1}, not {i!r}")
    return {"z": encode(ctx, ctx.dataset.x_test[i : i + 1])[0], "index": np.int64(i)}


def latent_map(ctx, args) -> dict:
    latent = _need(ctx)
    count, size = _count(args), _count(args, "size", 64)
    codes = _codes(ctx, count)
    out = {"codes": codes, "labels": np.asarray(ctx.dataset.y_test[:count])}
    if latent.dims == 2:
        lo, hi = np.percentile(codes, 1, axis=0), np.percentile(codes, 99, axis=0)
        pad = (hi - lo) * 0.1 + 1e-3
        lo, hi = lo - pad, hi + pad
        # row 0 of the grid is the top of the plane (largest z2), column 0 its left
        u = np.linspace(lo[0], hi[0], size, dtype=np.float32)
        v = np.linspace(hi[1], lo[1], size, dtype=np.float32)
        grid = np.stack(np.meshgrid(u, v), -1).reshape(-1, 2)
        images = decode(ctx.model, latent, torch.as_tensor(grid, device=ctx.device))
        out.update(manifold=images.float().cpu().numpy(), lo=lo.astype(np.float32), hi=hi.astype(np.float32))
    return out


def pca_reconstruct(train: np.ndarray, test: np.ndarray, k: int) -> np.ndarray:
    """``test`` rebuilt from the ``k`` principal axes of ``train`` (rows are samples)."""
    mean = train.mean(0)
    cov = np.cov(train - mean, rowvar=False)
    _vals, vecs = np.linalg.eigh(cov)
    basis = vecs[:, ::-1][:, :k]  # eigh sorts ascending: the largest k come last
    return (test - mean) @ basis @ basis.T + mean


def reconstructions(ctx, args) -> dict:
    latent = _need(ctx)
    count = _count(args, top=256)
    ds = ctx.dataset
    test = ds.x_test
    vals = _eval_values(ctx.model, torch.as_tensor(test, device=ctx.device))
    recon = _pixels(latent, vals[latent.pred]).reshape(test.shape).float().cpu().numpy()
    flat_train, flat_test = ds.x_train.reshape(len(ds.x_train), -1), test.reshape(len(test), -1)
    pca = pca_reconstruct(flat_train.astype(np.float64), flat_test.astype(np.float64), latent.dims)
    pca = pca.reshape(test.shape).astype(np.float32)
    return {
        "originals": test[:count],
        "reconstructions": recon[:count],
        "pca": pca[:count],
        "network_error": np.float64(((recon - test) ** 2).mean()),
        "pca_error": np.float64(((pca - test) ** 2).mean()),
        "components": np.int64(latent.dims),
    }


register(
    "latent-decode", latent_decode, max_per_second=10.0, applies=has_latent, args={"z": None, "stats": True}
)
register("latent-encode", latent_encode, applies=has_latent, args={"index": 0})
register(
    "latent-map",
    latent_map,
    cost=COSTLY,
    max_per_second=MAP_RATE,
    applies=has_latent,
    args={"count": 500, "size": 12},
)
register(
    "reconstructions",
    reconstructions,
    cost=COSTLY,
    max_per_second=MAP_RATE,
    applies=has_latent,
    args={"count": 10},
)
