"""Compare mode's K variants on the compiled kernel (``engine.train.compiled``).

The sibling of ``engine.train.kernels.FastBatch``: the stacked (K, in, out)
weights and (K, 1, out) biases of ``CompareSession`` move into the kernel's flat
buffer (the torch tensors view it), each variant is a lane with its own learning
rate, optimizer, regularization rate and activations, and one call per epoch
trains every lane and measures its losses: two or more lanes on the SIMD kernel
(``engine.train.compiled_lanes``, every optimizer), one on the per-lane kernel.
The optimizers' state lives in the chain's s1, s2 and steps buffers only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from engine.train import compiled_lanes
from engine.train.compiled import METRICS, OPTIMIZER_CODES, REG_CODES
from engine.train.compiled_mlp import CompiledChain

lanes_kernel: Any = compiled_lanes  # its numba arguments are untyped


class CompiledBatch:
    path = "compiled kernel"

    def __init__(self, cs, features, dense, acts):
        with torch.no_grad():
            xs = [features(x) if features is not None else x for x in (cs.x_train, cs.x_test)]
        splits = [(x.numpy(), y.numpy()) for x, y in zip(xs, (cs.y_train, cs.y_test))]
        self.chain = CompiledChain(dense, True, acts, splits, cs.loss_kind, cs.dataset.classes)
        self.lr = np.array([v.learning_rate for v in cs.variants], np.float64)
        self.opt = np.array([OPTIMIZER_CODES[v.optimizer] for v in cs.variants], np.int64)
        self.rate = np.array([v.reg_rate for v in cs.variants], np.float64)
        self.reg = REG_CODES[cs._reg or "none"]
        self.weight = cs.head.weight
        # two or more lanes: SIMD across the lanes (compiled_lanes), any optimizers
        self.simd = self.chain.k > 1

    @classmethod
    def for_compare(cls, cs) -> CompiledBatch | None:
        if cs.device.type != "cpu" or any(v.optimizer not in OPTIMIZER_CODES for v in cs.variants):
            return None
        features = None
        dense: list[tuple] = []
        acts: list[list[str]] = []  # per Dense layer: every variant's activation after it
        for kind, item in cs._chain:
            if kind == "features":
                if dense:
                    return None
                features = item
            elif kind == "dense":
                dense.append((cs.weights_t[item], cs.biases_t[item]))
                acts.append(["linear"] * cs.k)
            elif not dense or acts[-1] != ["linear"] * cs.k:
                return None
            else:
                acts[-1] = list(item)
        if not dense or acts[-1] != ["linear"] * cs.k:  # the head must be a plain Dense
            return None
        return cls(cs, features, dense, [list(lane) for lane in zip(*acts)])

    def freeze(self, k: int) -> None:
        self.chain.active[k] = False  # the kernel leaves the lane alone from now on

    def train_epoch(self, order: np.ndarray, batch: int) -> list[dict[str, float]]:
        """One pass for every lane; each lane's metrics (NaN for frozen lanes)."""
        c = self.chain
        if self.simd:
            (x, y, labels), (xt, yt, labels_t) = c.data
            lanes_kernel.train_and_evaluate(
                c.flat, c.s1, c.s2, c.steps, *c._args(), x, y, labels, xt, yt, labels_t,
                order, batch, c.loss, float(self.weight), self.lr, self.opt, self.reg, self.rate,
                c.active, c.metrics,
            )  # fmt: skip
        else:
            c.train_epoch(order, batch, None, self.weight, self.lr, self.opt, self.reg, self.rate)
        return [dict(zip(METRICS, row)) for row in c.metrics.tolist()]


def compiled_batch(cs) -> CompiledBatch | None:
    """``CompareSession``'s compiled path once the kernel is ready, else None."""
    from engine.train import compile_warmup

    return CompiledBatch.for_compare(cs) if compile_warmup.state.ready else None
