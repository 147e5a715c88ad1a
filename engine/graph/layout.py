"""Automatic layout: a layered left-to-right drawing of a graph (Sugiyama-style, simplified).

A pure function of the graph and the node sizes, so the editor applies its result as
one undoable move and tests check it without a GUI. Each node goes in the layer after
its deepest input (longest path), layers are ordered by a few barycenter sweeps to
reduce crossings, and columns are as wide as their widest node.
"""

from __future__ import annotations

from engine.graph.model import Graph

Size = tuple[float, float]
DEFAULT_SIZE: Size = (160.0, 80.0)


def layers(graph: Graph) -> dict[str, int]:
    """Layer index of every node: 0 for nodes without inputs, else one past its deepest input."""
    depth = {n: 0 for n in graph.nodes}
    for node_id in graph.topological_order():
        for e in graph.outgoing(node_id):
            depth[e.dst] = max(depth[e.dst], depth[node_id] + 1)
    return depth


def _order_layers(graph: Graph, depth: dict[str, int], sweeps: int) -> list[list[str]]:
    columns: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node_id in graph.topological_order():  # stable start: the graph's own order
        columns[depth[node_id]].append(node_id)
    preds: dict[str, list[str]] = {n: [] for n in graph.nodes}
    succs: dict[str, list[str]] = {n: [] for n in graph.nodes}
    for e in graph.edges:
        preds[e.dst].append(e.src)
        succs[e.src].append(e.dst)

    def reorder(col: list[str], neighbours: dict[str, list[str]], rank: dict[str, int]):
        def key(item):
            i, n = item
            near = [rank[m] for m in neighbours[n] if m in rank]
            return (sum(near) / len(near) if near else i, i)
        return [n for _, n in sorted(enumerate(col), key=key)]

    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        indices = range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)
        for c in indices:
            other = columns[c - 1] if forward else columns[c + 1]
            rank = {n: i for i, n in enumerate(other)}
            columns[c] = reorder(columns[c], preds if forward else succs, rank)
    return columns


def layered_layout(graph: Graph, sizes: dict[str, Size] | None = None, *, gap_x: float = 70.0,
                   gap_y: float = 36.0, sweeps: int = 4) -> dict[str, tuple[float, float]]:
    """Top-left position of every node: inputs on the left, data flowing right.

    ``sizes`` gives each node's (width, height); missing ones use DEFAULT_SIZE. Columns
    are centred on y = 0 and start at x = 0.
    """
    if not graph.nodes:
        return {}
    sizes = sizes or {}
    size = {n: sizes.get(n, DEFAULT_SIZE) for n in graph.nodes}
    columns = _order_layers(graph, layers(graph), sweeps)
    out: dict[str, tuple[float, float]] = {}
    x = 0.0
    for col in columns:
        height = sum(size[n][1] for n in col) + gap_y * (len(col) - 1)
        y = -height / 2
        for n in col:
            out[n] = (round(x, 1), round(y, 1))
            y += size[n][1] + gap_y
        x += max(size[n][0] for n in col) + gap_x
    return out
