"""The boundary grid and the neuron maps from the compiled kernel's forward pass (#13).

While a session trains on the compiled kernel (``engine.train.compiled_mlp``),
the "boundary" and "neurons" probes run the grid through the same kernel (no GIL,
no torch dispatch) instead of the torch model; they stay probes, so they are
computed only while a view that shows them is in sight, and on the kernel they ride
on every snapshot (``full_rate``: the display rate) instead of the tabs' slower rate. Values match
``engine.probes.boundary.boundary_values`` and ``engine.probes.neurons.neuron_maps``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from engine.builder.layers import FeatureMap
from engine.probes.boundary import plane_grid
from engine.probes.registry import PROBES, register
from engine.train.compiled_mlp import CompiledMLP


@lru_cache(maxsize=8)
def grid_inputs(extent: float, size: int, features: tuple[str, ...] | None) -> np.ndarray:
    """The (size*size, inputs) grid as the kernel reads it: through the features."""
    grid = plane_grid(extent, size, torch.device("cpu"))
    with torch.no_grad():
        x = FeatureMap(list(features))(grid) if features is not None else grid
    # shared by every call, and writable: numba compiles read-only arrays as another
    # type, which would compile the kernel again on the worker (seconds without training)
    return np.ascontiguousarray(x.numpy(), dtype=np.float32)


def _kernel_pass(ctx, size: int):
    fast = getattr(ctx, "_fast", None)
    if not isinstance(fast, CompiledMLP) or not ctx.dataset.is_2d:
        return None
    feats = None if fast.features is None else tuple(fast.features.features)
    return fast, fast.chain.forward(0, grid_inputs(float(ctx.dataset.extent), size, feats))


def kernel_boundary(ctx, size: int) -> np.ndarray | None:
    """As ``boundary_values`` from the kernel, or None off the kernel."""
    done = _kernel_pass(ctx, size)
    if done is None:
        return None
    fast, (_, outs) = done
    c = fast.chain
    out = outs[-1, : int(c.n_out[-1])]  # (outputs, N) raw predictions
    loss = ctx.model.main.loss
    if loss == "bce":
        values = 1.0 / (1.0 + np.exp(-np.clip(out[0], -60, 60))) * 2 - 1
    elif loss == "cross_entropy":
        e = np.exp(out - out.max(0, keepdims=True))
        p = e / e.sum(0, keepdims=True)
        if len(p) != 2:
            return p.T.reshape(size, size, -1).astype(np.float32)
        values = p[1] * 2 - 1
    else:
        values = np.clip(out[0], -1, 1)
    return values.reshape(size, size).astype(np.float32)


def kernel_neurons(ctx, size: int) -> dict[str, np.ndarray] | None:
    """As ``neuron_maps`` from the kernel, or None off the kernel."""
    done = _kernel_pass(ctx, size)
    if done is None:
        return None
    fast, (zs, outs) = done
    c = fast.chain
    maps = {}
    if fast.features_id is not None:
        maps[fast.features_id] = outs[0, : int(c.n_in[0])].reshape(-1, size, size).astype(np.float32)
    for li, (dense_id, act_id) in enumerate(fast.node_ids):
        units = int(c.n_out[li])
        maps[dense_id] = zs[li, :units].reshape(units, size, size).astype(np.float32)
        if act_id is not None:
            maps[act_id] = outs[li + 1, :units].reshape(units, size, size).astype(np.float32)
    return maps


def on_kernel(ctx) -> bool:
    """Whether ``ctx`` trains on the compiled kernel with 2-D points: its maps then cost
    well under a millisecond, so they ride on every snapshot (the display rate)."""
    dataset = getattr(ctx, "dataset", None)
    return isinstance(getattr(ctx, "_fast", None), CompiledMLP) and bool(getattr(dataset, "is_2d", False))


def _over(name: str, kernel_fn) -> None:
    """Serve probe ``name`` from the kernel when a session trains on it, else as before."""
    base = PROBES[name]

    def probe(ctx, args):
        size = args["size"]
        if isinstance(size, int) and not isinstance(size, bool) and 2 <= size <= 1024:
            out = kernel_fn(ctx, size)
            if out is not None:
                return out
        return base.fn(ctx, args)  # checks the arguments and says what is wrong

    register(
        name,
        probe,
        cost=base.cost,
        max_per_second=base.max_per_second,
        applies=base.applies,
        args=base.args,
        full_rate=on_kernel,
    )


_over("boundary", kernel_boundary)
_over("neurons", kernel_neurons)
