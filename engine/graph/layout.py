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
DUMMY = "~lane"
LANE = 12.0  # height kept free for a long edge passing a column


def layers(graph: Graph) -> dict[str, int]:
    """Layer index of every node: 0 for nodes without inputs, else one past its deepest input."""
    depth = {n: 0 for n in graph.nodes}
    for node_id in graph.topological_order():
        for e in graph.outgoing(node_id):
            depth[e.dst] = max(depth[e.dst], depth[node_id] + 1)
    return depth


def _order_layers(graph: Graph, depth: dict[str, int], sweeps: int):
    """Columns of node ids, plus placeholder ids for edges that skip columns.

    A long edge gets one placeholder per column it crosses (Sugiyama's dummy nodes), so
    that ordering leaves it a lane instead of drawing it behind the nodes it passes.
    """
    columns: list[list] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node_id in graph.topological_order():  # stable start: the graph's own order
        columns[depth[node_id]].append(node_id)
    preds: dict = {n: [] for n in graph.nodes}
    succs: dict = {n: [] for n in graph.nodes}
    for k, e in enumerate(graph.edges):
        chain = [e.src, *[(DUMMY, k, c) for c in range(depth[e.src] + 1, depth[e.dst])], e.dst]
        for c, dummy in enumerate(chain[1:-1], start=depth[e.src] + 1):
            columns[c].append(dummy)
            preds[dummy], succs[dummy] = [], []
        for a, b in zip(chain, chain[1:]):
            preds[b].append(a)
            succs[a].append(b)

    def reorder(col: list, neighbours: dict, rank: dict):
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
        heights = [size[n][1] if n in size else LANE for n in col]
        y = -(sum(heights) + gap_y * (len(col) - 1)) / 2
        for n, h in zip(col, heights):
            if n in size:
                out[n] = (round(x, 1), round(y, 1))
            y += h + gap_y
        x += max((size[n][0] for n in col if n in size), default=0.0) + gap_x
    return out
