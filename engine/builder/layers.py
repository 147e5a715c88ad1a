"""Torch modules for each node type of the catalogue."""

from __future__ import annotations

from collections.abc import Callable

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
        table = {
            "x1": lambda: x1,
            "x2": lambda: x2,
            "x1^2": lambda: x1 * x1,
            "x2^2": lambda: x2 * x2,
            "x1*x2": lambda: x1 * x2,
            "sin x1": lambda: torch.sin(x1),
            "sin x2": lambda: torch.sin(x2),
        }
        if self.features == ["x1", "x2"]:
            return x
        return torch.stack([table[f]() for f in self.features], 1)


class Add(nn.Module):
    def forward(self, a, b):
        return a + b


class Concat(nn.Module):
    def forward(self, *parts):
        return torch.cat(parts, 1)


class Split(nn.Module):
    """(x[:, :first], x[:, first:]): features or channels."""

    def __init__(self, first: int):
        super().__init__()
        self.first = first

    def forward(self, x):
        return x[:, : self.first], x[:, self.first :]


class Reshape(nn.Module):
    def __init__(self, shape: list[int]):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)  # not len(x): ONNX tracing keeps this dynamic


class Sampling(nn.Module):
    """A VAE's reparameterized latent and its KL divergence from N(0, 1).

    Training draws z = mean + exp(logvar / 2) * eps; eval mode (evaluation, probes,
    inference) returns the mean, so that what the views show does not flicker.
    """

    def forward(self, mean, logvar):
        kl = (-0.5 * (1 + logvar - mean * mean - logvar.exp())).flatten(1).sum(1).mean()
        if self.training:
            return mean + torch.exp(0.5 * logvar) * torch.randn_like(mean), kl
        return mean, kl


ACTIVATION_MODULES: dict[str, Callable[[], nn.Module]] = {
    "linear": nn.Identity,
    "step": Step,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "sine": Sine,
}
assert set(FEATURES) == {"x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2"}
# modules whose output depends on train/eval mode: the session switches modes only if present
MODE_DEPENDENT = (nn.Dropout, nn.modules.batchnorm._BatchNorm, Sampling)


SMALL_STD, LARGE_STD = 0.01, 2.0  # the "small" and "large" inits' standard deviations


def init_weights(layer: nn.Linear | nn.Conv2d, how: str) -> None:
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
        elif how == "small":  # L4: signals shrink layer after layer (vanishing)
            w.normal_(0.0, SMALL_STD)
        elif how == "large":  # L4: signals grow layer after layer (exploding)
            w.normal_(0.0, LARGE_STD)
        if layer.bias is not None:
            layer.bias.zero_()


init_dense = init_weights  # the name the perceptron code knew


def make_layer(node_type: str, params: dict, in_shapes: dict[str, tuple]) -> nn.Module:
    """The module of one node, given its parameters and its inputs' per-sample shapes."""
    p, x = params, in_shapes.get("x", ())  # () for nodes without an 'x' input
    if node_type == "Dense":
        layer = nn.Linear(x[0], p["units"], bias=p["bias"])
        init_weights(layer, p["init"])
        return layer
    if node_type == "Conv2d":
        conv = nn.Conv2d(x[0], p["channels"], p["kernel"], p["stride"], p["padding"], bias=p["bias"])
        init_weights(conv, p["init"])
        return conv
    if node_type == "ConvTranspose2d":
        return nn.ConvTranspose2d(
            x[0], p["channels"], p["kernel"], p["stride"], p["padding"], p["output_padding"], bias=p["bias"]
        )
    if node_type == "MaxPool2d":
        return nn.MaxPool2d(p["kernel"], p["stride"])
    if node_type == "AvgPool2d":
        return nn.AvgPool2d(p["kernel"], p["stride"])
    if node_type == "Upsample":
        corners = {"align_corners": False} if p["mode"] == "bilinear" else {}
        return nn.Upsample(scale_factor=p["scale"], mode=p["mode"], **corners)
    if node_type == "Flatten":
        return nn.Flatten()
    if node_type == "Reshape":
        return Reshape(p["shape"])
    if node_type == "Activation":
        return ACTIVATION_MODULES[p["fn"]]()
    if node_type == "Features":
        return FeatureMap(p["features"])
    if node_type == "Dropout":
        return nn.Dropout(p["p"])
    if node_type == "BatchNorm":
        return nn.BatchNorm1d(x[0]) if len(x) == 1 else nn.BatchNorm2d(x[0])
    if node_type == "LayerNorm":
        return nn.LayerNorm(list(x))
    if node_type == "Add":
        return Add()
    if node_type == "Concat":
        return Concat()
    if node_type == "Split":
        return Split(p["first"])
    if node_type == "Sampling":
        return Sampling()
    if node_type == "Polynomial":  # S-L2: polynomial features
        from engine.builder.powers import Powers

        return Powers(p["degree"], p["scale"])
    raise KeyError(node_type)
