"""A left-to-right layered layout, for graphs written by code (presets, imports).

Each node's column is its longest path from a source, so every edge points right;
within a column, each node sits as near the mean height of the nodes feeding it as
the spacing allows, which keeps a chain straight and a branch next to where it leaves.
"""

from __future__ import annotations

from engine.graph.model import Graph

X_STEP, Y_STEP = 190.0, 130.0  # the perceptron layout's spacing (engine.graph.mlp)


def layered_positions(graph: Graph, x_step: float = X_STEP,
                      y_step: float = Y_STEP) -> dict[str, tuple[float, float]]:
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
        want = {n: (sum(pos[s][1] for s in feeds[n]) / len(feeds[n]) if feeds[n] else 0.0)
                for n in ids}
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
