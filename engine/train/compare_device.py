"""Compare mode's trainers on another device, losing nothing (issue #14).

"Continue on the CPU" after a GPU ran out of memory, in the compare window: the
batched ``CompareSession`` on its torch path (the one CUDA takes) moves its stacked
parameters, momentum buffers, per-lane rates, masks and data, and trains on with the
same torch path, so every variant goes on exactly where it was; its CPU kernels
(compiled or numpy) keep their own buffers and are not switched to mid-run.
``SteppedCompare`` moves each of its sessions (``Session.move_to``).
"""

from __future__ import annotations

import math

import torch

from engine.errors import NodeplayError
from engine.train.device import choose_device


def move_compare(cs, requested: str) -> torch.device:
    """``CompareSession`` ``cs`` trains on ``requested`` from now on; the device."""
    params = sum(p.numel() for p in cs.params)
    device = choose_device(requested, params, math.prod(cs.dataset.spec.x_shape))
    if device != cs.device:
        if cs._fast is not None:
            raise NodeplayError(
                "Compare mode trains on the CPU's compiled kernel here and cannot move while it runs; "
                "the new Device applies when compare mode starts again."
            )
        with torch.no_grad():
            for p in cs.params:  # the same tensor objects: the stacked lists still hold them
                p.data = p.data.to(device)
        moved = lambda ts: None if ts is None else [t.to(device) for t in ts]  # noqa: E731
        cs._neg_lr, cs._mom, cs._bufs, cs._frozen = (
            moved(cs._neg_lr),
            moved(cs._mom),
            moved(cs._bufs),
            moved(cs._frozen),
        )
        cs._reg_rate, cs._active = cs._reg_rate.to(device), cs._active.to(device)
        cs.x_train, cs.y_train = cs.x_train.to(device), cs.y_train.to(device)
        cs.x_test, cs.y_test = cs.x_test.to(device), cs.y_test.to(device)
        cs.device = device
        cs._act_plan = [cs._plan(item) if kind == "act" else item for kind, item in cs._chain]
        cs._grids = {}
    cs.project.train.device = requested
    return device


def move_stepped(sc, requested: str) -> torch.device:
    """``SteppedCompare`` ``sc``: every variant's session on ``requested``."""
    for s in sc.sessions:
        sc.device = s.move_to(requested)
    sc.project.train.device = requested
    return sc.device
