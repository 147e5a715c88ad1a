"""Compiling the training kernel in the background, and which path trains.

numba compiles ``engine.train.compiled`` on its first call (seconds), then caches
the machine code on disk, so later starts load it at once. The app and the command
line call ``start()`` when they start: a daemon thread compiles (or loads) the
kernel with the argument types the sessions use, while sessions train on the numpy
path; a session moves to the compiled kernel at its next epoch once ``ready()``.
Nothing compiles unless something called ``start`` or ``warm`` (tests stay on the
paths they ask for).
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

COMPILED = "compiled kernel"
COMPILING = "numpy, compiling…"
NUMPY = "numpy"
TORCH = "torch"


class _State:
    ready = False
    started = False
    error: str | None = None
    seconds: float | None = None  # how long the last warm() took
    thread: threading.Thread | None = None
    lock = threading.Lock()


state = _State()


def warm() -> None:
    """Compile (or load from the cache) every kernel with the types sessions pass."""
    t0 = time.perf_counter()
    import torch

    from engine.train.compiled_mlp import CompiledChain

    w1, b1 = torch.zeros(3, 2), torch.zeros(3)
    w2 = torch.zeros(1, 3)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 2)).astype(np.float32), (rng.random(8) > 0.5).astype(np.int64)
    chain = CompiledChain([(w1, b1), (w2, None)], False, [["tanh", "linear"]], [(x, y), (x, y)], "bce", 2)
    order = np.arange(8, dtype=np.int64)
    lr = np.full(1, 0.01)
    chain.train_epoch(order, 4, None, 1.0, lr, np.full(1, 3, np.int64), 2, np.full(1, 0.001))
    chain.forward(0, x)
    chain.evaluate(1.0)
    # slice s-cmp: compare mode's SIMD kernel, with the argument types CompiledBatch passes
    from engine.train import compiled_lanes

    lanes_kernel: Any = compiled_lanes  # its numba arguments are untyped

    lanes = CompiledChain(
        [(torch.zeros(2, 2, 3), torch.zeros(2, 1, 3)), (torch.zeros(2, 3, 1), None)],
        True,
        [["tanh", "linear"]] * 2,
        [(x, y), (x, y)],
        "bce",
        2,
    )
    (xa, ya, la), (xb, yb, lb) = lanes.data
    lr2, zero2, adam2 = np.full(2, 0.01), np.zeros(2), np.full(2, 3, np.int64)
    lanes_kernel.train_and_evaluate(
        lanes.flat, lanes.s1, lanes.s2, lanes.steps, *lanes._args(), xa, ya, la, xb, yb, lb,
        order, 4, lanes.loss, 1.0, lr2, adam2, 0, zero2, lanes.active, lanes.metrics,
    )  # fmt: skip
    state.seconds = time.perf_counter() - t0
    state.ready = True


def _run() -> None:
    try:
        warm()
    except Exception as exc:  # the numpy path goes on; the status bar keeps saying so
        state.error = f"The compiled kernel could not be built ({exc}); training stays on numpy."


def start() -> None:
    """Begin compiling in the background (once per process)."""
    with state.lock:
        if state.started:
            return
        state.started = True
        state.thread = threading.Thread(target=_run, name="nodeplay-compile", daemon=True)
        state.thread.start()


def ready() -> bool:
    return state.ready


def wait(timeout: float | None = None) -> bool:
    """Block until the background compile ended (for benches and the command line)."""
    if state.thread is not None:
        state.thread.join(timeout)
    return state.ready


def path_name(fast) -> str:
    """What the status bar says about a session's training path (``fast``: its
    ``_fast`` object or None)."""
    if fast is None:
        return TORCH
    name = getattr(fast, "path", NUMPY)
    if name == NUMPY and state.started and not state.ready and state.error is None:
        return COMPILING
    return name
