"""Moving a running session to another device, losing nothing (issue #14, T-OOM).

The Device setting changes while a project trains (and "Continue on the CPU" after
a GPU ran out of memory): the model, its optimizer state, the data, the epoch, the
step and the curves all carry over; no reset, no new seed. The numpy and compiled
paths for small perceptrons (CPU only) keep their optimizer state in their own
buffers: it goes into the torch optimizer before the move and comes back after.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from engine.budget import check_fits
from engine.train.compiled_mlp import CompiledMLP
from engine.train.device import apply_thread_policy, choose_device
from engine.train.fast_mlp import FastMLP


def move_session(session, requested: str) -> torch.device:
    """Train ``session`` on ``requested`` ("auto", "cpu" or "cuda") from now on and
    make it the project's setting; returns the device it trains on. NodeplayError (one
    sentence) when that device is missing or too small; the session is then untouched."""
    params = sum(p.numel() for p in session.model.parameters())
    device = choose_device(requested, params, math.prod(session.dataset.spec.x_shape))
    if device != session.device:
        check_fits(session.project, session.dataset, device)  # refused before anything moves
        _state_into_optimizer(session)
        session.model.to(device)
        opt = session.optimizer
        opt.load_state_dict(opt.state_dict())  # torch puts each state tensor beside its parameter
        session.device = device
        session._to_device()
        session._install(opt)
        _state_from_optimizer(session)
        if session.thread_policy is not None:  # the runner calls this on the thread that trains
            apply_thread_policy(session, gui=session.thread_policy == "gui")
    session.project.train.device = requested
    return device


def _linears(session) -> list[nn.Linear]:
    layers = [session.model.layers[n] for n, _, _ in session.model.steps]
    return [m for m in layers if isinstance(m, nn.Linear)]


def _state_into_optimizer(session) -> None:
    """The fast paths' optimizer state, written into the torch optimizer."""
    fast = session._fast
    if isinstance(fast, CompiledMLP):
        fast.export_state(session.optimizer)
    elif isinstance(fast, FastMLP) and fast.momentum is not None:  # numpy buffers are (in, out)
        for m, (w_buf, b_buf) in zip(_linears(session), fast.momentum, strict=False):
            if w_buf is not None:
                session.optimizer.state[m.weight]["momentum_buffer"] = torch.from_numpy(w_buf.T.copy())
            if b_buf is not None and m.bias is not None:
                session.optimizer.state[m.bias]["momentum_buffer"] = torch.from_numpy(b_buf.copy())


def _state_from_optimizer(session) -> None:
    """A numpy path made anew after the move starts from the optimizer's momentum (the
    compiled path reads the optimizer itself when made)."""
    fast = session._fast
    if not isinstance(fast, FastMLP):
        return
    state = session.optimizer.state
    linears = _linears(session)
    if not linears or "momentum_buffer" not in state.get(linears[0].weight, {}):
        return
    bufs: list[list[np.ndarray | None]] = []
    for m in linears:
        w = state[m.weight]["momentum_buffer"].detach().cpu().numpy().T.copy()
        b = state.get(m.bias, {}).get("momentum_buffer") if m.bias is not None else None
        bufs.append([w, None if b is None else b.detach().cpu().numpy().copy()])
    fast.momentum = bufs
