"""The compiled kernel (``engine.train.compiled``) bound to a session's network.

``CompiledChain`` moves the parameters of a dense chain into one flat float32
buffer and points the torch tensors at it (``tensor.data`` becomes a view), so the
torch model stays the one source of truth: probes, saving, weight edits and the
autograd path see every update at once. K lanes (compare mode's variants) sit
inside each parameter's block, as the stacked (K, in, out) tensors hold them.
``CompiledMLP.for_session`` takes a ``Session``'s plain perceptron with any
activation, loss, regularizer and optimizer the playground offers, or gives None.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from engine.builder.layers import FeatureMap, Sine, Step
from engine.train import compiled
from engine.train.compiled import ACTIVATION_CODES, LOSS_CODES, OPTIMIZER_CODES, REG_CODES, STATE_KEYS

kernel: Any = compiled  # numba's dispatchers take any arguments; mypy reads them as taking none
_MODULE_ACTS = {
    nn.Identity: "linear",
    Step: "step",
    nn.Sigmoid: "sigmoid",
    nn.Tanh: "tanh",
    nn.ReLU: "relu",
    nn.LeakyReLU: "leaky_relu",
    nn.ELU: "elu",
    nn.GELU: "gelu",
    nn.SiLU: "silu",
    Sine: "sine",
}


def _int64(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


class CompiledChain:
    """A dense chain's parameters in one flat buffer, and the kernel's arguments.

    ``dense``: per Dense layer (weight tensor, bias tensor or None); weights are
    (out, in) per lane, or (K, in, out) with ``w_io``; biases hold ``n_out`` per lane.
    ``acts``: (K, layers) activation names after each Dense ("linear": none).
    ``splits``: (x, y) of train and test, x already through the features.
    """

    def __init__(self, dense, w_io: bool, acts, splits, loss: str, classes: int | None):
        self.k = len(acts)
        self.w_io = w_io
        params = [t for w, b in dense for t in (w, b) if t is not None]
        self.flat = np.empty(sum(p.numel() for p in params), np.float32)
        offsets, at = {}, 0
        for p in params:
            n = p.numel()
            view = self.flat[at : at + n]
            view[:] = p.detach().cpu().reshape(-1).numpy()
            p.data = torch.from_numpy(view).view(p.shape)  # torch now reads and writes the buffer
            offsets[id(p)], at = at, at + n
        self.params = params
        per_lane = [w.numel() // self.k for w, _ in dense]
        if w_io:
            self.n_in, self.n_out = (
                _int64([w.shape[1] for w, _ in dense]),
                _int64([w.shape[2] for w, _ in dense]),
            )
        else:
            self.n_out, self.n_in = (
                _int64([w.shape[0] for w, _ in dense]),
                _int64([w.shape[1] for w, _ in dense]),
            )
        assert list(self.n_in * self.n_out) == per_lane
        self.w_off = _int64([offsets[id(w)] for w, _ in dense])
        self.b_off = _int64([-1 if b is None else offsets[id(b)] for _, b in dense])
        self.acts = _int64([[ACTIVATION_CODES[a] for a in lane] for lane in acts])
        self.loss = LOSS_CODES[loss]
        self.s1, self.s2 = np.zeros_like(self.flat), np.zeros_like(self.flat)
        self.steps = np.zeros(self.k, np.int64)
        self.active = np.ones(self.k, np.bool_)
        self.metrics = np.zeros((self.k, 4))
        self.data = [self._shaped(x, y, loss, classes) for x, y in splits]

    @staticmethod
    def _shaped(x: np.ndarray, y: np.ndarray, loss: str, classes: int | None):
        """(features, target rows, class labels) as the kernel reads them."""
        x = np.ascontiguousarray(x, dtype=np.float32)
        if loss == "cross_entropy":
            assert classes is not None  # a cross-entropy head on data has classes
            rows = np.eye(classes, dtype=np.float32)[y]
        else:
            rows = np.ascontiguousarray(y, dtype=np.float32).reshape(len(y), -1)
        labels = y.astype(np.int64) if loss in ("bce", "cross_entropy") else np.zeros(len(y), np.int64)
        return x, rows, labels

    def _args(self):
        return (self.acts, self.n_in, self.n_out, self.w_off, self.b_off, self.w_io)

    def train_epoch(self, order, batch, max_steps, weight, lr, opt, reg, rate) -> int:
        """Steps over the training data in ``order``, then every lane's metrics
        (``self.metrics``, columns as ``engine.train.compiled.METRICS``)."""
        (x, y, labels), (xt, yt, labels_t) = self.data
        done = kernel.train_and_evaluate(
            self.flat,
            self.s1,
            self.s2,
            self.steps,
            *self._args(),
            x,
            y,
            labels,
            xt,
            yt,
            labels_t,
            order,
            batch,
            -1 if max_steps is None else max_steps,
            self.loss,
            float(weight),
            lr,
            opt,
            reg,
            rate,
            self.active,
            self.metrics,
        )
        return int(done)

    def evaluate(self, weight: float) -> np.ndarray:
        for col, (x, y, labels) in zip((0, 2), self.data):
            kernel.evaluate(
                self.flat,
                *self._args(),
                self.loss,
                float(weight),
                x,
                y,
                labels,
                self.active,
                self.metrics,
                col,
            )
        return self.metrics

    def forward(self, k: int, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lane k over the rows of x (through the features already): (layers, width, N)
        pre-activations and (layers + 1, width, N) outputs, for probes."""
        width = int(max(self.n_in.max(), self.n_out.max()))
        layers = len(self.n_in)
        zs = np.zeros((layers, width, len(x)))
        outs = np.zeros((layers + 1, width, len(x)))
        kernel.forward_all(self.flat, k, *self._args(), np.ascontiguousarray(x, np.float32), zs, outs)
        return zs, outs


class CompiledMLP:
    """A ``Session``'s plain perceptron on the compiled kernel (K=1)."""

    path = "compiled kernel"

    def __init__(self, session, features, dense, acts, node_ids, features_id=None):
        model = session.model
        with torch.no_grad():
            xs = [features(x) if features is not None else x for x in (session.x_train, session.x_test)]
        splits = [(x.numpy(), y.numpy()) for x, y in zip(xs, (session.y_train, session.y_test))]
        self.chain = CompiledChain(dense, False, [acts], splits, model.main.loss, model.classes)
        self.features, self.features_id = features, features_id
        self.node_ids = node_ids  # per Dense layer: (dense node id, activation node id or None)
        self.optimizer = session.project.train.optimizer
        self._opt = np.full(1, OPTIMIZER_CODES[self.optimizer], np.int64)
        self.import_state(session.optimizer)

    @classmethod
    def for_session(cls, session) -> CompiledMLP | None:
        model, t = session.model, session.project.train
        if session.device.type != "cpu" or t.optimizer not in OPTIMIZER_CODES:
            return None
        if not model.plain_chain or len(model.inputs) != 1 or model.main.loss not in LOSS_CODES:
            return None
        features, features_id = None, None
        dense: list[tuple] = []
        acts: list[str] = []
        ids: list[list] = []
        for node_id, _, _ in model.steps:
            m = model.layers[node_id]
            if isinstance(m, FeatureMap) and not dense and features is None:
                features, features_id = m, node_id
            elif isinstance(m, nn.Linear):
                dense.append((m.weight, m.bias))
                acts.append("linear")
                ids.append([node_id, None])
            elif type(m) in _MODULE_ACTS and dense and acts[-1] == "linear" and ids[-1][1] is None:
                if isinstance(m, nn.LeakyReLU) and m.negative_slope != 0.01:
                    return None
                if (
                    isinstance(m, nn.ELU)
                    and m.alpha != 1.0
                    or isinstance(m, nn.GELU)
                    and m.approximate != "none"
                ):
                    return None
                acts[-1] = _MODULE_ACTS[type(m)]
                ids[-1][1] = node_id
            else:
                return None
        if not dense or ids[-1][1] is not None:  # the head must be a plain Dense
            return None
        return cls(session, features, dense, acts, [tuple(i) for i in ids], features_id)

    @classmethod
    def take_over(cls, session) -> CompiledMLP | None:
        """For a session training on the numpy or autograd path: the compiled path,
        starting from the state the old path's optimizer built up (or None)."""
        old = session._fast
        if getattr(old, "momentum", None) is not None:  # the numpy path's buffers, (in, out)
            linear = [session.model.layers[n] for n, _, _ in session.model.steps]
            linear = [m for m in linear if isinstance(m, nn.Linear)]
            for m, (w_buf, b_buf) in zip(linear, old.momentum):
                session.optimizer.state[m.weight]["momentum_buffer"] = torch.from_numpy(w_buf.T.copy())
                if b_buf is not None:
                    session.optimizer.state[m.bias]["momentum_buffer"] = torch.from_numpy(b_buf.copy())
        return cls.for_session(session)

    # -- torch's optimizer state, for paths that take over from or hand over to torch
    def import_state(self, optimizer) -> None:
        """Start from the torch optimizer's state (a run that began on another path)."""
        keys = STATE_KEYS[self.optimizer]
        c = self.chain
        for p in c.params:
            state = optimizer.state.get(p)
            if not state:
                continue
            start = self._offset(p)
            for key, buf in zip(keys, (c.s1, c.s2)):
                if state.get(key) is not None:
                    buf[start : start + p.numel()] = state[key].detach().cpu().reshape(-1).numpy()
            if "step" in state:
                c.steps[0] = int(float(state["step"]))

    def export_state(self, optimizer) -> None:
        """Write the kernel's optimizer state into the torch optimizer."""
        c = self.chain
        if c.steps[0] == 0 or self.optimizer == "sgd":
            return
        keys = STATE_KEYS[self.optimizer]
        for p in c.params:
            start = self._offset(p)
            state = {
                key: torch.from_numpy(buf[start : start + p.numel()].copy()).view(p.shape)
                for key, buf in zip(keys, (c.s1, c.s2))
            }
            if self.optimizer not in ("sgd", "momentum"):
                state["step"] = torch.tensor(float(c.steps[0]))
            optimizer.state[p] = state

    def _offset(self, p: torch.Tensor) -> int:
        return (p.data_ptr() - self.chain.flat.ctypes.data) // 4

    # -- the session's calls
    def train_epoch(self, order, batch, lr, weight, reg, reg_rate, max_steps) -> tuple[int, dict[str, float]]:
        c = self.chain
        done = c.train_epoch(
            order,
            batch,
            max_steps,
            weight,
            np.full(1, lr),
            self._opt,
            REG_CODES[reg] if reg_rate else 0,
            np.full(1, reg_rate),
        )
        return done, self._metrics(c.metrics)

    def evaluate(self, weight: float) -> dict[str, float]:
        return self._metrics(self.chain.evaluate(weight))

    @staticmethod
    def _metrics(m: np.ndarray) -> dict[str, float]:
        return {name: float(v) for name, v in zip(kernel.METRICS, m[0])}
