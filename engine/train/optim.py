"""Optimizers by name, as the settings table lists them."""

from __future__ import annotations

import torch

from engine.errors import NodeplayError

OPTIMIZER_NAMES = ("sgd", "momentum", "rmsprop", "adam", "adagrad", "adadelta", "rprop")
FUSED = ("sgd", "momentum", "adam", "adagrad")  # torch has a one-kernel step for these


def make_optimizer(name: str, params, lr: float, fused: bool = False) -> torch.optim.Optimizer:
    """``fused``: torch's fused step where it has one for ``name`` and the device (the
    CPU or CUDA): one kernel per step instead of several per parameter, about 0.2 ms a
    step on the CPU; the numbers agree with the plain step to ~1e-7. Images train so
    (S-CNN); the exported train.py then asks for it too."""
    params = list(params)
    fuse = fused and name in FUSED and bool(params) and params[0].device.type in ("cpu", "cuda")
    kw: dict = {"fused": True} if fuse else {}
    makers = {
        "sgd": lambda: torch.optim.SGD(params, lr=lr, **kw),
        "momentum": lambda: torch.optim.SGD(params, lr=lr, momentum=0.9, **kw),
        "rmsprop": lambda: torch.optim.RMSprop(params, lr=lr),
        "adam": lambda: torch.optim.Adam(params, lr=lr, **kw),
        "adagrad": lambda: torch.optim.Adagrad(params, lr=lr, **kw),
        "adadelta": lambda: torch.optim.Adadelta(params, lr=lr),
        "rprop": lambda: torch.optim.Rprop(params, lr=lr),
    }
    if name not in makers:
        raise NodeplayError(f"Unknown optimizer '{name}'; choose one of {', '.join(makers)}.")
    return makers[name]()
