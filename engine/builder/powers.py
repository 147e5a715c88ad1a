"""The torch module of the Polynomial node (``engine.graph.nodes_poly``)."""

from __future__ import annotations

import torch
from torch import nn


class Powers(nn.Module):
    """(N, D) -> (N, D * degree): u, u², … u^degree with u = x / scale, each power a
    block of D columns."""

    def __init__(self, degree: int, scale: float = 1.0):
        super().__init__()
        self.degree, self.scale = int(degree), float(scale)

    def forward(self, x):
        if self.scale != 1.0:
            x = x / self.scale
        powers = [x]
        for _ in range(self.degree - 1):
            powers.append(powers[-1] * x)  # products, not pow: exact and cheap
        return torch.cat(powers, 1) if self.degree > 1 else x
