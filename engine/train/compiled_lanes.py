"""Compare mode's variants eight at a time, SIMD across the variants (issue #13).

``engine.train.compiled`` steps each lane on its own: at playground sizes (a
2-4-2-1 net, batches of 10) that is scalar work, so K lanes cost K times one. Here
the lanes sit innermost: every weight, activation and gradient is a row of
``LANES`` values, one per variant, computed as one tuple (``engine.train.lane_ops``)
that LLVM turns into packed vector instructions. Variants may differ in anything
that is a number per lane (learning rate, momentum, regularization rate, seed,
initializer) at no cost; where lanes' activations differ, each distinct function
runs over the row and every lane keeps its own (a select).

Arithmetic is float64 in the same order as the per-lane kernel, parameters and
optimizer state rounded to float32 after every update as torch stores them, so
both kernels give the same weights. Every optimizer of the per-lane kernel, one per
lane (``OPTIMIZERS``): each one present runs over the row and every lane keeps its
own, as with activations; adam's bias corrections and rprop's first step follow
each lane's own step count. ``train_and_evaluate`` packs each block of
eight lanes out of the flat buffer (the layout of ``engine.train.compiled``),
trains an epoch, measures every lane, and unpacks, in one call without the GIL.
numba leaves LLVM's SLP vectorizer off by default; ``compile`` turns it on for
this kernel alone while numba's compiler lock is held.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numba.core import config
from numba.core.compiler_lock import global_compiler_lock

from engine.train.lane_ops import (
    FUSED,
    LANES,
    abs_err,
    act_rows,
    act_rows_fused,
    add,
    bce_loss,
    bce_right,
    div,
    eq_label,
    fma,
    grad_rows,
    grad_rows_fused,
    l1_delta,
    ld,
    ld1,
    mse_delta,
    reg_grad,
    scale,
    sel,
    sel_gt,
    sigmoid_minus,
    splat,
    sq_err,
    st,
    sub,
    update_row,
    vexp,
    vlog,
    vmax,
)

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam", "adagrad", "adadelta", "rprop")  # all of compiled's
_OPTS: dict[str, Any] = dict(nogil=True, cache=True, boundscheck=False, error_model="numpy")


@njit(inline="always", **_OPTS)
def _forward(W, B, wo, bo, n_in, n_out, codes, present, x, order, r0, m, width, cap, zs, outs):
    """Rows order[r0:r0+m] of x through every lane; zs[(li*width+j)*cap+s] and
    outs[((li+1)*width+j)*cap+s] (outs' layer 0: the input, the same in every lane)."""
    for s in range(m):
        row = order[r0 + s]
        for i in range(n_in[0]):
            st(outs, i * cap + s, splat(float(x[row, i])))
    zero = splat(0.0)
    for li in range(len(n_in)):
        nin, nout = n_in[li], n_out[li]
        zb, ob = li * width * cap, (li + 1) * width * cap
        linear = present[li, 10] == 1 and present[li, 0] == 1
        fused = present[li, 10] == 0 and present[li, FUSED:10].sum() == 0  # mixed, all cheap: one pass
        lane_codes = ld(codes, li)
        for j in range(nout):
            b = ld(B, bo[li] + j) if bo[li] >= 0 else zero
            for s in range(m):
                acc = b
                for i in range(nin):
                    acc = fma(acc, ld(W, wo[li] + i * nout + j), ld(outs, zb + i * cap + s))
                q = j * cap + s
                st(zs, zb + q, acc)
                st(outs, ob + q, acc)  # linear lanes keep it
            if not linear and fused:
                act_rows_fused(lane_codes, present[li], zs, zb + j * cap, outs, ob + j * cap, m)
            elif not linear:
                for c in range(1, 10):
                    if present[li, c]:
                        act_rows(c, lane_codes, zs, zb + j * cap, outs, ob + j * cap, m)


@njit(**_OPTS)  # a call, not inlined: seven optimizers' code once rather than twice
def _update(P, G, A, S, live, oc, popt, lr, h1, h2, rate, r1, r2):
    """Every lane's optimizer on every row of P from its gradient row in G, state rows
    in A and S (frozen lanes keep theirs)."""
    for r in range(P.shape[0]):
        p, a, b = ld(P, r), ld(A, r), ld(S, r)
        g = reg_grad(p, ld(G, r), rate, r1, r2)
        new_p, new_a, new_b = update_row(oc, popt, p, g, a, b, lr, h1, h2)
        st(A, r, sel(live, new_a, a))
        st(S, r, sel(live, new_b, b))
        st(P, r, sel(live, new_p, p))


@njit(inline="always", **_OPTS)
def _backward(W, wo, bo, n_in, n_out, codes, present, width, cap, m, zs, outs, delta, back, GW, GB):
    """From delta (d loss / d head output) to every gradient row of GW and GB."""
    zero = splat(0.0)
    for li in range(len(n_in) - 1, -1, -1):
        nin, nout = n_in[li], n_out[li]
        zb, ib, ob = li * width * cap, li * width * cap, (li + 1) * width * cap
        if not (present[li, 10] == 1 and present[li, 0]):
            lane_codes = ld(codes, li)
            fused = present[li, 10] == 0 and present[li, FUSED:10].sum() == 0
            for j in range(nout):
                if fused:
                    grad_rows_fused(
                        lane_codes, present[li], delta, j * cap, zs, zb + j * cap, outs, ob + j * cap, m
                    )
                    continue
                for c in range(1, 10):  # linear lanes: times 1
                    if present[li, c]:
                        grad_rows(c, lane_codes, delta, j * cap, zs, zb + j * cap, outs, ob + j * cap, m)
        for j in range(nout):
            if bo[li] >= 0:
                g = zero
                for s in range(m):
                    g = add(g, ld(delta, j * cap + s))
                st(GB, bo[li] + j, g)
            for i in range(nin):
                g = zero
                for s in range(m):
                    g = fma(g, ld(delta, j * cap + s), ld(outs, ib + i * cap + s))
                st(GW, wo[li] + i * nout + j, g)
        if li == 0:
            break
        for i in range(nin):
            for s in range(m):
                acc = zero
                for j in range(nout):
                    acc = fma(acc, ld(W, wo[li] + i * nout + j), ld(delta, j * cap + s))
                st(back, i * cap + s, acc)
        for i in range(nin):
            for s in range(m):
                st(delta, i * cap + s, ld(back, i * cap + s))


@njit(inline="always", **_OPTS)
def _head_delta(loss, outs, ob, cap, s, y, row, last, sc, delta):
    """Sample s's d loss / d output of every lane into delta rows j*cap+s."""
    if loss == 0:
        st(delta, s, sigmoid_minus(ld(outs, ob + s), float(y[row, 0]), sc))
    elif loss == 1:
        top = ld(outs, ob + s)
        for j in range(1, last):
            top = vmax(top, ld(outs, ob + j * cap + s))
        t = splat(0.0)
        for j in range(last):
            e = vexp(sub(ld(outs, ob + j * cap + s), top))
            st(delta, j * cap + s, e)
            t = add(t, e)
        for j in range(last):
            p = div(ld(delta, j * cap + s), t)
            st(delta, j * cap + s, scale(sub(p, splat(float(y[row, j]))), sc))
    else:
        for j in range(last):
            z = ld(outs, ob + j * cap + s)
            d = mse_delta(z, float(y[row, j]), sc) if loss == 2 else l1_delta(z, float(y[row, j]), sc)
            st(delta, j * cap + s, d)


@njit(**_OPTS)
def _evaluate(W, B, wo, bo, n_in, n_out, codes, present, loss, x, y, labels, width, zs, outs, out):
    """Every lane's summed loss (out[0]) and right answers (out[1]) over (x, y)."""
    layers, n = len(n_in), x.shape[0]
    cap = zs.shape[0] // (layers * width)
    rows = np.arange(n)
    last, ob = n_out[layers - 1], layers * width * cap
    tot, right = splat(0.0), splat(0.0)
    for r0 in range(0, n, cap):
        m = min(cap, n - r0)
        _forward(W, B, wo, bo, n_in, n_out, codes, present, x, rows, r0, m, width, cap, zs, outs)
        for s in range(m):
            row = r0 + s
            z0 = ld(outs, ob + s)
            if loss == 0:
                tot = add(tot, bce_loss(z0, float(y[row, 0])))
                right = add(right, bce_right(z0, labels[row]))
            elif loss == 1:
                top, best, t = z0, splat(0.0), splat(0.0)
                for j in range(1, last):
                    v = ld(outs, ob + j * cap + s)
                    best = sel_gt(v, top, splat(float(j)), best)
                    top = vmax(top, v)
                lse = splat(0.0)
                for j in range(last):
                    v = ld(outs, ob + j * cap + s)
                    lse = add(lse, vexp(sub(v, top)))
                    t = fma(t, splat(float(y[row, j])), v)
                tot = add(tot, sub(add(top, vlog(lse)), t))
                right = add(right, eq_label(best, float(labels[row])))
            else:
                e = splat(0.0)
                for j in range(last):
                    z = ld(outs, ob + j * cap + s)
                    e = sq_err(e, z, float(y[row, j])) if loss == 2 else abs_err(e, z, float(y[row, j]))
                tot = add(tot, scale(e, 1.0 / last))
    st(out, 0, tot)
    st(out, 1, right)


@njit(**_OPTS)
def _pack(flat, k0, k_lanes, n_in, n_out, w_off, b_off, w_io, wo, bo, W, B):
    """Lanes k0.. of the flat layout into rows (lanes past the last stay zero)."""
    W[:] = 0.0
    B[:] = 0.0
    for li in range(len(n_in)):
        nin, nout = n_in[li], n_out[li]
        for kk in range(min(LANES, k_lanes - k0)):
            k = k0 + kk
            for i in range(nin):
                for j in range(nout):
                    at = w_off[li] + k * nin * nout + (i * nout + j if w_io else j * nin + i)
                    W[wo[li] + i * nout + j, kk] = flat[at]
            if b_off[li] >= 0:
                for j in range(nout):
                    B[bo[li] + j, kk] = flat[b_off[li] + k * nout + j]


@njit(**_OPTS)
def _unpack(flat, k0, k_lanes, n_in, n_out, w_off, b_off, w_io, wo, bo, W, B, active):
    for li in range(len(n_in)):
        nin, nout = n_in[li], n_out[li]
        for kk in range(min(LANES, k_lanes - k0)):
            k = k0 + kk
            if not active[k]:
                continue  # a frozen lane's buffer stays as the session left it
            for i in range(nin):
                for j in range(nout):
                    at = w_off[li] + k * nin * nout + (i * nout + j if w_io else j * nin + i)
                    flat[at] = W[wo[li] + i * nout + j, kk]
            if b_off[li] >= 0:
                for j in range(nout):
                    flat[b_off[li] + k * nout + j] = B[bo[li] + j, kk]


@njit(**_OPTS)
def _rows(n_in, n_out, b_off):
    """Row offsets of every layer's weights (in, out) and biases (-1: none)."""
    wo, bo = np.empty(len(n_in), np.int64), np.empty(len(n_in), np.int64)
    w_rows, b_rows = 0, 0
    for li in range(len(n_in)):
        wo[li] = w_rows
        w_rows += n_in[li] * n_out[li]
        bo[li] = b_rows if b_off[li] >= 0 else -1
        b_rows += n_out[li] if b_off[li] >= 0 else 0
    return wo, bo, w_rows, b_rows


@njit(**_OPTS)
def _kernel(
    flat, s1, s2, steps, acts, n_in, n_out, w_off, b_off, w_io, x, y, labels, xt, yt, labels_t,
    order, batch, loss, weight, lr, opt, reg, rate, active, metrics,
):  # fmt: skip
    layers, k_lanes, n = len(n_in), acts.shape[0], len(order)
    width = max(np.max(n_in), np.max(n_out))
    last = n_out[layers - 1]
    wo, bo, w_rows, b_rows = _rows(n_in, n_out, b_off)
    W, GW, AW, SW = np.empty((4, w_rows, LANES))
    B, GB, AB, SB = np.empty((4, b_rows, LANES))
    zs, outs = np.empty((layers * width * batch, LANES)), np.empty(((layers + 1) * width * batch, LANES))
    delta, back = np.empty((width * batch, LANES)), np.empty((width * batch, LANES))
    cap = min(256, max(xt.shape[0], x.shape[0]))
    zs_e, outs_e = np.empty((layers * width * cap, LANES)), np.empty(((layers + 1) * width * cap, LANES))
    measured = np.empty((2, LANES))
    codes = np.empty((layers, LANES), np.int64)
    present = np.zeros((layers, 11), np.int64)
    ocodes = np.zeros((1, LANES), np.int64)
    popt = np.zeros(7, np.int64)  # the optimizers present
    # learning rate, regularization rate, live, h1, h2 (adam's bias corrections, rprop's first step)
    hyper = np.zeros((5, LANES))
    r1, r2 = (1.0 if reg == 1 else 0.0), (1.0 if reg == 2 else 0.0)
    ob = layers * width * batch
    done = 0
    for k0 in range(0, k_lanes, LANES):
        present[:] = 0
        popt[:] = 0
        for kk in range(LANES):
            k = min(k0 + kk, k_lanes - 1)  # lanes past the last repeat it, frozen
            live_k = k0 + kk < k_lanes and active[k]
            hyper[0, kk], hyper[1, kk] = lr[k], rate[k]
            hyper[2, kk] = 1.0 if live_k else 0.0
            hyper[3, kk], hyper[4, kk] = 1.0, 1.0
            ocodes[0, kk] = opt[k]
            popt[opt[k]] = 1
            for li in range(layers):
                codes[li, kk] = acts[k, li]
                present[li, acts[k, li]] = 1
        for li in range(layers):
            present[li, 10] = 1 if present[li, :10].sum() == 1 else 0
        counted = popt[3] == 1 or popt[6] == 1  # adam and rprop read the step count
        lr8, rate8 = ld(hyper, 0), ld(hyper, 1)
        live = ld1(hyper[2] > 0.5)
        oc = ld(ocodes, 0)
        _pack(flat, k0, k_lanes, n_in, n_out, w_off, b_off, w_io, wo, bo, W, B)
        _pack(s1, k0, k_lanes, n_in, n_out, w_off, b_off, w_io, wo, bo, AW, AB)
        _pack(s2, k0, k_lanes, n_in, n_out, w_off, b_off, w_io, wo, bo, SW, SB)
        done = 0
        h1, h2 = ld(hyper, 3), ld(hyper, 4)
        for start in range(0, n, batch):
            m = min(batch, n - start)
            sc = weight / m
            if loss >= 2:
                sc /= last
            if counted:
                for kk in range(LANES):
                    k = min(k0 + kk, k_lanes - 1)
                    t = steps[k] + done + 1  # this lane's step, as the per-lane kernel counts
                    if opt[k] == 3:
                        hyper[3, kk], hyper[4, kk] = 1.0 - 0.9**t, 1.0 - 0.999**t
                    elif opt[k] == 6:
                        hyper[3, kk] = 1.0 if t == 1 else 0.0
                h1, h2 = ld(hyper, 3), ld(hyper, 4)
            _forward(W, B, wo, bo, n_in, n_out, codes, present, x, order, start, m, width, batch, zs, outs)
            for s in range(m):
                _head_delta(loss, outs, ob, batch, s, y, order[start + s], last, sc, delta)
            _backward(W, wo, bo, n_in, n_out, codes, present, width, batch, m, zs, outs, delta, back, GW, GB)
            _update(W, GW, AW, SW, live, oc, popt, lr8, h1, h2, rate8, r1, r2)
            _update(B, GB, AB, SB, live, oc, popt, lr8, h1, h2, rate8, 0.0, 0.0)
            done += 1
        for split in range(2):
            xs, ys, ls = (x, y, labels) if split == 0 else (xt, yt, labels_t)
            _evaluate(
                W, B, wo, bo, n_in, n_out, codes, present, loss, xs, ys, ls, width, zs_e, outs_e, measured
            )
            for kk in range(min(LANES, k_lanes - k0)):
                ok = hyper[2, kk] > 0.5
                metrics[k0 + kk, 2 * split] = weight * measured[0, kk] / xs.shape[0] if ok else np.nan
                ok = ok and loss <= 1
                metrics[k0 + kk, 2 * split + 1] = measured[1, kk] / xs.shape[0] if ok else np.nan
        for kk in range(min(LANES, k_lanes - k0)):
            steps[k0 + kk] += done if hyper[2, kk] > 0.5 else 0
        _unpack(flat, k0, k_lanes, n_in, n_out, w_off, b_off, w_io, wo, bo, W, B, active)
        _unpack(s1, k0, k_lanes, n_in, n_out, w_off, b_off, w_io, wo, bo, AW, AB, active)
        _unpack(s2, k0, k_lanes, n_in, n_out, w_off, b_off, w_io, wo, bo, SW, SB, active)
    return done


def train_and_evaluate(
    flat, s1, s2, steps, acts, n_in, n_out, w_off, b_off, w_io, x, y, labels, xt, yt, labels_t,
    order, batch, loss, weight, lr, opt, reg, rate, active, metrics,
) -> int:  # fmt: skip
    """One epoch of mini-batch steps over x[order] for every active lane (K = acts'
    rows; lr, opt (``engine.train.compiled.OPTIMIZER_CODES``), rate per lane; reg: 0
    none, 1 L1, 2 L2), then each lane's metrics into metrics (K, 4), columns as
    ``engine.train.compiled.METRICS`` (NaN for inactive lanes). s1, s2: the optimizer
    state (``engine.train.compiled.STATE_KEYS``), laid out as flat; steps: each lane's
    step count. The arguments of ``engine.train.compiled.train_and_evaluate`` less
    max_steps. Returns the number of steps."""
    args: tuple[Any, ...] = (flat, s1, s2, steps, acts, n_in, n_out, w_off, b_off, w_io)
    args += (x, y, labels, xt, yt, labels_t, order, batch, loss, weight, lr, opt, reg, rate, active, metrics)
    if not _kernel.overloads:  # the first call: compiled here, with the vectorizer (a cheap test)
        compile(args)
    return _kernel(*args)


def compile(args) -> None:
    """Compile (or load from numba's cache) the kernel for these argument types with
    LLVM's SLP vectorizer, which numba leaves off, on for this kernel alone."""
    with global_compiler_lock:  # no other function compiles meanwhile
        was = getattr(config, "SLP_VECTORIZE")  # noqa: B009 - set from the environment at import
        setattr(config, "SLP_VECTORIZE", 1)  # noqa: B010
        try:
            _kernel.compile(tuple(_kernel.typeof_pyval(a) for a in args))
        finally:
            setattr(config, "SLP_VECTORIZE", was)  # noqa: B010


from engine.train.kernel_cache import key_on_sources  # noqa: E402 - the kernels inline lane_ops

key_on_sources(globals(), "engine.train.lane_ops")
