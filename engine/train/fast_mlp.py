"""A fast training path for playground-sized perceptrons on the CPU.

At TF Playground's sizes (a few dozen weights, batches of 10) a torch step is pure
overhead: dispatch and autograd bookkeeping for tensors of a handful of numbers.
This path runs the same maths in numpy (``engine.train.kernels``, the step it
shares with compare mode) on arrays that *share memory* with the
model's parameters, so the torch model stays the one source of truth: probes,
evaluation and saving see every update at once. It covers chains of Features,
Dense and Activation layers with one head, and SGD with or without momentum;
anything else keeps the autograd path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from engine.builder.layers import ACTIVATION_MODULES, FeatureMap, Sine, Step
from engine.train.abandon import EpochAbandoned
from engine.train.kernels import _act, _act_grad, _sigmoid, train_epoch  # noqa: F401

FAST_CHUNK = 256  # mini-batches between two calls of ``between`` in ``train_in_chunks``

_SUPPORTED_ACT = {
    nn.Identity: "linear",
    Step: "step",
    nn.Sigmoid: "sigmoid",
    nn.Tanh: "tanh",
    nn.ReLU: "relu",
    nn.LeakyReLU: "leaky_relu",
    nn.ELU: "elu",
    nn.SiLU: "silu",
    Sine: "sine",
}
assert set(_SUPPORTED_ACT.values()) <= set(ACTIVATION_MODULES)


class FastMLP:
    """Trains a GraphModule in place; build with ``FastMLP.for_session`` or get None."""

    def __init__(self, model, features: FeatureMap | None, layers, data, loss: str, classes: int | None):
        """``data``: (x_train, y_train, x_test, y_test) tensors on the CPU."""
        self.model, self.loss, self.classes = model, loss, classes
        self.layers = layers  # [(W.T view (in, out), b view or None, activation or None)]
        # features are fixed functions of the points: compute them once, not per step
        with torch.no_grad():
            xs = [features(x) if features is not None else x for x in data[0::2]]
        self.splits = [
            (np.ascontiguousarray(x.numpy(), dtype=np.float32), self._targets(y.numpy()), y.numpy())
            for x, y in zip(xs, data[1::2])
        ]
        self.x, self.y, _ = self.splits[0]
        self.momentum: list[list[np.ndarray | None]] | None = None  # [W's, b's or None]

    def _targets(self, y: np.ndarray) -> np.ndarray:
        if self.loss == "cross_entropy":
            assert self.classes is not None  # a cross-entropy head on data has classes
            return np.eye(self.classes, dtype=np.float32)[y]
        if self.loss == "bce":
            return y.astype(np.float32).reshape(-1, 1)
        return y.astype(np.float32)

    def _forward(self, a: np.ndarray) -> np.ndarray:
        for w, b, act in self.layers:
            z = a @ w
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
        layers: list[list[Any]] = []  # [W, b or None, activation or None], filled as read
        for m in modules:
            if isinstance(m, nn.Linear):
                b = m.bias.detach().numpy() if m.bias is not None else None
                layers.append([m.weight.detach().numpy().T, b, None])  # a view: shared
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
        return cls(
            model,
            features,
            layers,
            (session.x_train, session.y_train, session.x_test, session.y_test),
            model.main.loss,
            model.classes,
        )

    def train_epoch(
        self,
        order: np.ndarray,
        batch: int,
        lr: float,
        weight: float,
        momentum: float,
        reg: str,
        reg_rate: float,
        max_steps: int | None,
    ) -> int:
        """Steps of the shared kernel (``engine.train.kernels.train_epoch``), K=1."""
        if momentum and self.momentum is None:
            self.momentum = [
                [np.zeros_like(w), None if b is None else np.zeros_like(b)] for w, b, _ in self.layers
            ]
        return train_epoch(
            self.layers,
            self.x,
            self.y,
            order,
            batch,
            loss=self.loss,
            weight=weight,
            lr=np.float32(lr),
            mu=np.float32(momentum),
            bufs=self.momentum if momentum else None,
            reg=None if reg == "none" else reg,
            rate=np.float32(reg_rate),
            max_steps=max_steps,
        )

    def train_in_chunks(
        self,
        order: np.ndarray,
        batch: int,
        lr: float,
        weight: float,
        momentum: float,
        reg: str,
        reg_rate: float,
        max_steps: int | None,
        *,
        between: Callable[[], None] | None = None,
    ) -> int:
        """``train_epoch`` in chunks of FAST_CHUNK mini-batches with ``between`` after
        each but the last, so that a huge epoch can be left between them (issue #14):
        an ``EpochAbandoned`` from ``between`` carries the steps taken in ``steps``."""
        chunk = FAST_CHUNK * batch if between is not None else max(1, len(order))
        done = 0
        try:
            for start in range(0, len(order), chunk):
                left = None if max_steps is None else max_steps - done
                if left is not None and left <= 0:
                    break
                part = order[start : start + chunk]
                done += self.train_epoch(part, batch, lr, weight, momentum, reg, reg_rate, left)
                if between is not None and start + chunk < len(order):
                    between()
        except EpochAbandoned as err:
            err.steps = done
            raise
        return done
