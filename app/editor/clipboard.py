"""Copy and paste: a fragment of the graph as JSON text on the system clipboard.

A fragment is the graph's own JSON form restricted to the chosen nodes, the edges
between them and the blocks wholly inside them, wrapped with a marker so that other
text on the clipboard is not mistaken for nodes.
"""

from __future__ import annotations

import json

from engine.errors import NodeplayError
from engine.graph import Graph, graph_from_dict, graph_to_dict
from engine.project_schema import decode_json

MARKER = "nodeplay-fragment"


def fragment(graph: Graph, node_ids) -> dict:
    chosen = set(node_ids)
    part = Graph()
    for node_id in graph.nodes:  # graph order, so a paste keeps the original order
        if node_id in chosen:
            n = graph.nodes[node_id]
            part.add_node(n.type, n.params, id=n.id, pos=n.pos, label=n.label)
    for e in graph.edges:
        if e.src in chosen and e.dst in chosen:
            part.connect(e.src, e.src_port, e.dst, e.dst_port)
    for name, members in graph.groups.items():
        if set(members) <= chosen:
            part.add_group(name, members)
    return graph_to_dict(part)


def to_text(frag: dict) -> str:
    return json.dumps({MARKER: 1, "graph": frag})


def from_text(text: str) -> dict | None:
    """The fragment in clipboard text, or None when the text holds none (plain text, damage)."""
    try:  # the same door as project files: deep nesting and huge numbers are refused too
        data = decode_json(text, "The clipboard text")
    except (NodeplayError, TypeError):
        return None
    if not isinstance(data, dict) or data.get(MARKER) != 1:
        return None
    try:
        graph_from_dict(data.get("graph"))  # checked before any command is made from it
    except NodeplayError:  # GraphError included
        return None
    return data["graph"]


def bounds(frag: dict) -> tuple[float, float]:
    """Top-left corner of the fragment's node positions."""
    xs = [n["pos"][0] for n in frag["nodes"]] or [0.0]
    ys = [n["pos"][1] for n in frag["nodes"]] or [0.0]
    return min(xs), min(ys)
