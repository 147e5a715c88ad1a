"""Per-layer activation and gradient histograms over training (issue #12, L4).

On a fixed batch (the first BATCH training samples) every weighted layer (Dense,
Conv2d) gives two histograms: of its activations (the output of the activation that
follows it, else its own output) and of the gradient of the training loss with
respect to its weights. Both are histograms of log10 |value| over fixed bins, so that
vanishing (mass sliding to tiny magnitudes) and exploding (to huge ones) read the same
way in every layer. Values below 10**LOW (zeros included) fall in the first bin.

The probe keeps a history per model (a reset builds a new one), starting with the
model's initial weights rebuilt from the session's seed, so that even a view that
subscribes late sees where training started.
"""

from __future__ import annotations

import weakref

import numpy as np
import torch
from torch import nn

from engine.builder import build_model
from engine.builder.layers import ACTIVATION_MODULES

BATCH = 256
LOW, HIGH, BINS = -8.0, 4.0, 48  # log10 |value|: a quarter decade a bin
EDGES = np.linspace(LOW, HIGH, BINS + 1)
MAX_HISTORY = 120  # columns kept; older ones are thinned to every other one
WEIGHTED = (nn.Linear, nn.modules.conv._ConvNd)

# the module classes an Activation node builds (the leaky ReLU's lambda makes one to see)
ACTIVATIONS = tuple({type(make()) for make in ACTIVATION_MODULES.values()} - {nn.Identity})
_HISTORY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def applies(ctx) -> bool:
    model = getattr(ctx, "model", None)
    return model is not None and hasattr(ctx, "dataset") and bool(weighted_layers(model))


def weighted_layers(model) -> list[str]:
    return [n for n, _, _ in model.steps if isinstance(model.layers[n], WEIGHTED)]


def _activation_keys(model) -> dict[str, str]:
    """Each weighted layer's activation: the value of an Activation step reading its
    output directly, else that output itself."""
    keys = {}
    for node_id, out, _ in model.steps:
        if not isinstance(model.layers[node_id], WEIGHTED):
            continue
        follower = next(
            (o for n, o, ins in model.steps if ins == (out,) and isinstance(model.layers[n], ACTIVATIONS)),
            None,
        )
        keys[node_id] = follower or out
    return keys


def log_histogram(values: np.ndarray) -> np.ndarray:
    """Fraction of ``values`` in each bin of log10 |value| (EDGES; clipped to its ends)."""
    v = np.abs(np.asarray(values, np.float64).ravel())
    if v.size == 0:
        return np.zeros(BINS)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(v)
    logs = np.nan_to_num(logs, nan=HIGH, neginf=LOW, posinf=HIGH)  # NaN counts as exploded
    counts, _ = np.histogram(np.clip(logs, LOW, HIGH - 1e-9), EDGES)
    return counts / v.size


def measure(model, x: torch.Tensor, y: torch.Tensor) -> dict[str, np.ndarray]:
    """Histograms and sizes of every weighted layer's activations and weight gradients."""
    names, keys = weighted_layers(model), _activation_keys(model)
    was_training = model.training
    model.eval()  # dropout and batch norm as at test time: the same batch, the same values
    try:
        with torch.enable_grad():
            vals = model.losses(x, y)
            objective = sum(vals[k] for k in model.objective)
            weights = [model.layers[n].weight for n in names]
            grads = torch.autograd.grad(objective, weights, allow_unused=True)
    finally:
        model.train(was_training)
    acts = [vals[keys[n]].detach().cpu().numpy() for n in names]
    gs = [np.zeros(w.shape) if g is None else g.detach().cpu().numpy() for g, w in zip(grads, weights)]
    return {
        "activations": np.stack([log_histogram(a) for a in acts]),
        "gradients": np.stack([log_histogram(g) for g in gs]),
        "activation_std": np.array([float(np.std(a)) for a in acts]),
        "gradient_rms": np.array([float(np.sqrt(np.mean(np.square(g, dtype=np.float64)))) for g in gs]),
    }


def _batch(ctx) -> tuple[torch.Tensor, torch.Tensor]:
    ds, device = ctx.dataset, getattr(ctx, "device", "cpu")
    x = torch.as_tensor(np.asarray(ds.x_train[:BATCH]), device=device)
    y = torch.as_tensor(np.asarray(ds.y_train[:BATCH]), device=device)
    return x, y


def init_histograms(ctx, args) -> dict[str, np.ndarray]:
    """The history of per-layer histograms of this model, this moment's appended."""
    model = ctx.model
    x, y = _batch(ctx)
    history = _HISTORY.get(model)
    if history is None:
        history = _HISTORY[model] = []
        if ctx.epoch > 0 or getattr(ctx, "step", 0) > 0:  # where it started, rebuilt from the seed
            start = build_model(ctx.project.graph, ctx.dataset.spec, ctx.seed).to(x.device)
            history.append(((0, 0), measure(start, x, y)))
    when = (ctx.epoch, getattr(ctx, "step", 0))
    if not history or history[-1][0] != when:
        history.append((when, measure(model, x, y)))
    if len(history) > MAX_HISTORY:
        del history[1:-1:2]  # keep the first and the last
    names = weighted_layers(model)
    out = {
        "layers": np.array(names),
        "epochs": np.array([t[0] for t, _ in history], np.int64),
        "edges": EDGES.copy(),
    }
    for key in ("activations", "gradients", "activation_std", "gradient_rms"):
        out[key] = np.stack([m[key] for _, m in history])
    return out


def init_signal(ctx, args) -> dict[str, np.float64]:
    """Two numbers a lesson check reads: how the activations' spread grows from the first
    weighted layer to the last hidden one, and how the weight gradients' size grows from
    the last layer back to the first (below 1: vanishing; far above 1: exploding)."""
    x, y = _batch(ctx)
    m = measure(ctx.model, x, y)
    act, grad = m["activation_std"], m["gradient_rms"]
    last = max(len(act) - 2, 0)  # the last hidden layer (the head has no activation)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = act[last] / act[0] if act[0] > 0 else 0.0
        back = grad[0] / grad[-1] if grad[-1] > 0 else 0.0
    return {"activation_growth": np.float64(growth), "gradient_growth": np.float64(back)}
