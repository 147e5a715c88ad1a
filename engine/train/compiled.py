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

from engine.train.compiled_optim import step_lane as _step_lane
from engine.train.kernel_codes import (  # noqa: F401 - the kernels' codes, under their old names
    ACTIVATION_CODES,
    LOSS_CODES,
    METRICS,
    OPTIMIZER_CODES,
    REG_CODES,
    STATE_KEYS,
)

_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@njit(nogil=True, cache=True, inline="always")
def _sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@njit(nogil=True, cache=True, inline="always")
def _act(code, z):
    if code == 0:
        return z
    if code == 1:
        return 1.0 if z > 0 else 0.0
    if code == 2:
        return _sigmoid(z)
    if code == 3:  # as exact as float32 needs, three times as fast as libm's tanh
        return 1.0 - 2.0 / (math.exp(2.0 * z) + 1.0)
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


@njit(nogil=True, cache=True, inline="always")
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


@njit(nogil=True, cache=True, inline="always")
def _forward(flat, k, x, rows, r0, n, acts, n_in, n_out, w_off, b_off, w_io, zs, outs):
    """Rows rows[r0:r0+n] of x through lane k, layer by layer with the samples
    innermost (loops the compiler unrolls and vectorizes): zs[li, j, s]
    pre-activations, outs[li+1, j, s] outputs, outs[0] the input."""
    for s in range(n):
        row = rows[r0 + s]
        for i in range(n_in[0]):
            outs[0, i, s] = x[row, i]
    for li in range(len(n_in)):
        code = acts[k, li]
        nin, nout = n_in[li], n_out[li]
        base = w_off[li] + k * nin * nout
        step_j, step_i = (1, nout) if w_io else (nin, 1)
        for j in range(nout):
            b = float(flat[b_off[li] + k * nout + j]) if b_off[li] >= 0 else 0.0
            for s in range(n):
                zs[li, j, s] = b
            at = base + j * step_j
            for i in range(nin):
                w = float(flat[at + i * step_i])
                for s in range(n):
                    zs[li, j, s] += w * outs[li, i, s]
            for s in range(n):
                outs[li + 1, j, s] = _act(code, zs[li, j, s])


@njit(nogil=True, cache=True, inline="always")
def _sample_loss(loss, outs, last, y, row, s, width):
    """The loss of sample s's raw outputs outs[last, :, s] against its target y[row]
    (averaged over the outputs for mse and l1)."""
    if loss == 0:
        z = outs[last, 0, s]
        return max(z, 0.0) - z * y[row, 0] + math.log1p(math.exp(-abs(z)))
    if loss == 1:
        top = outs[last, 0, s]
        for j in range(1, width):
            top = max(top, outs[last, j, s])
        tot = 0.0
        for j in range(width):
            tot += math.exp(outs[last, j, s] - top)
        lse = top + math.log(tot)
        t = 0.0
        for j in range(width):
            t += y[row, j] * outs[last, j, s]
        return lse - t
    tot = 0.0
    for j in range(width):
        d = outs[last, j, s] - y[row, j]
        tot += d * d if loss == 2 else abs(d)
    return tot / width


@njit(nogil=True, cache=True, inline="always")
def _right(loss, outs, last, label, s, width):
    """1.0 where sample s's class is predicted (bce, cross_entropy), else 0."""
    if loss == 0:
        return 1.0 if (outs[last, 0, s] > 0) == (label == 1) else 0.0
    best = 0
    for j in range(1, width):
        if outs[last, j, s] > outs[last, best, s]:
            best = j
    return 1.0 if best == label else 0.0


@njit(nogil=True, cache=True)
def _buffers(n_in, n_out, n):
    width = max(np.max(n_in), np.max(n_out))
    layers = len(n_in)
    return np.empty((layers, width, n)), np.empty((layers + 1, width, n))


@njit(nogil=True, cache=True)
def evaluate(flat, acts, n_in, n_out, w_off, b_off, w_io, loss, weight, x, y, labels, active, metrics, col):
    """Mean loss (times ``weight``, unregularized) and accuracy of every lane on (x, y)
    into metrics[k, col] and metrics[k, col+1]; NaN for inactive lanes."""
    layers, k_lanes, n = len(n_in), acts.shape[0], x.shape[0]
    chunk = min(n, 256)
    zs, outs = _buffers(n_in, n_out, chunk)
    rows = np.arange(n)
    last = n_out[layers - 1]
    for k in range(k_lanes):
        if not active[k]:
            metrics[k, col] = np.nan
            metrics[k, col + 1] = np.nan
            continue
        total, right = 0.0, 0.0
        for r0 in range(0, n, chunk):
            m = min(chunk, n - r0)
            _forward(flat, k, x, rows, r0, m, acts, n_in, n_out, w_off, b_off, w_io, zs, outs)
            for s in range(m):
                total += _sample_loss(loss, outs, layers, y, r0 + s, s, last)
                if loss <= 1:
                    right += _right(loss, outs, layers, labels[r0 + s], s, last)
        metrics[k, col] = weight * total / n
        metrics[k, col + 1] = right / n if loss <= 1 else np.nan


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
    zs, outs = _buffers(n_in, n_out, batch)
    delta = np.empty((outs.shape[1], batch))
    back = np.empty((outs.shape[1], batch))
    grad = np.zeros(len(flat))
    last = n_out[layers - 1]
    done = 0
    for start in range(0, n, batch):
        if max_steps >= 0 and done >= max_steps:
            break
        m = min(batch, n - start)
        scale = weight / m
        if loss >= 2:
            scale /= last
        grad[:] = 0.0  # lanes write disjoint parts
        for k in range(k_lanes):
            if not active[k]:
                continue
            _forward(flat, k, x, order, start, m, acts, n_in, n_out, w_off, b_off, w_io, zs, outs)
            for s in range(m):
                row = order[start + s]
                if loss == 0:
                    delta[0, s] = (_sigmoid(outs[layers, 0, s]) - y[row, 0]) * scale
                elif loss == 1:
                    top = outs[layers, 0, s]
                    for j in range(1, last):
                        top = max(top, outs[layers, j, s])
                    tot = 0.0
                    for j in range(last):
                        delta[j, s] = math.exp(outs[layers, j, s] - top)
                        tot += delta[j, s]
                    for j in range(last):
                        delta[j, s] = (delta[j, s] / tot - y[row, j]) * scale
                else:
                    for j in range(last):
                        d = outs[layers, j, s] - y[row, j]
                        if loss == 2:
                            delta[j, s] = 2.0 * d * scale
                        else:
                            delta[j, s] = (1.0 if d > 0 else (-1.0 if d < 0 else 0.0)) * scale
            for li in range(layers - 1, -1, -1):
                code = acts[k, li]
                nin, nout = n_in[li], n_out[li]
                if code != 0:
                    for j in range(nout):
                        for s in range(m):
                            delta[j, s] *= _act_grad(code, zs[li, j, s], outs[li + 1, j, s])
                if b_off[li] >= 0:
                    for j in range(nout):
                        g = 0.0
                        for s in range(m):
                            g += delta[j, s]
                        grad[b_off[li] + k * nout + j] += g
                base = w_off[li] + k * nin * nout
                step_j, step_i = (1, nout) if w_io else (nin, 1)
                if li:
                    for i in range(nin):
                        for s in range(m):
                            back[i, s] = 0.0
                for j in range(nout):
                    at = base + j * step_j
                    for i in range(nin):
                        g = 0.0
                        for s in range(m):
                            g += delta[j, s] * outs[li, i, s]
                        grad[at + i * step_i] += g
                        if li:
                            w = float(flat[at + i * step_i])
                            for s in range(m):
                                back[i, s] += w * delta[j, s]
                if li:
                    for i in range(nin):
                        for s in range(m):
                            delta[i, s] = back[i, s]
            steps[k] += 1
            _step_lane(
                flat, grad, s1, s2, k, steps[k], opt[k], lr[k], reg, rate[k], n_in, n_out, w_off, b_off
            )
        done += 1
    return done


@njit(nogil=True, cache=True)
def train_and_evaluate(
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
    labels,
    xt,
    yt,
    labels_t,
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
    metrics,
):
    """``train_epoch``, then every lane's train and test metrics (columns as METRICS),
    all in one call: one dispatch and one release of the GIL per epoch."""
    done = train_epoch(
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
    )
    evaluate(flat, acts, n_in, n_out, w_off, b_off, w_io, loss, weight, x, y, labels, active, metrics, 0)
    evaluate(flat, acts, n_in, n_out, w_off, b_off, w_io, loss, weight, xt, yt, labels_t, active, metrics, 2)
    return done


@njit(nogil=True, cache=True)
def forward_all(flat, k, acts, n_in, n_out, w_off, b_off, w_io, x, zs_out, outs_out):
    """Lane k over every row of x: zs_out[li, j, s] pre-activations and outs_out[li, j, s]
    outputs (outs_out[0] the input), for the boundary and the neuron maps."""
    _forward(
        flat,
        k,
        x,
        np.arange(x.shape[0]),
        0,
        x.shape[0],
        acts,
        n_in,
        n_out,
        w_off,
        b_off,
        w_io,
        zs_out,
        outs_out,
    )


from engine.train.kernel_cache import key_on_sources  # noqa: E402 - the kernels inline compiled_optim

key_on_sources(globals(), "engine.train.compiled_optim")
