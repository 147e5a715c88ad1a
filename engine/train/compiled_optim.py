"""The optimizers of the compiled kernel (``engine.train.compiled``): one lane's
update rules, as torch's optimizers at their defaults (``engine.train.optim``).

Arithmetic is float64 on float32-stored values, every state buffer rounded to
float32 when stored, as torch keeps it; ``engine.train.lane_ops`` writes the same
rules for eight lanes at once. numba's on-disk cache of ``engine.train.compiled``
holds this function compiled in; ``engine.train.kernel_cache`` empties it when
this file changes.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(nogil=True, cache=True, inline="always")
def step_lane(flat, grad, s1, s2, k, step, opt, lr, reg, rate, n_in, n_out, w_off, b_off):
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
