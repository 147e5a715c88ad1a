"""The node-type catalogue: ports, parameters and shape inference of every node.

Shapes are per sample, without the batch dimension: a Dense layer of 4 units
outputs ``(4,)``, shown to the user as ``(N, 4)``. Torch lives in ``engine.build``;
this module only reasons about shapes so that validation stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.errors import GraphError

ACTIVATIONS = ("linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu",
               "silu", "sine")
INITS = ("default", "zeros", "constant", "uniform", "normal", "xavier", "he")
LOSSES = ("cross_entropy", "bce", "mse", "l1")
# TF Playground's input features, computed from the two raw coordinates.
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")


@dataclass(frozen=True)
class PortValue:
    """What flows through a port: a float tensor or the dataset's targets."""

    kind: str  # "tensor" or "target"
    shape: tuple[int, ...]
    classes: int | None = None  # targets of a classification task

    def __str__(self) -> str:
        if self.kind == "target":
            return f"targets ({self.classes} classes)" if self.classes else "targets (N, 1)"
        return "(" + ", ".join(["N", *map(str, self.shape)]) + ")"


@dataclass(frozen=True)
class Port:
    name: str
    kind: str = "tensor"


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # int | float | bool | choice | features
    default: object
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    help: str = ""

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
            if not isinstance(value, list | tuple) or not value or any(
                    v not in self.choices for v in value):
                raise bad(f"must be a non-empty list drawn from {', '.join(self.choices)}")
            value = [c for c in self.choices if c in value]  # canonical order
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

    def port(self, name: str) -> Port:
        return next(p for p in (*self.inputs, *self.outputs) if p.name == name)

    def complete_params(self, given: dict, node_id: str | None = None) -> dict:
        """Defaults filled in, every value checked; unknown keys are refused."""
        known = {p.name: p for p in self.params}
        for key in given:
            if key not in known:
                raise GraphError(f"{self.name} has no parameter '{key}'.", node_id)
        return {name: p.check(given.get(name, p.default), self.name, node_id)
                for name, p in known.items()}


def _flat(value: PortValue, who: str, port: str = "x") -> int:
    if value.kind != "tensor":
        raise GraphError(f"{who} expects a tensor on '{port}'; this port gives {value}.")
    if len(value.shape) != 1:
        raise GraphError(f"{who} expects 2-D input (N, features); this port gives {value}.")
    return value.shape[0]


def _tensor(value: PortValue, who: str) -> PortValue:
    if value.kind != "tensor":
        raise GraphError(f"{who} expects a tensor; this port gives {value}.")
    return value


def _infer_features(p, i):
    n = _flat(i["x"], "Features")
    if n != 2:
        raise GraphError(f"Features expects the two coordinates (N, 2); this port gives {i['x']}.")
    return {"out": PortValue("tensor", (len(p["features"]),))}


def _infer_output(p, i):
    pred, target = _tensor(i["pred"], "Output"), i["target"]
    if target.kind != "target":
        raise GraphError(f"Output expects dataset targets on 'target'; this port gives {target}.")
    loss = p["loss"]
    if loss == "cross_entropy":
        if target.classes is None:
            raise GraphError("Cross-entropy needs class labels; this dataset is a regression "
                             "task, so choose the MSE or L1 loss.")
        if pred.shape != (target.classes,):
            raise GraphError(f"Cross-entropy over {target.classes} classes expects "
                             f"(N, {target.classes}); this port gives {pred}.")
    elif loss == "bce":
        if target.classes != 2:
            raise GraphError("Binary cross-entropy needs a two-class dataset; "
                             "use cross-entropy for more classes or MSE for regression.")
        if pred.shape != (1,):
            raise GraphError(f"Binary cross-entropy expects one logit (N, 1); this port gives {pred}.")
    else:
        if target.classes is not None:
            raise GraphError(f"{loss.upper()} compares numbers; this dataset has class labels, "
                             "so choose cross-entropy.")
        if pred.shape != target.shape:
            raise GraphError(f"{loss.upper()} expects predictions shaped like the targets "
                             f"{PortValue('tensor', target.shape)}; this port gives {pred}.")
    return {}


def _infer_add(p, i):
    a, b = _tensor(i["a"], "Add"), _tensor(i["b"], "Add")
    if a.shape != b.shape:
        raise GraphError(f"Add needs inputs of one shape; it gets {a} and {b}.")
    return {"out": a}


def _same(name):
    def infer(p, i):
        return {"out": _tensor(i["x"], name)}
    return infer


def _infer_batchnorm(p, i):
    _flat(i["x"], "BatchNorm")
    return {"out": i["x"]}


_T = (Port("x"),)
_OUT = (Port("out"),)

CATALOGUE: dict[str, NodeType] = {t.name: t for t in [
    NodeType("Input", "Data", (), (Port("x"), Port("y", "target")), (),
             infer=lambda p, i: {}, doc="The project's dataset: samples on x, targets on y."),
    NodeType("Features", "Data", _T, _OUT,
             (Param("features", "features", ["x1", "x2"], FEATURES,
                    help="Which features of the 2-D point the network sees."),),
             infer=_infer_features, doc="TF Playground's input features of a 2-D point."),
    NodeType("Dense", "Layers", _T, _OUT,
             (Param("units", "int", 4, low=1, high=4096, help="Number of neurons."),
              Param("bias", "bool", True),
              Param("init", "choice", "xavier", INITS, help="Weight initializer.")),
             infer=lambda p, i: (_flat(i["x"], "Dense"), {"out": PortValue("tensor", (p["units"],))})[1],
             count_params=lambda p, i: (i["x"].shape[0] + int(p["bias"])) * p["units"],
             doc="Fully connected layer: every output is a weighted sum of every input."),
    NodeType("Activation", "Layers", _T, _OUT,
             (Param("fn", "choice", "tanh", ACTIVATIONS),),
             infer=_same("Activation"), doc="Applies a non-linearity to every value."),
    NodeType("Dropout", "Layers", _T, _OUT,
             (Param("p", "float", 0.2, low=0.0, high=0.95, help="Probability of zeroing a value."),),
             infer=_same("Dropout"), doc="Zeroes random values while training."),
    NodeType("BatchNorm", "Layers", _T, _OUT, (),
             infer=_infer_batchnorm,
             count_params=lambda p, i: 2 * i["x"].shape[0],
             doc="Normalizes each feature over the batch."),
    NodeType("Add", "Merge", (Port("a"), Port("b")), _OUT, (),
             infer=_infer_add, doc="Adds two tensors of one shape (residual connection)."),
    NodeType("Output", "Output", (Port("pred"), Port("target", "target")), (),
             (Param("loss", "choice", "bce", LOSSES),
              Param("weight", "float", 1.0, low=0.0, help="Weight of this loss in the total.")),
             infer=_infer_output, doc="A prediction head and the loss that trains it."),
]}


def node_type(name: str) -> NodeType:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise GraphError(f"Unknown node type '{name}'; known types are "
                         f"{', '.join(CATALOGUE)}.") from None
