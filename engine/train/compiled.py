"""The compiled training kernel for dense feed-forward chains (numba, no GIL).

One call trains a whole epoch of mini-batch steps for K variants (K=1: one
network), then evaluates every variant's train and test loss and accuracy. At
playground sizes (a 2-4-2-1 net, batches of 10) numpy's per-call overhead is the
whole cost of a step; here a step is a few hundred flops of plain loops.

Parameters live in one flat float32 buffer that the torch tensors view (see
``engine.train.compiled_mlp``). Layer l's weight block starts at ``w_off[l]`` and
holds K lanes of ``n_in*n_out`` values each, laid out (out, in) as ``nn.Linear``
keeps them, or (in, out) with ``w_io`` (compare mode's stacked tensors); its bias
block at ``b_off[l]`` (-1: none) holds K lanes of ``n_out``. Optimizer state lives
in buffers shaped as the parameters, and follows torch's optimizers at their
defaults exactly (``engine.train.optim``). Every lane reads and writes only itself.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# codes, in the order the catalogue and settings name them
ACTIVATION_CODES = {
    "linear": 0,
    "step": 1,
    "sigmoid": 2,
    "tanh": 3,
    "relu": 4,
    "leaky_relu": 5,
    "elu": 6,
    "gelu": 7,
    "silu": 8,
    "sine": 9,
}
LOSS_CODES = {"bce": 0, "cross_entropy": 1, "mse": 2, "l1": 3}
OPTIMIZER_CODES = {"sgd": 0, "momentum": 1, "rmsprop": 2, "adam": 3, "adagrad": 4, "adadelta": 5, "rprop": 6}
REG_CODES = {"none": 0, "l1": 1, "l2": 2}
# the torch optimizer state each buffer mirrors ("step" is the lane's step count)
STATE_KEYS = {
    "sgd": (),
    "momentum": ("momentum_buffer",),
    "rmsprop": ("square_avg",),
    "adam": ("exp_avg", "exp_avg_sq"),
    "adagrad": ("sum",),
    "adadelta": ("square_avg", "acc_delta"),
    "rprop": ("prev", "step_size"),
}
METRICS = ("train_loss", "train_acc", "test_loss", "test_acc")  # columns of the metrics array
_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@njit(nogil=True, cache=True, inline="always")
def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@njit(nogil=True, cache=True)
def _act(code, z):
    if code == 0:
        return z
    if code == 1:
        return 1.0 if z > 0 else 0.0
    if code == 2:
        return _sigmoid(z)
    if code == 3:
        return math.tanh(z)
    if code == 4:
        return z if z > 0 else 0.0
    if code == 5:
        return z if z > 0 else 0.01 * z
    if code == 6:
        return z if z > 0 else math.expm1(z)
    if code == 7:
        return 0.5 * z * (1.0 + math.erf(z * _SQRT1_2))
    if code == 8:
        return z * _sigmoid(z)
    return math.sin(z)


@njit(nogil=True, cache=True)
def _act_grad(code, z, a):
    """d a / d z given the input z and the output a (step: straight through)."""
    if code <= 1:
        return 1.0
    if code == 2:
        return a * (1.0 - a)
    if code == 3:
        return 1.0 - a * a
    if code == 4:
        return 1.0 if z > 0 else 0.0
    if code == 5:
        return 1.0 if z > 0 else 0.01
    if code == 6:
        return 1.0 if z > 0 else a + 1.0
    if code == 7:
        return 0.5 * (1.0 + math.erf(z * _SQRT1_2)) + z * math.exp(-0.5 * z * z) * _INV_SQRT_2PI
    if code == 8:
        s = _sigmoid(z)
        return s * (1.0 + z * (1.0 - s))
    return math.cos(z)


@njit(nogil=True, cache=True)
def _w_index(li, k, i, j, n_in, n_out, w_off, w_io):
    """Flat index of lane k's weight from input i to output j of layer li."""
    base = w_off[li] + k * n_in[li] * n_out[li]
    if w_io:
        return base + i * n_out[li] + j
    return base + j * n_in[li] + i


@njit(nogil=True, cache=True)
def _forward(flat, k, x, acts, n_in, n_out, w_off, b_off, w_io, zs, outs):
    """One sample through lane k: zs[li, j] pre-activations, outs[li+1, j] outputs,
    outs[0] the input."""
    layers = len(n_in)
    for i in range(n_in[0]):
        outs[0, i] = x[i]
    for li in range(layers):
        code = acts[k, li]
        for j in range(n_out[li]):
            s = 0.0
            if b_off[li] >= 0:
                s = np.float64(flat[b_off[li] + k * n_out[li] + j])
            for i in range(n_in[li]):
                s += flat[_w_index(li, k, i, j, n_in, n_out, w_off, w_io)] * outs[li, i]
            zs[li, j] = s
            outs[li + 1, j] = _act(code, s)


@njit(nogil=True, cache=True)
def _sample_loss(loss, out, y, width):
    """The loss of one sample's raw outputs ``out`` against its target row ``y``
    (not yet averaged over the outputs for mse and l1)."""
    if loss == 0:
        z = out[0]
        return max(z, 0.0) - z * y[0] + math.log1p(math.exp(-abs(z)))
    if loss == 1:
        top = out[0]
        for j in range(1, width):
            top = max(top, out[j])
        s = 0.0
        for j in range(width):
            s += math.exp(out[j] - top)
        lse = top + math.log(s)
        t = 0.0
        for j in range(width):
            t += y[j] * out[j]
        return lse - t
    s = 0.0
    for j in range(width):
        d = out[j] - y[j]
        s += d * d if loss == 2 else abs(d)
    return s / width


@njit(nogil=True, cache=True)
def _right(loss, out, label, width):
    """1.0 where the sample's class is predicted (bce, cross_entropy), else 0."""
    if loss == 0:
        return 1.0 if (out[0] > 0) == (label == 1) else 0.0
    best = 0
    for j in range(1, width):
        if out[j] > out[best]:
            best = j
    return 1.0 if best == label else 0.0


@njit(nogil=True, cache=True)
def evaluate(flat, acts, n_in, n_out, w_off, b_off, w_io, loss, weight, x, y, labels, active, metrics, col):
    """Mean loss (times ``weight``, unregularized) and accuracy of every lane on (x, y)
    into metrics[k, col] and metrics[k, col+1]; NaN for inactive lanes."""
    layers, k_lanes = len(n_in), acts.shape[0]
    width = max(np.max(n_in), np.max(n_out))
    zs = np.empty((layers, width))
    outs = np.empty((layers + 1, width))
    last = n_out[layers - 1]
    for k in range(k_lanes):
        if not active[k]:
            metrics[k, col] = np.nan
            metrics[k, col + 1] = np.nan
            continue
        total, right = 0.0, 0.0
        for s in range(x.shape[0]):
            _forward(flat, k, x[s], acts, n_in, n_out, w_off, b_off, w_io, zs, outs)
            total += _sample_loss(loss, outs[layers], y[s], last)
            if loss <= 1:
                right += _right(loss, outs[layers], labels[s], last)
        metrics[k, col] = weight * total / x.shape[0]
        metrics[k, col + 1] = right / x.shape[0] if loss <= 1 else np.nan


@njit(nogil=True, cache=True)
def _step_lane(flat, grad, s1, s2, k, step, opt, lr, reg, rate, n_in, n_out, w_off, b_off):
    """Apply lane k's gradient (and the regularizer's) to its parameters."""
    b1, b2 = 0.9, 0.999
    bc1 = 1.0 - b1**step
    bc2 = 1.0 - b2**step
    for li in range(len(n_in)):
        size = n_in[li] * n_out[li]
        for part in range(2):
            if part == 0:
                start, count = w_off[li] + k * size, size
            elif b_off[li] >= 0:
                start, count = b_off[li] + k * n_out[li], n_out[li]
            else:
                continue
            for idx in range(start, start + count):
                p = float(flat[idx])
                g = float(np.float32(grad[idx]))
                if part == 0 and reg == 1:
                    g += rate * (1.0 if p > 0 else (-1.0 if p < 0 else 0.0))
                elif part == 0 and reg == 2:
                    g += rate * p
                g = float(np.float32(g))
                if opt == 0:
                    p -= lr * g
                elif opt == 1:
                    m = np.float32(0.9 * s1[idx] + g)
                    s1[idx] = m
                    p -= lr * m
                elif opt == 2:
                    sq = np.float32(0.99 * s1[idx] + 0.01 * g * g)
                    s1[idx] = sq
                    p -= lr * g / (math.sqrt(sq) + 1e-8)
                elif opt == 3:
                    m = np.float32(s1[idx] + (g - s1[idx]) * (1.0 - b1))
                    v = np.float32(b2 * s2[idx] + (1.0 - b2) * g * g)
                    s1[idx], s2[idx] = m, v
                    p -= (lr / bc1) * m / (math.sqrt(v) / math.sqrt(bc2) + 1e-8)
                elif opt == 4:
                    acc = np.float32(s1[idx] + g * g)
                    s1[idx] = acc
                    p -= lr * g / (math.sqrt(acc) + 1e-10)
                elif opt == 5:
                    sq = np.float32(0.9 * s1[idx] + 0.1 * g * g)
                    s1[idx] = sq
                    delta = math.sqrt(s2[idx] + 1e-6) / math.sqrt(sq + 1e-6) * g
                    s2[idx] = np.float32(0.9 * s2[idx] + 0.1 * delta * delta)
                    p -= lr * delta
                else:
                    if step == 1:
                        s2[idx] = lr  # torch fills the step sizes with the learning rate
                    prod = g * s1[idx]
                    size_now = float(s2[idx])
                    if prod > 0:
                        size_now = min(size_now * 1.2, 50.0)
                    elif prod < 0:
                        size_now = max(size_now * 0.5, 1e-6)
                        g = 0.0
                    s2[idx] = np.float32(size_now)
                    s1[idx] = np.float32(g)
                    p -= (1.0 if g > 0 else (-1.0 if g < 0 else 0.0)) * np.float64(s2[idx])
                flat[idx] = np.float32(p)


@njit(nogil=True, cache=True)
def train_epoch(
    flat,
    s1,
    s2,
    steps,
    acts,
    n_in,
    n_out,
    w_off,
    b_off,
    w_io,
    x,
    y,
    order,
    batch,
    max_steps,
    loss,
    weight,
    lr,
    opt,
    reg,
    rate,
    active,
):
    """Mini-batch steps over x[order] for every active lane, in place; returns how many
    steps (max_steps < 0: the whole pass)."""
    layers, k_lanes, n = len(n_in), acts.shape[0], len(order)
    width = max(np.max(n_in), np.max(n_out))
    zs = np.empty((layers, width))
    outs = np.empty((layers + 1, width))
    delta = np.empty(width)
    back = np.empty(width)
    grad = np.zeros(len(flat))
    last = n_out[layers - 1]
    done = 0
    for start in range(0, n, batch):
        if max_steps >= 0 and done >= max_steps:
            break
        stop = min(start + batch, n)
        scale = weight / (stop - start)
        if loss >= 2:
            scale /= last
        grad[:] = 0.0  # lanes write disjoint parts
        for k in range(k_lanes):
            if not active[k]:
                continue
            for s in range(start, stop):
                row = order[s]
                _forward(flat, k, x[row], acts, n_in, n_out, w_off, b_off, w_io, zs, outs)
                out = outs[layers]
                if loss == 0:
                    delta[0] = (_sigmoid(out[0]) - y[row, 0]) * scale
                elif loss == 1:
                    top = out[0]
                    for j in range(1, last):
                        top = max(top, out[j])
                    tot = 0.0
                    for j in range(last):
                        delta[j] = math.exp(out[j] - top)
                        tot += delta[j]
                    for j in range(last):
                        delta[j] = (delta[j] / tot - y[row, j]) * scale
                else:
                    for j in range(last):
                        d = out[j] - y[row, j]
                        if loss == 2:
                            delta[j] = 2.0 * d * scale
                        else:
                            delta[j] = (1.0 if d > 0 else (-1.0 if d < 0 else 0.0)) * scale
                for li in range(layers - 1, -1, -1):
                    code = acts[k, li]
                    if code != 0:
                        for j in range(n_out[li]):
                            delta[j] *= _act_grad(code, zs[li, j], outs[li + 1, j])
                    for j in range(n_out[li]):
                        if b_off[li] >= 0:
                            grad[b_off[li] + k * n_out[li] + j] += delta[j]
                    for i in range(n_in[li]):
                        acc = 0.0
                        for j in range(n_out[li]):
                            wi = _w_index(li, k, i, j, n_in, n_out, w_off, w_io)
                            grad[wi] += delta[j] * outs[li, i]
                            acc += flat[wi] * delta[j]
                        back[i] = acc
                    if li:
                        for i in range(n_in[li]):
                            delta[i] = back[i]
            steps[k] += 1
            _step_lane(
                flat, grad, s1, s2, k, steps[k], opt[k], lr[k], reg, rate[k], n_in, n_out, w_off, b_off
            )
        done += 1
    return done


@njit(nogil=True, cache=True)
def forward_all(flat, k, acts, n_in, n_out, w_off, b_off, w_io, x, zs_out, outs_out):
    """Lane k over every row of x: zs_out[li, s, j] pre-activations and outs_out[li, s, j]
    outputs (outs_out[0] the input), for the boundary and the neuron maps."""
    layers = len(n_in)
    width = max(np.max(n_in), np.max(n_out))
    zs = np.empty((layers, width))
    outs = np.empty((layers + 1, width))
    for s in range(x.shape[0]):
        _forward(flat, k, x[s], acts, n_in, n_out, w_off, b_off, w_io, zs, outs)
        for li in range(layers):
            for j in range(n_out[li]):
                zs_out[li, s, j] = zs[li, j]
                outs_out[li + 1, s, j] = outs[li + 1, j]
        for i in range(n_in[0]):
            outs_out[0, s, i] = outs[0, i]
