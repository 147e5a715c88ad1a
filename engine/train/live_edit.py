"""Editing a graph while it trains: what a rebuilt model keeps of the old one.

A structural edit (a node or edge added or removed, a parameter that changes shapes or
weights) rebuilds the model. Every node that exists in both graphs with the same type
and the same non-live parameters keeps its trained parameters and buffers (state-dict
keys ``layers.<node id>.<name>``) when their shapes still match; the optimizer keeps
its settings and, for those parameters, its per-parameter state (Adam's moments,
momentum). Changed and new nodes start from the seeded initial weights.

A live edit (parameters the catalogue marks ``Param.live``: Dropout's p, Output's
weight, LossSum's weights) changes the running model in place.
"""

from __future__ import annotations

import torch

from engine.graph import Graph, node_type


def live_names(type_name: str) -> set[str]:
    return {p.name for p in node_type(type_name).params if getattr(p, "live", False)}


def fixed_params(graph: Graph, node_id: str) -> dict:
    """The node's parameters a running model cannot take without a rebuild."""
    node = graph.nodes[node_id]
    live = live_names(node.type)
    return {k: v for k, v in node.params.items() if k not in live}


def unchanged_nodes(old: Graph, new: Graph) -> set[str]:
    """Node ids in both graphs with the same type and the same non-live parameters."""
    return {
        n
        for n in old.nodes.keys() & new.nodes.keys()
        if old.nodes[n].type == new.nodes[n].type and fixed_params(old, n) == fixed_params(new, n)
    }


def only_live_changes(old: Graph, new: Graph) -> bool:
    """True when the graphs differ at most in live parameters (and node positions)."""
    return (
        old.nodes.keys() == new.nodes.keys()
        and set(old.edges) == set(new.edges)
        and unchanged_nodes(old, new) == set(new.nodes)
    )


def live_changes(old: Graph, new: Graph) -> list[tuple[str, str, float]]:
    """(node id, name, value) of every live parameter that differs between the graphs."""
    out = []
    for n in old.nodes.keys() & new.nodes.keys():
        if old.nodes[n].type != new.nodes[n].type:
            continue
        for name in sorted(live_names(new.nodes[n].type)):
            value = new.nodes[n].params.get(name)
            if value is not None and old.nodes[n].params.get(name) != value:
                out.append((n, name, float(value)))  # live parameters are numbers
    return out


def node_of(key: str) -> str | None:
    """The node id of a state-dict key ``layers.<node id>.<name>``."""
    parts = key.split(".")
    return parts[1] if len(parts) >= 3 and parts[0] == "layers" else None


@torch.no_grad()
def carry_state(old_model: torch.nn.Module, new_model: torch.nn.Module, keep: set[str]) -> set[str]:
    """Copy the parameters and buffers of the nodes in ``keep`` from the old model into
    the new one where the shapes match; returns the ids of the nodes carried over."""
    old_state = old_model.state_dict()
    carried: set[str] = set()
    refused: set[str] = set()
    plan: list[tuple[str, str, torch.Tensor]] = []  # (node id, key, new value)
    for key, value in new_model.state_dict().items():
        node = node_of(key)
        if node is None or node not in keep:
            continue
        if key not in old_state or old_state[key].shape != value.shape:
            refused.add(node)
            continue
        plan.append((node, key, value))
    for node, key, value in plan:  # a node is carried whole or not at all
        if node not in refused:
            value.copy_(old_state[key])
            carried.add(node)
    return carried


def carry_optimizer_state(
    old_opt: torch.optim.Optimizer,
    new_opt: torch.optim.Optimizer,
    old_model: torch.nn.Module,
    new_model: torch.nn.Module,
    carried: set[str],
) -> None:
    """Hand the per-parameter state (moments, momentum) of carried nodes to the new
    optimizer; parameters of new or changed nodes start with none."""
    old_params = dict(old_model.named_parameters())
    for name, param in new_model.named_parameters():
        old = old_params.get(name)
        if node_of(name) in carried and old is not None and old in old_opt.state:
            new_opt.state[param] = old_opt.state[old]
