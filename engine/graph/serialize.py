"""The graph's JSON form: plain dicts, parsed and checked before a Graph is made."""

from __future__ import annotations

from engine.errors import GraphError
from engine.graph.model import Graph
from engine.project_schema import GraphRecord, check


def graph_to_dict(graph: Graph) -> dict:
    out = {
        "nodes": [
            {
                "id": n.id,
                "type": n.type,
                "params": n.params,
                "pos": [round(float(n.pos[0]), 1), round(float(n.pos[1]), 1)],
                **({"label": n.label} if n.label else {}),
            }
            for n in graph.nodes.values()
        ],
        "edges": [{"from": f"{e.src}.{e.src_port}", "to": f"{e.dst}.{e.dst_port}"} for e in graph.edges],
    }
    if graph.groups:  # optional, so files without blocks look as they always did
        out["groups"] = [{"name": name, "nodes": list(ids)} for name, ids in graph.groups.items()]
    return out


def _port_ref(text: str, where: str) -> tuple[str, str]:
    if "." not in text:
        raise GraphError(f"Edge {where} must look like 'node.port', not '{text[:60]}'.")
    node, port = text.rsplit(".", 1)
    return node, port


def graph_from_dict(data: object) -> Graph:  # anything read from a file or pasted: checked here
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise GraphError("The graph must be an object with a list of 'nodes'.")
    record = check(data, GraphRecord, "The graph", GraphError)
    graph = Graph()
    for node in record.nodes:
        graph.add_node(node.type, dict(node.params), id=node.id, pos=node.pos, label=node.label)
    for edge in record.edges:
        graph.connect(*_port_ref(edge.src, "'from'"), *_port_ref(edge.dst, "'to'"))
    for group in record.groups:
        graph.add_group(group.name, group.nodes)
    return graph
