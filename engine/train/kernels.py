"""The numpy training kernel for layered perceptrons on the CPU: one epoch of
mini-batch steps, written once for one model and for K variants.

``train_epoch`` takes weights as (in, out) arrays, or (K, in, out) with a leading
variant axis; numpy's matmul broadcasting runs the same lines either way, so the
single session (``engine.train.fast_mlp.FastMLP``, K=1 without the axis: no cost
for the playground) and compare mode (``FastBatch``) share one step. Activations
are a name, or for K variants (names, lane masks); learning rates, momentum and
regularization factors are scalars or (K, 1, 1) arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

FAST_ACTIVATIONS = ("linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu", "sine")
OPTIMIZERS = {"sgd": 0.0, "momentum": 0.9}  # name -> momentum factor, as engine.train.optim


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # no overflow warnings for large |z|


def _act(name, z):
    if name in ("linear",):
        return z
    if name == "step":
        return (z > 0).astype(z.dtype)
    if name == "sigmoid":
        return _sigmoid(z)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    if name == "leaky_relu":
        return np.where(z > 0, z, z * np.float32(0.01))
    if name == "elu":
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))
    if name == "silu":
        return z * _sigmoid(z)
    return np.sin(z)  # sine


def _act_grad(name, z, a, g):
    """Gradient through the activation, given its input z, output a and upstream g."""
    if name in ("linear", "step"):  # step: straight-through, as the torch module
        return g
    if name == "sigmoid":
        return g * a * (1 - a)
    if name == "tanh":
        return g * (1 - a * a)
    if name == "relu":
        return g * (z > 0)
    if name == "leaky_relu":
        return np.where(z > 0, g, g * np.float32(0.01))
    if name == "elu":
        return np.where(z > 0, g, g * (a + 1))
    if name == "silu":
        s = _sigmoid(z)
        return g * (s * (1 + z * (1 - s)))
    return g * np.cos(z)  # sine


def _act_any(act, z):
    if isinstance(act, str):
        return _act(act, z)
    names, masks = act
    out = _act(names[-1], z)
    for name, mask in zip(names[:-1], masks[:-1]):
        out = np.where(mask, _act(name, z), out)
    return out


def _act_grad_any(act, z, a, g):
    if isinstance(act, str):
        return _act_grad(act, z, a, g)
    names, masks = act
    out = _act_grad(names[-1], z, a, g)
    for name, mask in zip(names[:-1], masks[:-1]):
        out = np.where(mask, _act_grad(name, z, a, g), out)
    return out


def train_epoch(
    layers,
    x,
    y,
    order,
    batch: int,
    *,
    loss: str,
    weight: float,
    lr,
    mu=0.0,
    bufs=None,
    reg: str | None = None,
    rate=0.0,
    max_steps: int | None = None,
) -> int:
    """Mini-batch steps over ``x[order]``, in place on ``layers`` ([W, b or None,
    activation or None]); returns how many. ``bufs`` ([[W buffer, b buffer]] zeros at
    first, as torch's first momentum step takes the gradient as is) when ``mu``."""
    xs, ys = x[order], y[order]
    steps = 0
    with np.errstate(all="ignore"):  # divergence is caught from the epoch's loss
        for start in range(0, len(order), batch):
            if max_steps is not None and steps >= max_steps:
                break
            a, yb = xs[start : start + batch], ys[start : start + batch]
            trace = []
            for w, b, act in layers:
                z = np.matmul(a, w)  # (B, in) or (K, B, in) @ (in, out) or (K, in, out)
                if b is not None:
                    z += b
                out = _act_any(act, z) if act else z
                trace.append((a, z, out))
                a = out
            n = np.float32(weight / len(yb))
            if loss == "bce":
                g = (_sigmoid(a) - yb) * n
            elif loss == "cross_entropy":
                e = np.exp(a - a.max(-1, keepdims=True))
                g = (e / e.sum(-1, keepdims=True) - yb) * n
            else:
                g = (a - yb) * (2 * n / np.float32(a.shape[-1]))
            for i in range(len(layers) - 1, -1, -1):
                w, b, act = layers[i]
                a_in, z, out = trace[i]
                if act:
                    g = _act_grad_any(act, z, out, g)
                gw = np.matmul(a_in.swapaxes(-1, -2), g)
                gb = None if b is None else g.sum(-2, keepdims=b.ndim == g.ndim)
                if i:
                    g = np.matmul(g, w.swapaxes(-1, -2))
                if reg == "l2":
                    gw += rate * w
                elif reg == "l1":
                    gw += rate * np.sign(w)
                if bufs is not None:
                    for buf, grad in zip(bufs[i], (gw, gb)):
                        if grad is not None:
                            buf *= mu
                            buf += grad
                    gw, gb = bufs[i]
                w -= lr * gw
                if b is not None:
                    b -= lr * gb
            steps += 1
    return steps


class FastBatch:
    """The same batched step in numpy, for the CPU: at playground sizes a torch step is
    mostly dispatch and autograd bookkeeping, as ``engine.train.fast_mlp`` explains.

    The arrays share memory with ``CompareSession``'s stacked torch parameters, so
    evaluation, boundaries and weights always see the latest values. Every array
    carries the variant axis first: (K, batch, units) activations, (K, in, out)
    weights, (K, 1, out) biases, (K, 1, 1) learning rates and momentum factors. The
    gradients are written out by hand, as in ``fast_mlp``, and match autograd's.
    """

    def __init__(self, cs, features, layers):
        self.k = cs.k
        with torch.no_grad():
            x = features(cs.x_train) if features is not None else cs.x_train
        self.x = np.ascontiguousarray(x.numpy(), dtype=np.float32)
        y, kind = cs.y_train.numpy(), cs.loss_kind
        if kind == "cross_entropy":
            self.y = np.eye(cs.dataset.classes, dtype=np.float32)[y]
        elif kind == "bce":
            self.y = y.astype(np.float32).reshape(-1, 1)
        else:
            self.y = y.astype(np.float32)
        self.loss, self.weight = kind, cs.head.weight
        self.layers = layers  # [(W (K,in,out), b (K,1,out) or None, activation plan or None)]
        lane = lambda v: np.asarray(v, np.float32).reshape(-1, 1, 1)  # noqa: E731
        self.lr = lane([v.learning_rate for v in cs.variants])
        self.mu = lane([OPTIMIZERS[v.optimizer] for v in cs.variants])
        self.momentum = bool(self.mu.any())
        self.bufs = (
            [[np.zeros_like(w), None if b is None else np.zeros_like(b)] for w, b, _ in layers]
            if self.momentum
            else None
        )
        self.reg = cs._reg
        self.rate = lane([v.reg_rate for v in cs.variants])

    @classmethod
    def for_compare(cls, cs) -> FastBatch | None:
        if cs.device.type != "cpu" or cs.loss_kind not in ("bce", "cross_entropy", "mse"):
            return None
        features = None
        layers: list[list[Any]] = []  # [W, b or None, activation plan or None]
        for kind, item in cs._chain:
            if kind == "features":
                if layers:
                    return None
                features = item
            elif kind == "dense":
                b = cs.biases_t[item]
                layers.append(
                    [cs.weights_t[item].detach().numpy(), None if b is None else b.detach().numpy(), None]
                )
            else:
                if not layers or layers[-1][2] is not None or any(f not in FAST_ACTIVATIONS for f in item):
                    return None
                names = list(dict.fromkeys(item))
                masks = [np.array([f == n for f in item]).reshape(-1, 1, 1) for n in names]
                layers[-1][2] = (names, masks)
        if not layers or layers[-1][2] is not None:  # the head must be a plain Dense
            return None
        return cls(cs, features, layers)

    def freeze(self, k: int) -> None:
        self.lr[k] = 0.0  # the session has zeroed the lane's weights and momentum
        if self.bufs is not None:
            for pair in self.bufs:
                for buf in pair:
                    if buf is not None:
                        buf[k] = 0.0

    def train_epoch(self, order: np.ndarray, batch: int) -> None:
        train_epoch(
            self.layers,
            self.x,
            self.y,
            order,
            batch,
            loss=self.loss,
            weight=self.weight,
            lr=self.lr,
            mu=self.mu,
            bufs=self.bufs,
            reg=self.reg,
            rate=self.rate,
        )
