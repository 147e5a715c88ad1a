"""Validation and shape inference over a whole graph.

Every node gets either its output values or one error sentence; a node whose
inputs are not known yet (an upstream error) gets neither, so the user sees the
first problem rather than a cascade.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import GraphError
from engine.graph.catalogue import PortValue, node_type
from engine.graph.model import Graph


@dataclass(frozen=True)
class DataSpec:
    """What the project's dataset puts on an Input node's ports."""

    x_shape: tuple[int, ...]
    y_shape: tuple[int, ...] = (1,)
    classes: int | None = None  # None for regression

    def ports(self) -> dict[str, PortValue]:
        return {"x": PortValue("tensor", self.x_shape),
                "y": PortValue("target", self.y_shape, self.classes)}


@dataclass
class Validation:
    order: list[str]
    values: dict[tuple[str, str], PortValue] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    param_counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total_params(self) -> int:
        return sum(self.param_counts.values())

    def first_error(self) -> GraphError | None:
        for node_id in [*self.order, ""]:  # "" holds errors of the graph as a whole
            if node_id in self.errors:
                return GraphError(self.errors[node_id], node_id or None)
        return None

    def raise_if_invalid(self) -> None:
        err = self.first_error()
        if err is not None:
            raise err


def validate(graph: Graph, data: DataSpec) -> Validation:
    try:
        order = graph.topological_order()
    except GraphError as err:
        return Validation([], errors={err.node_id: str(err)})
    result = Validation(order)
    for node_id in order:
        node = graph.nodes[node_id]
        spec = node_type(node.type)
        if node.type == "Input":
            outs = data.ports()
        else:
            inputs, missing = {}, None
            for port in spec.inputs:
                edge = graph.incoming(node_id, port.name)
                if edge is None:
                    missing = missing or port.name
                elif (edge.src, edge.src_port) in result.values:
                    inputs[port.name] = result.values[edge.src, edge.src_port]
            if missing:
                result.errors[node_id] = f"Input '{missing}' of {node.title} is not connected."
                continue
            if len(inputs) < len(spec.inputs):
                continue  # waiting on an upstream error
            try:
                outs = spec.infer(node.params, inputs)
                result.param_counts[node_id] = spec.count_params(node.params, inputs)
            except GraphError as err:
                result.errors[node_id] = str(err)
                continue
        for port, value in outs.items():
            result.values[node_id, port] = value
    if not graph.nodes_of_type("Input"):
        result.errors.setdefault("", "The graph has no Input node; add one for the dataset.")
    if not graph.nodes_of_type("Output"):
        result.errors.setdefault("", "The graph has no Output node; add one to give it a loss.")
    return result
