"""Graph model, node catalogue, validation and JSON form."""

from engine.graph.catalogue import CATALOGUE, PortValue, node_type
from engine.graph.model import Edge, Graph, Node
from engine.graph.serialize import graph_from_dict, graph_to_dict
from engine.graph.validate import DataSpec, Validation, validate

__all__ = [
    "CATALOGUE",
    "DataSpec",
    "Edge",
    "Graph",
    "Node",
    "PortValue",
    "Validation",
    "graph_from_dict",
    "graph_to_dict",
    "node_type",
    "validate",
]
