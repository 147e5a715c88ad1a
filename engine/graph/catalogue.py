"""The node-type catalogue: every node type the editor offers, by name.

The types themselves live in ``nodes_basic`` (data, dense, element-wise, reshaping),
``nodes_image`` (convolution and pooling) and ``nodes_merge`` (merges, sampling and
losses); ``nodetype`` holds what they are made of. This module gathers them.
"""

from __future__ import annotations

from engine.errors import GraphError
from engine.graph import nodes_basic, nodes_gan, nodes_image, nodes_merge, nodes_poly
from engine.graph.nodetype import (
    ACTIVATIONS,
    FEATURES,
    INITS,
    LOSSES,
    PORT_KINDS,
    NodeType,
    Param,
    Port,
    PortValue,
)

CATALOGUE: dict[str, NodeType] = {
    t.name: t for t in [*nodes_basic.NODES, *nodes_image.NODES, *nodes_merge.NODES, *nodes_gan.NODES]
}
CATALOGUE.update((t.name, t) for t in nodes_poly.NODES)  # S-L2: polynomial features


def node_type(name: str) -> NodeType:
    try:
        return CATALOGUE[name]
    except KeyError:
        raise GraphError(f"Unknown node type '{name}'; known types are {', '.join(CATALOGUE)}.") from None


__all__ = [
    "ACTIVATIONS",
    "CATALOGUE",
    "FEATURES",
    "INITS",
    "LOSSES",
    "PORT_KINDS",
    "NodeType",
    "Param",
    "Port",
    "PortValue",
    "node_type",
]
