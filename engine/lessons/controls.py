"""The playground controls a lesson step may set, as pure edits of a project.

The window and the headless runner make the same edit: ``set_controls`` returns an
edited copy (``engine.edits.edited``: epoch 0, no weights, the head fitted to the
data) for controls that need a rebuild; the learning rate and the stop epochs are
live settings (``LIVE``) that a running session takes without a restart.
"""

from __future__ import annotations

from engine.edits import edited
from engine.errors import NodeplayError
from engine.graph.catalogue import ACTIVATIONS, FEATURES, INITS
from engine.graph.mlp import describe_mlp
from engine.lessons.graph_controls import GRAPH_CONTROLS, check_graph_controls, set_graph_controls
from engine.project import Project
from engine.project_schema import excerpt
from engine.settings import data_from_dict, to_dict, train_from_dict

# control name -> the data setting it sets
DATA = {
    "dataset": "name",
    "noise": "noise",
    "samples": "samples",
    "train_percent": "train_percent",
    "classes": "classes",
}
TRAIN = ("learning_rate", "optimizer", "batch_size", "regularization", "reg_rate", "stop_epochs")
SHAPE = ("hidden", "activation", "features", "init")
CONTROLS = (*DATA, *TRAIN, *SHAPE, *GRAPH_CONTROLS)  # S-L2: β, gan_loss, d_steps (graph parameters)
LIVE = frozenset({"learning_rate", "stop_epochs"})  # taken by a running session as they are
MAX_LAYERS, MAX_UNITS = 6, 8  # the playground's own limits


def is_live(values: dict) -> bool:
    """Whether every control in ``values`` is a live setting (no rebuild, no reset)."""
    return set(values) <= LIVE


def set_controls(project: Project, values: dict, where: str = "The step") -> Project:
    """An edited copy of ``project`` with the controls in ``values`` set; NodeplayError
    (one sentence naming the control) when a name or a value cannot be used."""
    unknown = sorted(set(values) - set(CONTROLS))
    if unknown:
        raise NodeplayError(
            f"{where} sets '{excerpt(unknown[0])[1:-1]}', which is no control; "
            f"a step may set {', '.join(CONTROLS)}."
        )
    shape_values = {k: v for k, v in values.items() if k in SHAPE}
    if shape_values and describe_mlp(project.graph) is None:
        raise NodeplayError(
            f"{where} sets '{next(iter(shape_values))}', but this preset's network is not "
            "a layered perceptron the playground's controls can edit."
        )
    for name, value in shape_values.items():
        _check_shape(name, value, where)
    graph_values = {k: v for k, v in values.items() if k in GRAPH_CONTROLS}
    check_graph_controls(project.graph, graph_values, where)

    def mutate(p: Project) -> None:
        data = to_dict(p.data) | {DATA[k]: v for k, v in values.items() if k in DATA}
        train = to_dict(p.train) | {k: v for k, v in values.items() if k in TRAIN}
        try:
            p.data, p.train = data_from_dict(data), train_from_dict(train)
        except NodeplayError as err:
            raise NodeplayError(f"{where} cannot be taken: {err}") from None
        set_graph_controls(p.graph, graph_values)

    def shape_edit(shape) -> None:
        if "hidden" in shape_values:
            shape.hidden = list(shape_values["hidden"])
        if "activation" in shape_values:
            shape.set_activation(shape_values["activation"])
        if "features" in shape_values:
            shape.features = list(shape_values["features"])
        if "init" in shape_values:
            shape.init = shape_values["init"]
        # per-layer lists must stay as long as the layers
        shape.activations = shape.dropout = shape.batchnorm = shape.residual = None

    if is_live(values):
        new = project.copy()  # keeps the weights and the epoch, as the live edit does
        mutate(new)
        return new
    return edited(project, mutate, shape_edit if shape_values else None)


def _check_shape(name: str, value, where: str) -> None:
    if name == "hidden":
        ok = (
            isinstance(value, list)
            and len(value) <= MAX_LAYERS
            and all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_UNITS for v in value)
        )
        expect = f"a list of at most {MAX_LAYERS} layer widths from 1 to {MAX_UNITS}"
    elif name == "features":
        ok = isinstance(value, list) and 0 < len(value) and all(v in FEATURES for v in value)
        expect = f"a list of inputs from {', '.join(FEATURES)}"
    else:
        choices = ACTIVATIONS if name == "activation" else INITS
        ok = value in choices
        expect = f"one of {', '.join(choices)}"
    if not ok:
        raise NodeplayError(f"{where} sets '{name}' to {excerpt(value)}; it must be {expect}.")
