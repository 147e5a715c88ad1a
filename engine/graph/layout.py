"""Left-to-right layered layouts: pure functions of the graph, no GUI.

``layered_layout`` is the editor's "Auto layout" (applied as one undoable move): it
knows each node's drawn size, orders columns by barycenter sweeps with lanes for long
edges (Sugiyama-style, simplified), and places each node near the mean height of the
nodes feeding it. ``layered_positions``/``lay_out`` place graphs written by code
(presets) on a fixed grid. In both, a node's column is its longest path from a source,
so every edge points right.
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
    return columns, preds


def layered_layout(
    graph: Graph,
    sizes: dict[str, Size] | None = None,
    *,
    gap_x: float = 70.0,
    gap_y: float = 36.0,
    sweeps: int = 4,
) -> dict[str, tuple[float, float]]:
    """Top-left position of every node: inputs on the left, data flowing right.

    ``sizes`` gives each node's (width, height); missing ones use DEFAULT_SIZE. Columns
    start at x = 0 and are as wide as their widest node; sources sit around y = 0.
    """
    if not graph.nodes:
        return {}
    sizes = sizes or {}
    size = {n: sizes.get(n, DEFAULT_SIZE) for n in graph.nodes}
    columns, preds = _order_layers(graph, layers(graph), sweeps)
    centre: dict = {}  # vertical centre of every node and lane placed so far
    out: dict[str, tuple[float, float]] = {}
    x = 0.0
    for col in columns:
        heights = [size[n][1] if n in size else LANE for n in col]
        wish = [sum(centre[p] for p in preds[n]) / len(preds[n]) if preds[n] else 0.0 for n in col]
        # each as near its feeders' mean as the column's order and spacing allow ...
        tops, bottom = [], None
        for h, w in zip(heights, wish):
            top = w - h / 2 if bottom is None else max(w - h / 2, bottom + gap_y)
            tops.append(top)
            bottom = top + h
        # ... then the whole column shifted to sit centred on those wishes
        shift = sum(w - (t + h / 2) for t, h, w in zip(tops, heights, wish)) / len(col)
        for n, t, h in zip(col, tops, heights):
            centre[n] = t + shift + h / 2
            if n in size:
                out[n] = (round(x, 1), round(t + shift, 1))
        x += max((size[n][0] for n in col if n in size), default=0.0) + gap_x
    return out


X_STEP, Y_STEP = 190.0, 130.0  # the perceptron layout's spacing (engine.graph.mlp)


def layered_positions(
    graph: Graph, x_step: float = X_STEP, y_step: float = Y_STEP
) -> dict[str, tuple[float, float]]:
    """{node id: (x, y)}, columns ``x_step`` apart, rows ``y_step`` apart, centred on y = 0."""
    order = graph.topological_order()
    feeds: dict[str, list[str]] = {n: [] for n in order}
    for e in graph.edges:
        feeds[e.dst].append(e.src)
    column: dict[str, int] = {}
    for n in order:
        column[n] = max((column[s] + 1 for s in feeds[n]), default=0)
    pos: dict[str, tuple[float, float]] = {}
    for c in range(max(column.values(), default=-1) + 1):
        ids = [n for n in order if column[n] == c]
        want = {n: (sum(pos[s][1] for s in feeds[n]) / len(feeds[n]) if feeds[n] else 0.0) for n in ids}
        ids.sort(key=lambda n: want[n])  # stable: ties keep the topological order
        ys: list[float] = []
        for n in ids:  # as close to the wish as the spacing allows, then centred on the wishes
            ys.append(want[n] if not ys else max(want[n], ys[-1] + y_step))
        shift = sum(want[n] - y for n, y in zip(ids, ys)) / len(ids)
        for n, y in zip(ids, ys):
            pos[n] = (c * x_step, round(y + shift, 1))
    return pos


def lay_out(graph: Graph, **spacing) -> Graph:
    """Set every node's ``pos`` from ``layered_positions``; returns the graph."""
    for node_id, xy in layered_positions(graph, **spacing).items():
        graph.nodes[node_id].pos = xy
    return graph
