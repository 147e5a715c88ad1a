"""Validation and shape inference over a whole graph.

Every node gets either its output values or one error sentence; a node whose
inputs are not known yet (an upstream error) gets neither, so the user sees the
first problem rather than a cascade. The editor validates after every edit, so the
edges are indexed once here rather than scanned per node.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from engine.errors import GraphError
from engine.graph.catalogue import PortValue, node_type
from engine.graph.gan import check_gan, is_gan
from engine.graph.model import Edge, Graph

KIND_WORDS = {"tensor": "a tensor", "target": "dataset targets", "loss": "a loss"}


@dataclass(frozen=True)
class DataSpec:
    """What the project's dataset puts on an Input node's ports."""

    x_shape: tuple[int, ...]
    y_shape: tuple[int, ...] = (1,)
    classes: int | None = None  # None for regression

    def ports(self) -> dict[str, PortValue]:
        return {"x": PortValue("tensor", self.x_shape), "y": PortValue("target", self.y_shape, self.classes)}


@dataclass
class Validation:
    order: list[str]
    values: dict[tuple[str, str], PortValue] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    param_counts: dict[str, int] = field(default_factory=dict)
    # loss outputs not connected onward: their sum is the training objective
    objective: list[tuple[str, str]] = field(default_factory=list)

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


def _order(graph: Graph, out_edges: dict[str, list[Edge]]) -> list[str]:
    """``Graph.topological_order`` on indexed edges: the same order, in linear time."""
    indeg = dict.fromkeys(graph.nodes, 0)
    for e in graph.edges:
        indeg[e.dst] += 1
    ready = deque(n for n in graph.nodes if indeg[n] == 0)
    order = []
    while ready:
        n = ready.popleft()
        order.append(n)
        for e in out_edges.get(n, ()):
            indeg[e.dst] -= 1
            if indeg[e.dst] == 0:
                ready.append(e.dst)
    if len(order) != len(graph.nodes):
        placed = set(order)
        stuck = next(n for n in graph.nodes if n not in placed)
        raise GraphError(f"The graph has a cycle through {graph.nodes[stuck].title}.", stuck)
    return order


def _wrong_kind(type_name: str, port, value: PortValue) -> str | None:
    if value.kind in port.kinds:
        return None
    want = " or ".join(KIND_WORDS[k] for k in port.kinds)
    hint = (
        "; connect an Output's loss, a Sampling's kl or a LossSum's total" if port.kinds == ("loss",) else ""
    )
    return f"{type_name} expects {want} on '{port.name}'; this port gives {value}{hint}."


def validate(graph: Graph, data: DataSpec) -> Validation:
    out_edges: dict[str, list[Edge]] = defaultdict(list)
    in_edges: dict[tuple[str, str], Edge] = {}
    for e in graph.edges:
        out_edges[e.src].append(e)
        in_edges[e.dst, e.dst_port] = e
    try:
        order = _order(graph, out_edges)
    except GraphError as err:
        return Validation([], errors={err.node_id or "": str(err)})
    result = Validation(order)
    for node_id in order:
        node = graph.nodes[node_id]
        spec = node_type(node.type)
        if node.type == "Input":
            outs = data.ports()
        else:
            inputs, missing, waiting, wrong = {}, None, False, None
            for port in spec.inputs:
                edge = in_edges.get((node_id, port.name))
                if edge is None:
                    if port.name not in spec.optional_inputs:
                        missing = missing or port.name
                elif (edge.src, edge.src_port) in result.values:
                    value = result.values[edge.src, edge.src_port]
                    wrong = wrong or _wrong_kind(node.type, port, value)
                    inputs[port.name] = value
                else:
                    waiting = True
            if missing:
                result.errors[node_id] = f"Input '{missing}' of {node.title} is not connected."
                continue
            if waiting:
                continue  # an upstream error
            if wrong:
                result.errors[node_id] = wrong
                continue
            try:
                outs = spec.infer(node.params, inputs)
                result.param_counts[node_id] = spec.count_params(node.params, inputs)
            except GraphError as err:
                result.errors[node_id] = str(err)
                continue
        used = {e.src_port for e in out_edges.get(node_id, ())}
        for out_port, value in outs.items():
            result.values[node_id, out_port] = value
            if value.kind == "loss" and out_port not in used:
                result.objective.append((node_id, out_port))
    if not graph.nodes_of_type("Input"):
        result.errors.setdefault("", "The graph has no Input node; add one for the dataset.")
    if is_gan(graph):  # G1 (issue 11): a GAN's losses come from its Adversarial node
        check_gan(graph, data.x_shape, result.values, result.errors)
    elif not graph.nodes_of_type("Output"):
        result.errors.setdefault("", "The graph has no Output node; add one to give it a loss.")
    return result
