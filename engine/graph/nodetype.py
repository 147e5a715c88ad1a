"""What a node type is made of: ports, parameters, and the shape checks they share.

Shapes are per sample, without the batch dimension: a Dense layer of 4 units
outputs ``(4,)``, shown to the user as ``(N, 4)``. Torch lives in ``engine.builder``;
the catalogue only reasons about shapes so that validation stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from engine.errors import GraphError

ACTIVATIONS = ("linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "sine")
# L4 (issue #12): "small" and "large" show vanishing and exploding signals in deep nets
INITS = ("default", "zeros", "constant", "uniform", "normal", "xavier", "he", "small", "large")
LOSSES = ("cross_entropy", "bce", "mse", "l1")
# TF Playground's input features, computed from the two raw coordinates.
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")
PORT_KINDS = ("tensor", "target", "loss")
MAX_SHAPE_DIMS = 4  # per-sample dimensions a "shape" parameter may have


@dataclass(frozen=True)
class PortValue:
    """What flows through a port: a float tensor, the dataset's targets or a scalar loss."""

    kind: str  # "tensor", "target" or "loss"
    shape: tuple[int, ...]
    classes: int | None = None  # targets of a classification task

    def __str__(self) -> str:
        if self.kind == "target":
            return f"targets ({self.classes} classes)" if self.classes else "targets (N, 1)"
        if self.kind == "loss":
            return "a loss"
        return "(" + ", ".join(["N", *map(str, self.shape)]) + ")"


@dataclass(frozen=True)
class Port:
    """A named port. ``accepts`` lists the kinds an input takes (its own kind if empty)."""

    name: str
    kind: str = "tensor"
    accepts: tuple[str, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.accepts or (self.kind,)


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # int | float | bool | choice | features | shape
    default: object
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    help: str = ""
    live: bool = False  # a running session takes a new value without rebuilding the model

    def check(self, value, owner: str, node_id: str | None):
        def bad(why):
            return GraphError(f"{owner}: parameter '{self.name}' {why}.", node_id)

        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
                raise bad(f"must be a whole number, not {value!r}")
            value = int(value)
        elif self.kind == "float":
            if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
                raise bad(f"must be a number, not {value!r}")
            value = float(value)
        elif self.kind == "bool":
            if not isinstance(value, bool):
                raise bad(f"must be true or false, not {value!r}")
        elif self.kind == "choice":
            if value not in self.choices:
                raise bad(f"must be one of {', '.join(self.choices)}, not {value!r}")
        elif self.kind == "features":
            if not isinstance(value, list | tuple) or not value or any(v not in self.choices for v in value):
                raise bad(f"must be a non-empty list drawn from {', '.join(self.choices)}")
            value = [c for c in self.choices if c in value]  # canonical order
        elif self.kind == "shape":
            if (
                not isinstance(value, list | tuple)
                or not 1 <= len(value) <= MAX_SHAPE_DIMS
                or any(
                    isinstance(v, bool) or not isinstance(v, int | float) or v != int(v) or v < 1
                    for v in value
                )
            ):
                raise bad(f"must be a list of 1 to {MAX_SHAPE_DIMS} positive whole numbers, not {value!r}")
            return [int(v) for v in value]
        if self.low is not None and value < self.low:
            raise bad(f"must be at least {self.low:g}, not {value}")
        if self.high is not None and value > self.high:
            raise bad(f"must be at most {self.high:g}, not {value}")
        return value


Infer = Callable[[dict, dict[str, PortValue]], dict[str, PortValue]]


@dataclass(frozen=True)
class NodeType:
    name: str
    category: str
    inputs: tuple[Port, ...]
    outputs: tuple[Port, ...]
    params: tuple[Param, ...]
    infer: Infer
    count_params: Callable[[dict, dict[str, PortValue]], int] = lambda p, i: 0
    doc: str = ""
    optional_inputs: tuple[str, ...] = field(default=())

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.inputs)

    @property
    def output_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.outputs)

    @property
    def required_inputs(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.inputs if p.name not in self.optional_inputs)

    def port(self, name: str) -> Port:
        return next(p for p in (*self.inputs, *self.outputs) if p.name == name)

    def complete_params(self, given: dict, node_id: str | None = None) -> dict:
        """Defaults filled in, every value checked; unknown keys are refused."""
        known = {p.name: p for p in self.params}
        for key in given:
            if key not in known:
                raise GraphError(f"{self.name} has no parameter '{key}'.", node_id)
        return {name: p.check(given.get(name, p.default), self.name, node_id) for name, p in known.items()}


# -- shape checks shared by the node modules -------------------------------------------


def shape_text(shape: tuple[int, ...]) -> str:
    """A per-sample shape as the user reads it, batch first: (N, 1, 8, 8)."""
    return str(PortValue("tensor", tuple(shape)))


def tensor(value: PortValue, who: str, port: str = "x") -> PortValue:
    if value.kind != "tensor":
        raise GraphError(f"{who} expects a tensor on '{port}'; this port gives {value}.")
    return value


def flat(value: PortValue, who: str, port: str = "x") -> int:
    """The width of a (N, features) input; anything else is refused."""
    tensor(value, who, port)
    if len(value.shape) != 1:
        raise GraphError(f"{who} expects 2-D input (N, features); this port gives {value}.")
    return value.shape[0]


def image(value: PortValue, who: str, port: str = "x") -> tuple[int, int, int]:
    """(C, H, W) of a (N, C, H, W) input; anything else is refused."""
    tensor(value, who, port)
    if len(value.shape) != 3:
        raise GraphError(f"{who} expects 4-D input (N, C, H, W); this port gives {value}.")
    return value.shape


def numel(shape: tuple[int, ...]) -> int:
    return math.prod(shape)
