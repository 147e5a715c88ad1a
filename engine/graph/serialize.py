"""The graph's JSON form: plain dicts, parsed and checked before a Graph is made."""

from __future__ import annotations

from engine.errors import GraphError
from engine.graph.model import Graph


def graph_to_dict(graph: Graph) -> dict:
    out = {
        "nodes": [{"id": n.id, "type": n.type, "params": n.params,
                   "pos": [round(float(n.pos[0]), 1), round(float(n.pos[1]), 1)],
                   **({"label": n.label} if n.label else {})}
                  for n in graph.nodes.values()],
        "edges": [{"from": f"{e.src}.{e.src_port}", "to": f"{e.dst}.{e.dst_port}"}
                  for e in graph.edges],
    }
    if graph.groups:  # optional, so files without blocks look as they always did
        out["groups"] = [{"name": name, "nodes": list(ids)} for name, ids in graph.groups.items()]
    return out


def _port_ref(text, where: str) -> tuple[str, str]:
    if not isinstance(text, str) or "." not in text:
        raise GraphError(f"Edge {where} must look like 'node.port', not {text!r}.")
    node, port = text.rsplit(".", 1)
    return node, port


def graph_from_dict(data: object) -> Graph:  # anything read from a file: checked here
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise GraphError("The graph must be an object with a list of 'nodes'.")
    graph = Graph()
    for i, item in enumerate(data["nodes"]):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or "type" not in item:
            raise GraphError(f"Node #{i + 1} needs a text 'id' and a 'type'.")
        params = item.get("params", {})
        if not isinstance(params, dict):
            raise GraphError(f"The parameters of node '{item['id']}' must be an object.", item["id"])
        pos = item.get("pos", [0, 0])
        if (not isinstance(pos, list) or len(pos) != 2
                or not all(isinstance(v, int | float) for v in pos)):
            raise GraphError(f"The position of node '{item['id']}' must be two numbers.", item["id"])
        graph.add_node(item["type"], params, id=item["id"], pos=tuple(pos),
                       label=str(item.get("label", "")))
    for item in data.get("edges", []):
        if not isinstance(item, dict):
            raise GraphError("Each edge must be an object with 'from' and 'to'.")
        src = _port_ref(item.get("from"), "'from'")
        dst = _port_ref(item.get("to"), "'to'")
        graph.connect(*src, *dst)
    groups = data.get("groups", [])
    if not isinstance(groups, list):
        raise GraphError("The graph's 'groups' must be a list of blocks.")
    for item in groups:
        if (not isinstance(item, dict) or not isinstance(item.get("name"), str)
                or not isinstance(item.get("nodes"), list)
                or not all(isinstance(n, str) for n in item["nodes"])):
            raise GraphError("Each block in 'groups' needs a text 'name' and a list of node ids.")
        graph.add_group(item["name"], item["nodes"])
    return graph
