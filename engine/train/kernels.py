"""Batched numpy kernels: one training step for K variants of a layered perceptron.

The batched sibling of ``engine.train.fast_mlp`` (whose activation functions and
gradients it shares), used by ``engine.train.compare.CompareSession`` on the CPU.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.train.fast_mlp import _act, _act_grad, _sigmoid

FAST_ACTIVATIONS = ("linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu", "sine")
OPTIMIZERS = {"sgd": 0.0, "momentum": 0.9}  # name -> momentum factor, as engine.train.optim


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
        self.bufs = [[np.zeros_like(w), None if b is None else np.zeros_like(b)]
                     for w, b, _ in layers] if self.momentum else None
        self.reg = cs._reg
        self.rate = lane([v.reg_rate for v in cs.variants])

    @classmethod
    def for_compare(cls, cs) -> FastBatch | None:
        if cs.device.type != "cpu" or cs.loss_kind not in ("bce", "cross_entropy", "mse"):
            return None
        features, layers = None, []
        for kind, item in cs._chain:
            if kind == "features":
                if layers:
                    return None
                features = item
            elif kind == "dense":
                b = cs.biases_t[item]
                layers.append([cs.weights_t[item].detach().numpy(),
                               None if b is None else b.detach().numpy(), None])
            else:
                if not layers or layers[-1][2] is not None or any(
                        f not in FAST_ACTIVATIONS for f in item):
                    return None
                names = list(dict.fromkeys(item))
                masks = [np.array([f == n for f in item]).reshape(-1, 1, 1) for n in names]
                layers[-1][2] = (names, masks)
        if not layers or layers[-1][2] is not None:  # the head must be a plain Dense
            return None
        return cls(cs, features, layers)

    @staticmethod
    def _act(plan, z):
        names, masks = plan
        out = _act(names[-1], z)
        for name, mask in zip(names[:-1], masks[:-1]):
            out = np.where(mask, _act(name, z), out)
        return out

    @staticmethod
    def _act_grad(plan, z, a, g):
        names, masks = plan
        out = _act_grad(names[-1], z, a, g)
        for name, mask in zip(names[:-1], masks[:-1]):
            out = np.where(mask, _act_grad(name, z, a, g), out)
        return out

    def freeze(self, k: int) -> None:
        self.lr[k] = 0.0  # the session has zeroed the lane's weights and momentum
        if self.bufs is not None:
            for pair in self.bufs:
                for buf in pair:
                    if buf is not None:
                        buf[k] = 0.0

    def train_epoch(self, order: np.ndarray, batch: int) -> None:
        layers, lr = self.layers, self.lr
        xs, ys = self.x[order], self.y[order]
        with np.errstate(all="ignore"):  # divergence is caught from the epoch's loss
            for start in range(0, len(order), batch):
                a, yb = xs[start:start + batch], ys[start:start + batch]
                trace = []
                for w, b, act in layers:
                    z = np.matmul(a, w)  # (B, in) or (K, B, in) @ (K, in, out)
                    if b is not None:
                        z += b
                    out = self._act(act, z) if act else z
                    trace.append((a, z, out))
                    a = out
                n = np.float32(self.weight / len(yb))
                if self.loss == "bce":
                    g = (_sigmoid(a) - yb) * n
                elif self.loss == "cross_entropy":
                    e = np.exp(a - a.max(2, keepdims=True))
                    g = (e / e.sum(2, keepdims=True) - yb) * n
                else:
                    g = (a - yb) * (2 * n / np.float32(a.shape[2]))
                for i in range(len(layers) - 1, -1, -1):
                    w, b, act = layers[i]
                    a_in, z, out = trace[i]
                    if act:
                        g = self._act_grad(act, z, out, g)
                    gw = np.matmul(a_in.swapaxes(-1, -2), g)
                    gb = g.sum(1, keepdims=True) if b is not None else None
                    if i:
                        g = np.matmul(g, w.swapaxes(1, 2))
                    if self.reg == "l2":
                        gw += self.rate * w
                    elif self.reg == "l1":
                        gw += self.rate * np.sign(w)
                    if self.momentum:
                        gw, gb = self._momentum(i, gw, gb)
                    w -= lr * gw
                    if b is not None:
                        b -= lr * gb

    def _momentum(self, i, gw, gb):
        pair = self.bufs[i]
        for j, g in enumerate((gw, gb)):
            if g is not None:
                pair[j] *= self.mu
                pair[j] += g
        return pair[0], pair[1]
