"""Eight-lane arithmetic on tuples, for ``engine.train.compiled_lanes``.

Each operation takes and returns tuples of ``LANES`` floats (one per variant),
written out element by element: tuples live in registers, so a row is loaded
whole, computed and stored whole, and LLVM's SLP vectorizer turns the eight
scalar operations into packed ones (loops over array elements do not vectorize:
LLVM cannot rule out that a store aliases the next load). The elementwise
functions are branch-free scalars (selects, polynomials), so every copy stays in
one basic block. The operations are generated from one-line templates.

``_exp`` vectorizes where libm's exp does not: exp(x) = exp(x/256)^256, a
degree-10 Taylor polynomial squared eight times, about 1e-11 relative error in
float64, far below float32's. ``_log1p`` on [0, 1] is 2 atanh(u / (2 + u)) as its
series. GELU's erf and sine's sin and cos stay libm calls, once per lane.

numba's on-disk cache of ``engine.train.compiled_lanes`` holds these functions
compiled in; ``engine.train.kernel_cache`` empties it when this file changes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

LANES = 8
_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_INLINE: dict[str, Any] = dict(
    inline="always", nogil=True, cache=True, boundscheck=False, error_model="numpy"
)


@njit(**_INLINE)
def _exp(x):
    """exp(x) for x clamped to [-87, 87] (float32's range): branch-free."""
    r = min(max(x, -87.0), 87.0) * (1.0 / 256.0)
    p = 1.0 / 3628800
    p = 1.0 / 362880 + r * p
    p = 1.0 / 40320 + r * p
    p = 1.0 / 5040 + r * p
    p = 1.0 / 720 + r * p
    p = 1.0 / 120 + r * p
    p = 1.0 / 24 + r * p
    p = 1.0 / 6 + r * p
    p = 0.5 + r * p
    p = 1.0 + r * p
    p = 1.0 + r * p
    p *= p
    p *= p
    p *= p
    p *= p
    p *= p
    p *= p
    p *= p
    p *= p
    return p


@njit(**_INLINE)
def _log1p(u):
    """log(1 + u) for u in [0, 1]."""
    t = u / (2.0 + u)
    t2 = t * t
    s = 1.0 / 29
    for n in range(13, -1, -1):
        s = 1.0 / (2 * n + 1) + t2 * s
    return 2.0 * t * s


@njit(**_INLINE)
def _sigmoid(z):
    return 1.0 / (1.0 + _exp(-z))


@njit(**_INLINE)
def _tanh(z):
    return 1.0 - 2.0 / (_exp(2.0 * z) + 1.0)


@njit(**_INLINE)
def _sign(v):
    return (1.0 if v > 0 else 0.0) - (1.0 if v < 0 else 0.0)


@njit(**_INLINE)
def _f32(v):
    return float(np.float32(v))


# activations after their codes in engine.train.compiled.ACTIVATION_CODES: (value, d value / d z)
_ACTS = {
    0: ("z", "1.0"),
    1: ("1.0 if z > 0 else 0.0", "1.0"),
    2: ("_sigmoid(z)", "a * (1.0 - a)"),
    3: ("_tanh(z)", "1.0 - a * a"),
    4: ("max(z, 0.0)", "1.0 if z > 0 else 0.0"),
    5: ("z if z > 0 else 0.01 * z", "1.0 if z > 0 else 0.01"),
    6: ("z if z > 0 else _exp(z) - 1.0", "1.0 if z > 0 else a + 1.0"),
    7: (
        "0.5 * z * (1.0 + math.erf(z * _SQRT1_2))",
        "0.5 * (1.0 + math.erf(z * _SQRT1_2)) + z * _exp(-0.5 * z * z) * _INV_SQRT_2PI",
    ),
    8: ("z * _sigmoid(z)", "_sigmoid(z) * (1.0 + z * (1.0 - _sigmoid(z)))"),
    9: ("math.sin(z)", "math.cos(z)"),
}


def _gen(name: str, args: str, expr: str, doc: str = "", inline: str = "never"):
    """An njit function of tuples: (expr with {k} for every lane,)."""
    body = ", ".join(expr.replace("{k}", str(k)) for k in range(LANES))
    src = f"def {name}({args}):\n    return ({body},)\n"
    scope = dict(globals())
    exec(compile(src, f"<lane_ops.{name}>", "exec"), scope)
    fn = scope[name]
    fn.__doc__ = doc
    opts: dict[str, Any] = dict(inline=inline, nogil=True, boundscheck=False, error_model="numpy")
    return njit(**opts)(fn)


def _scalar(expr: str, names: str) -> str:
    """expr over scalar names made elementwise: 'z' -> 'z[{k}]'."""
    import re

    return re.sub(rf"\b({'|'.join(names.split())})\b", r"\1[{k}]", expr)


ld = _gen("ld", "A, r", "A[r, {k}]", "Row r of a (rows, LANES) array.", "always")
ld1 = _gen("ld1", "A", "A[{k}]", "A LANES-long array.", "always")
splat = _gen("splat", "v", "v", "v in every lane.")
add = _gen("add", "a, b", "a[{k}] + b[{k}]")
sub = _gen("sub", "a, b", "a[{k}] - b[{k}]")
mul = _gen("mul", "a, b", "a[{k}] * b[{k}]")
scale = _gen("scale", "a, s", "a[{k}] * s")
div = _gen("div", "a, b", "a[{k}] / b[{k}]")
fma = _gen("fma", "c, a, b", "c[{k}] + a[{k}] * b[{k}]", "c + a * b, rounded twice as Python's.")
vmax = _gen("vmax", "a, b", "a[{k}] if a[{k}] > b[{k}] else b[{k}]")
vexp = _gen("vexp", "a", "_exp(a[{k}])")
sel = _gen("sel", "m, a, b", "a[{k}] if m[{k}] else b[{k}]")
sel_code = _gen("sel_code", "codes, c, a, b", "a[{k}] if codes[{k}] == c else b[{k}]")
sel_gt = _gen("sel_gt", "x, y, a, b", "a[{k}] if x[{k}] > y[{k}] else b[{k}]")
eq_label = _gen("eq_label", "best, label", "1.0 if best[{k}] == label else 0.0")
sigmoid_minus = _gen("sigmoid_minus", "z, y, s", "(_sigmoid(z[{k}]) - y) * s", "bce's d loss / d z.")
mse_delta = _gen("mse_delta", "z, y, s", "2.0 * (z[{k}] - y) * s")
l1_delta = _gen("l1_delta", "z, y, s", "_sign(z[{k}] - y) * s")
bce_loss = _gen(
    "bce_loss",
    "z, y",
    "max(z[{k}], 0.0) - z[{k}] * y + _log1p(_exp(-abs(z[{k}]))) + (z[{k}] - z[{k}])",
    "bce with logits per lane; a NaN or infinite z gives NaN.",
)
sq_err = _gen("sq_err", "t, z, y", "t[{k}] + (z[{k}] - y) * (z[{k}] - y)")
abs_err = _gen("abs_err", "t, z, y", "t[{k}] + abs(z[{k}] - y)")
bce_right = _gen("bce_right", "z, label", "1.0 if (z[{k}] > 0) == (label == 1) else 0.0")
vlog = _gen("vlog", "a", "math.log(a[{k}])")
# sgd and momentum (momentum factor 0 is sgd) as torch: the gradient with the
# regularizer's term (r1: L1, r2: L2, 0 or 1) and the buffer rounded to float32
momentum = _gen(
    "momentum",
    "p, g, m, mu, rate, r1, r2",
    "_f32(mu[{k}] * m[{k}] + _f32(_f32(g[{k}]) + rate[{k}] * (r1 * _sign(p[{k}]) + r2 * p[{k}])))",
)
step = _gen("step", "p, m, lr", "_f32(p[{k}] - lr[{k}] * m[{k}])")
ACT = {c: _gen(f"act{c}", "z", _scalar(v, "z"), inline="always") for c, (v, _) in _ACTS.items()}
GRAD = {
    c: _gen(f"grad{c}", "d, z, a", "d[{k}] * (" + _scalar(g, "z a") + ")", inline="always")
    for c, (_, g) in _ACTS.items()
}
globals().update({f"act{c}": f for c, f in ACT.items()} | {f"grad{c}": f for c, f in GRAD.items()})


def _gen_body(name: str, args: str, lines: list[str], doc: str, inline: str = "never"):
    src = f"def {name}({args}):\n" + "".join(f"    {line}\n" for line in lines)
    scope = dict(globals())
    exec(compile(src, f"<lane_ops.{name}>", "exec"), scope)
    fn = scope[name]
    fn.__doc__ = doc
    opts: dict[str, Any] = dict(inline=inline, nogil=True, boundscheck=False, error_model="numpy")
    return njit(**opts)(fn)


# inlined by numba: a call with an array argument would count references
st = _gen_body("st", "A, r, t", [f"A[r, {k}] = t[{k}]" for k in range(LANES)], "Row r of A = t.", "always")
act = _gen_body(
    "act",
    "c, z",
    [f"if c == {c}:\n        return act{c}(z)" for c in ACT] + ["return z"],
    "Activation c (``engine.train.compiled.ACTIVATION_CODES``) in every lane; 0: linear.",
)
grad = _gen_body(
    "grad",
    "c, d, z, a",
    [f"if c == {c}:\n        return grad{c}(d, z, a)" for c in GRAD] + ["return d"],
    "d times activation c's derivative at pre-activation z, output a.",
)


# Whole blocks of rows at once: one call per layer and output rather than per row
# (a call passes its tuples through memory). Lanes whose code is not c keep dst.
for _c in ACT:
    globals()[f"act_rows{_c}"] = _gen_body(
        f"act_rows{_c}",
        "codes, Z, z0, O, o0, n",
        [
            "for r in range(n):",
            f"    st(O, o0 + r, sel_code(codes, {_c}, act{_c}(ld(Z, z0 + r)), ld(O, o0 + r)))",
        ],
        f"Rows o0.. of O = activation {_c} of rows z0.. of Z, n rows.",
    )
    globals()[f"grad_rows{_c}"] = _gen_body(
        f"grad_rows{_c}",
        "codes, D, d0, Z, z0, O, o0, n",
        [
            "for r in range(n):",
            "    d = ld(D, d0 + r)",
            f"    st(D, d0 + r, sel_code(codes, {_c}, grad{_c}(d, ld(Z, z0 + r), ld(O, o0 + r)), d))",
        ],
        f"Rows d0.. of D times activation {_c}'s derivative.",
    )
act_rows = _gen_body(
    "act_rows",
    "c, codes, Z, z0, O, o0, n",
    [f"if c == {c}:\n        act_rows{c}(codes, Z, z0, O, o0, n)" for c in ACT],
    "Activation c over n rows, for the lanes whose code is c.",
)
grad_rows = _gen_body(
    "grad_rows",
    "c, codes, D, d0, Z, z0, O, o0, n",
    [f"if c == {c}:\n        grad_rows{c}(codes, D, d0, Z, z0, O, o0, n)" for c in GRAD],
    "Activation c's derivative over n rows, for the lanes whose code is c.",
)


# -- optimizers (slice t-lanes): each as ``engine.train.compiled_optim.step_lane`` writes
# it, operation for operation, so both kernels round alike. Scalars (parameter p,
# its gradient g with the regularizer's term, state a and b, learning rate, h1 and
# h2: adam's bias corrections, rprop's first-step flag) -> (p, a, b). math.sqrt of
# a float32 buffer is float32 there: _f32 around it here.
@njit(**_INLINE)
def _o_sgd(p, g, a, b, lr, h1, h2):
    return _f32(p - lr * g), a, b


@njit(**_INLINE)
def _o_momentum(p, g, a, b, lr, h1, h2):
    m = _f32(0.9 * a + g)
    return _f32(p - lr * m), m, b


@njit(**_INLINE)
def _o_rmsprop(p, g, a, b, lr, h1, h2):
    sq = _f32(0.99 * a + 0.01 * g * g)
    return _f32(p - lr * g / (_f32(math.sqrt(sq)) + 1e-8)), sq, b


@njit(**_INLINE)
def _o_adam(p, g, a, b, lr, h1, h2):
    m = _f32(a + (g - a) * (1.0 - 0.9))
    v = _f32(0.999 * b + (1.0 - 0.999) * g * g)
    return _f32(p - (lr / h1) * m / (_f32(math.sqrt(v)) / math.sqrt(h2) + 1e-8)), m, v


@njit(**_INLINE)
def _o_adagrad(p, g, a, b, lr, h1, h2):
    acc = _f32(a + g * g)
    return _f32(p - lr * g / (_f32(math.sqrt(acc)) + 1e-10)), acc, b


@njit(**_INLINE)
def _o_adadelta(p, g, a, b, lr, h1, h2):
    sq = _f32(0.9 * a + 0.1 * g * g)
    d = math.sqrt(b + 1e-6) / math.sqrt(sq + 1e-6) * g
    return _f32(p - lr * d), sq, _f32(0.9 * b + 0.1 * d * d)


@njit(**_INLINE)
def _o_rprop(p, g, a, b, lr, h1, h2):
    size = _f32(lr) if h1 > 0.5 else b  # torch starts the step sizes at the learning rate
    prod = g * a
    size = min(size * 1.2, 50.0) if prod > 0 else (max(size * 0.5, 1e-6) if prod < 0 else size)
    g = 0.0 if prod < 0 else g
    size = _f32(size)
    return _f32(p - _sign(g) * size), _f32(g), size


# codes as ``engine.train.compiled.OPTIMIZER_CODES``
_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam", "adagrad", "adadelta", "rprop")
reg_grad = _gen(
    "reg_grad",
    "p, g, rate, r1, r2",
    "_f32(_f32(g[{k}]) + rate[{k}] * (r1 * _sign(p[{k}]) + r2 * p[{k}]))",
    "The gradient rounded to float32, with the regularizer's term (r1: L1, r2: L2, 0 or 1).",
)
for _c, _name in enumerate(_OPTIMIZERS):
    globals()[f"opt{_c}"] = _gen_body(
        f"opt{_c}",
        "p, g, a, b, lr, h1, h2",
        [
            f"r{k} = _o_{_name}(p[{k}], g[{k}], a[{k}], b[{k}], lr[{k}], h1[{k}], h2[{k}])"
            for k in range(LANES)
        ]
        + [
            "return ("
            + ", ".join("(" + ", ".join(f"r{k}[{i}]" for k in range(LANES)) + ",)" for i in range(3))
            + ")"
        ],
        f"{_name} in every lane: (parameters, first state, second state).",
        "always",
    )
update_row = _gen_body(
    "update_row",
    "oc, popt, p, g, a, b, lr, h1, h2",
    ["np_, na, nb = p, a, b"]
    + [
        f"if popt[{c}]:\n        q, qa, qb = opt{c}(p, g, a, b, lr, h1, h2)\n"
        f"        np_, na = sel_code(oc, {c}, q, np_), sel_code(oc, {c}, qa, na)\n"
        f"        nb = sel_code(oc, {c}, qb, nb)"
        for c in range(len(_OPTIMIZERS))
    ]
    + ["return np_, na, nb"],
    "Every lane's own optimizer (codes oc; popt[c]: some lane uses c).",
    "always",
)


# -- layers mixing cheap activations (slice t-lanes): linear, step, sigmoid, tanh,
# relu and leaky relu (codes below FUSED) in one pass, sigmoid and tanh lanes
# sharing one exp (each lane's own argument), each lane's result picked by select.
# The same expressions as act{c} and grad{c}, so the same values.
FUSED = 6
tanh_e = _gen("tanh_e", "e", "1.0 - 2.0 / (e[{k}] + 1.0)", "tanh(z) from e = exp(2z).")
sigmoid_e = _gen("sigmoid_e", "e", "1.0 / (1.0 + e[{k}])", "sigmoid(z) from e = exp(-z).")
_step, _relu, _leaky = ACT[1], ACT[4], ACT[5]
_d_sigmoid, _d_tanh, _d_relu, _d_leaky = GRAD[2], GRAD[3], GRAD[4], GRAD[5]


@njit(nogil=True, boundscheck=False, error_model="numpy")
def act_rows_fused(codes, p, Z, z0, Out, o0, n):
    """Rows o0.. of Out = each lane's activation of rows z0.. of Z (p: a layer's row of
    the kernel's present flags, codes below FUSED only)."""
    exps, p1, p4, p5 = p[2] + p[3] > 0, p[1] > 0, p[4] > 0, p[5] > 0
    for r in range(n):
        z = ld(Z, z0 + r)
        out = z
        if exps:
            e = vexp(sel_code(codes, 3, scale(z, 2.0), scale(z, -1.0)))
            out = sel_code(codes, 3, tanh_e(e), sel_code(codes, 2, sigmoid_e(e), out))
        if p1:
            out = sel_code(codes, 1, _step(z), out)
        if p4:
            out = sel_code(codes, 4, _relu(z), out)
        if p5:
            out = sel_code(codes, 5, _leaky(z), out)
        st(Out, o0 + r, out)


@njit(nogil=True, boundscheck=False, error_model="numpy")
def grad_rows_fused(codes, p, D, d0, Z, z0, Out, o0, n):
    """Rows d0.. of D times each lane's activation's derivative (as act_rows_fused)."""
    p2, p3, p4, p5 = p[2] > 0, p[3] > 0, p[4] > 0, p[5] > 0
    for r in range(n):
        d, z, a = ld(D, d0 + r), ld(Z, z0 + r), ld(Out, o0 + r)
        out = d
        if p2:
            out = sel_code(codes, 2, _d_sigmoid(d, z, a), out)
        if p3:
            out = sel_code(codes, 3, _d_tanh(d, z, a), out)
        if p4:
            out = sel_code(codes, 4, _d_relu(d, z, a), out)
        if p5:
            out = sel_code(codes, 5, _d_leaky(d, z, a), out)
        st(D, d0 + r, out)
