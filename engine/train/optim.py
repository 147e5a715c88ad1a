"""Optimizers by name, as the settings table lists them."""

from __future__ import annotations

import torch

from engine.errors import NodeplayError

OPTIMIZER_NAMES = ("sgd", "momentum", "rmsprop", "adam", "adagrad", "adadelta", "rprop")


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    params = list(params)
    makers = {
        "sgd": lambda: torch.optim.SGD(params, lr=lr),
        "momentum": lambda: torch.optim.SGD(params, lr=lr, momentum=0.9),
        "rmsprop": lambda: torch.optim.RMSprop(params, lr=lr),
        "adam": lambda: torch.optim.Adam(params, lr=lr),
        "adagrad": lambda: torch.optim.Adagrad(params, lr=lr),
        "adadelta": lambda: torch.optim.Adadelta(params, lr=lr),
        "rprop": lambda: torch.optim.Rprop(params, lr=lr),
    }
    if name not in makers:
        raise NodeplayError(f"Unknown optimizer '{name}'; choose one of {', '.join(makers)}.")
    return makers[name]()
