"""A fast training path for playground-sized perceptrons on the CPU.

At TF Playground's sizes (a few dozen weights, batches of 10) a torch step is pure
overhead: dispatch and autograd bookkeeping for tensors of a handful of numbers.
This path runs the same maths in numpy on arrays that *share memory* with the
model's parameters, so the torch model stays the one source of truth: probes,
evaluation and saving see every update at once. It covers chains of Features,
Dense and Activation layers with one head, and SGD with or without momentum;
anything else keeps the autograd path.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from engine.build.layers import ACTIVATION_MODULES, FeatureMap, Sine, Step

_SUPPORTED_ACT = {nn.Identity: "linear", Step: "step", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh",
                  nn.ReLU: "relu", nn.LeakyReLU: "leaky_relu", nn.ELU: "elu", nn.SiLU: "silu",
                  Sine: "sine"}
assert set(_SUPPORTED_ACT.values()) <= set(ACTIVATION_MODULES)


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


class FastMLP:
    """Trains a GraphModule in place; build with ``FastMLP.for_session`` or get None."""

    def __init__(self, model, features: FeatureMap | None, layers, data, loss: str,
                 classes: int | None):
        """``data``: (x_train, y_train, x_test, y_test) tensors on the CPU."""
        self.model, self.loss, self.classes = model, loss, classes
        self.layers = layers  # [(W view, b view or None, activation name or None)]
        # features are fixed functions of the points: compute them once, not per step
        with torch.no_grad():
            xs = [features(x) if features is not None else x for x in data[0::2]]
        self.splits = [(np.ascontiguousarray(x.numpy(), dtype=np.float32), self._targets(y.numpy()),
                        y.numpy()) for x, y in zip(xs, data[1::2])]
        self.x, self.y, _ = self.splits[0]
        self.momentum: list[np.ndarray] | None = None

    def _targets(self, y: np.ndarray) -> np.ndarray:
        if self.loss == "cross_entropy":
            return np.eye(self.classes, dtype=np.float32)[y]
        if self.loss == "bce":
            return y.astype(np.float32).reshape(-1, 1)
        return y.astype(np.float32)

    def _forward(self, a: np.ndarray) -> np.ndarray:
        for w, b, act in self.layers:
            z = a @ w.T
            if b is not None:
                z += b
            a = _act(act, z) if act else z
        return a

    def evaluate(self, weight: float) -> dict[str, float]:
        """Loss (unregularized, as the autograd path reports it) and accuracy of both splits."""
        out = {}
        with np.errstate(all="ignore"):
            for name, (x, y, labels) in zip(("train", "test"), self.splits):
                z = self._forward(x).astype(np.float64)
                if self.loss == "bce":
                    loss = np.mean(np.logaddexp(0, z) - y * z)
                    acc = np.mean((z[:, 0] > 0) == labels)
                elif self.loss == "cross_entropy":
                    top = z.max(1, keepdims=True)
                    lse = top[:, 0] + np.log(np.exp(z - top).sum(1))
                    loss = np.mean(lse - z[np.arange(len(z)), labels])
                    acc = np.mean(z.argmax(1) == labels)
                else:
                    loss, acc = np.mean((z - y) ** 2), float("nan")
                out[f"{name}_loss"], out[f"{name}_acc"] = float(weight * loss), float(acc)
        return out

    @classmethod
    def for_session(cls, session) -> FastMLP | None:
        model, t = session.model, session.project.train
        if session.device.type != "cpu" or t.optimizer not in ("sgd", "momentum"):
            return None
        if not model.plain_chain or len(model.inputs) != 1:
            return None
        modules = [model.layers[n] for n, _, ins in model.steps]
        features = None
        if modules and isinstance(modules[0], FeatureMap):
            features, modules = modules[0], modules[1:]
        layers = []
        for m in modules:
            if isinstance(m, nn.Linear):
                b = m.bias.detach().numpy() if m.bias is not None else None
                layers.append([m.weight.detach().numpy(), b, None])
            elif type(m) in _SUPPORTED_ACT and layers and layers[-1][2] is None:
                if isinstance(m, nn.LeakyReLU) and m.negative_slope != 0.01:
                    return None
                layers[-1][2] = _SUPPORTED_ACT[type(m)]
            else:
                return None
        if not layers or layers[-1][2] is not None:  # the head must be a plain Dense
            return None
        if model.main.loss not in ("bce", "cross_entropy", "mse"):
            return None
        return cls(model, features, layers,
                   (session.x_train, session.y_train, session.x_test, session.y_test),
                   model.main.loss, model.classes)

    def train_epoch(self, order: np.ndarray, batch: int, lr: float, weight: float,
                    momentum: float, reg: str, reg_rate: float, max_steps: int | None) -> int:
        x, y, layers = self.x, self.y, self.layers
        lr32 = np.float32(lr)
        if momentum and self.momentum is None:
            self.momentum = [None] * (2 * len(layers))
        steps = 0
        with np.errstate(all="ignore"):  # divergence is caught from the epoch's loss
            for start in range(0, len(order), batch):
                if max_steps is not None and steps >= max_steps:
                    break
                idx = order[start:start + batch]
                a, yb = x[idx], y[idx]
                trace = []
                for w, b, act in layers:
                    z = a @ w.T
                    if b is not None:
                        z += b
                    out = _act(act, z) if act else z
                    trace.append((a, z, out))
                    a = out
                n = np.float32(weight / len(idx))
                if self.loss == "bce":
                    g = (_sigmoid(a) - yb) * n
                elif self.loss == "cross_entropy":
                    e = np.exp(a - a.max(1, keepdims=True))
                    g = (e / e.sum(1, keepdims=True) - yb) * n
                else:
                    g = (a - yb) * (2 * n / np.float32(a.shape[1]))
                for i in range(len(layers) - 1, -1, -1):
                    w, b, act = layers[i]
                    a_in, z, out = trace[i]
                    if act:
                        g = _act_grad(act, z, out, g)
                    gw = g.T @ a_in
                    gb = g.sum(0) if b is not None else None
                    if i:
                        g = g @ w
                    if reg == "l2":
                        gw += np.float32(reg_rate) * w
                    elif reg == "l1":
                        gw += np.float32(reg_rate) * np.sign(w)
                    self._update(2 * i, w, gw, lr32, momentum)
                    if b is not None:
                        self._update(2 * i + 1, b, gb, lr32, momentum)
                steps += 1
        return steps

    def _update(self, slot, p, g, lr, momentum):
        if momentum:
            buf = self.momentum[slot]
            if buf is None:
                buf = self.momentum[slot] = g.copy()  # torch's first step takes g as is
            else:
                buf *= np.float32(momentum)
                buf += g
            g = buf
        p -= lr * g
