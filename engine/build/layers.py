"""Torch modules for each node type of the catalogue."""

from __future__ import annotations

import torch
from torch import nn

from engine.graph.catalogue import FEATURES


class Step(nn.Module):
    """Heaviside step with a straight-through gradient, so that it can still learn."""

    def forward(self, x):
        hard = (x > 0).to(x.dtype)
        return x + (hard - x).detach()


class Sine(nn.Module):
    def forward(self, x):
        return torch.sin(x)


class FeatureMap(nn.Module):
    """TF Playground's input features of a 2-D point, in catalogue order."""

    def __init__(self, features: list[str]):
        super().__init__()
        self.features = list(features)

    def forward(self, x):
        x1, x2 = x[:, 0], x[:, 1]
        table = {"x1": lambda: x1, "x2": lambda: x2, "x1^2": lambda: x1 * x1,
                 "x2^2": lambda: x2 * x2, "x1*x2": lambda: x1 * x2,
                 "sin x1": lambda: torch.sin(x1), "sin x2": lambda: torch.sin(x2)}
        if self.features == ["x1", "x2"]:
            return x
        return torch.stack([table[f]() for f in self.features], 1)


class Add(nn.Module):
    def forward(self, a, b):
        return a + b


ACTIVATION_MODULES = {
    "linear": nn.Identity, "step": Step, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh,
    "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01), "elu": nn.ELU,
    "gelu": nn.GELU, "silu": nn.SiLU, "sine": Sine,
}
assert set(FEATURES) == {"x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2"}


def init_dense(layer: nn.Linear, how: str) -> None:
    """Initialize weights as the node asks; biases start at zero except for 'default'."""
    if how == "default":
        return
    w = layer.weight
    with torch.no_grad():
        if how == "zeros":
            w.zero_()
        elif how == "constant":
            w.fill_(0.1)
        elif how == "uniform":  # TF Playground's choice
            w.uniform_(-0.5, 0.5)
        elif how == "normal":
            w.normal_(0.0, 0.1)
        elif how == "xavier":
            nn.init.xavier_uniform_(w)
        elif how == "he":
            nn.init.kaiming_normal_(w, nonlinearity="relu")
        if layer.bias is not None:
            layer.bias.zero_()


def make_layer(node_type: str, params: dict, in_shapes: dict[str, tuple]) -> nn.Module:
    if node_type == "Dense":
        layer = nn.Linear(in_shapes["x"][0], params["units"], bias=params["bias"])
        init_dense(layer, params["init"])
        return layer
    if node_type == "Activation":
        return ACTIVATION_MODULES[params["fn"]]()
    if node_type == "Features":
        return FeatureMap(params["features"])
    if node_type == "Dropout":
        return nn.Dropout(params["p"])
    if node_type == "BatchNorm":
        return nn.BatchNorm1d(in_shapes["x"][0])
    if node_type == "Add":
        return Add()
    raise KeyError(node_type)
