"""Slow-motion backprop (issue #12, Classroom, L3): one mini-batch's forward values, its
loss, the gradients flowing back and the weight update, computed on a copy of the
network so that training is not changed; "backprop-apply" then makes that update.

Asked once (a view's ``asked``), never subscribed: the view steps through the phases
itself. Dense networks (the playground's) of at most SMALL_NETWORK parameters.
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from engine.builder.losses import head_loss
from engine.probes.registry import register

SMALL_NETWORK = 5000  # parameters: every weight is drawn


def _applies(ctx) -> bool:
    model = getattr(ctx, "model", None)
    return (
        model is not None
        and getattr(model, "_chain", False)
        and sum(p.numel() for p in model.parameters()) <= SMALL_NETWORK
    )


def _batch(ctx, args) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
    size, seed = args["batch"], args["seed"]
    n = len(ctx.x_train)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= n:
        raise ValueError(f"batch must be a whole number from 1 to {n}, not {size!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a whole number from 0 up, not {seed!r}")
    rows = np.random.default_rng(seed).permutation(n)[:size]
    index = torch.as_tensor(rows, device=ctx.x_train.device)
    return ctx.x_train[index], ctx.y_train[index], rows


def phases(ctx, args) -> dict[str, np.ndarray]:
    """Keys: "rows" (the samples), "loss", "lr"; per step of the network
    "value/<node>" (batch × units) and "grad/<node>" (∂L/∂value); per parameter
    "weight/<name>", "wgrad/<name>" and "update/<name>" (−lr·∂L/∂w, a plain SGD step)."""
    x, y, rows = _batch(ctx, args)
    net = copy.deepcopy(ctx.model)  # the training network is not touched
    net.train()
    net.zero_grad(set_to_none=True)
    vals = net.values(x)
    kept = {}
    for node_id, key, _ins in net.steps:
        value = vals.get(key)
        if value is not None and value.ndim == 2:
            if value.requires_grad:  # the features carry no gradient: zeros
                value.retain_grad()
            kept[node_id] = value
    main = net.main
    loss = head_loss(main.loss, vals[main.pred], y, main.weight)
    loss.backward()
    lr = float(ctx.optimizer.param_groups[0]["lr"])
    out: dict[str, np.ndarray] = {
        "rows": rows.astype(np.int64),
        "loss": np.array(float(loss.detach())),
        "lr": np.array(lr),
    }
    for node_id, value in kept.items():
        out[f"value/{node_id}"] = value.detach().cpu().numpy().copy()
        grad = value.grad if value.grad is not None else torch.zeros_like(value)
        out[f"grad/{node_id}"] = grad.detach().cpu().numpy().copy()
    for name, p in net.named_parameters():
        grad = p.grad if p.grad is not None else torch.zeros_like(p)
        out[f"weight/{name}"] = p.detach().cpu().numpy().copy()
        out[f"wgrad/{name}"] = grad.detach().cpu().numpy().copy()
        out[f"update/{name}"] = (-lr * grad).detach().cpu().numpy().copy()
    return out


def apply(ctx, args) -> dict[str, np.ndarray]:
    """Make the update of ``phases`` with the same arguments on the training network
    (recomputed here, from the weights as they are now); returns the new weights."""
    update = {k[len("update/") :]: v for k, v in phases(ctx, args).items() if k.startswith("update/")}
    with torch.no_grad():
        for name, p in ctx.model.named_parameters():
            p.add_(
                torch.as_tensor(update[name], device=p.device, dtype=p.dtype)
            )  # in place: fast paths see it
    return {name: p.detach().cpu().numpy().copy() for name, p in ctx.model.named_parameters()}


register("backprop", phases, applies=_applies, args={"batch": 4, "seed": 0})
register("backprop-apply", apply, applies=_applies, args={"batch": 4, "seed": 0})
