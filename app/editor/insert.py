"""Inserting a node into a chain: after a selected node, taking over its outgoing edges.

Planned on a copy of the graph (the edges that move are those whose move keeps the graph
as valid as before), then applied as one undo command with one notification, so the main
window never sees the half-done state (a new node with its input still unconnected).
"""

from __future__ import annotations

from app.editor.commands import _Command, _restore_order, _state
from engine.graph import DataSpec, Edge, Graph, node_type, validate


def plan_insert(graph: Graph, spec: DataSpec, after: str, type_name: str) -> tuple[bool, list[Edge]]:
    """Whether ``after`` can feed a new ``type_name`` node, and which of its outgoing edges
    (from its first output) can then come from the new node instead without a new problem."""
    outs = node_type(graph.nodes[after].type).outputs
    ins = node_type(type_name).inputs
    if not outs or not ins:
        return False, []
    trial = graph.copy()
    new = trial.add_node(type_name).id
    trial.connect(after, outs[0].name, new, ins[0].name)
    base = validate(trial, spec)
    spec_new = node_type(type_name)
    ready = all(p == ins[0].name or p in spec_new.optional_inputs for p in spec_new.input_names)
    if ready and new in base.errors:  # it does not take this output (a shape or kind refusal)
        return False, []
    new_outs = node_type(type_name).outputs
    if not new_outs:
        return True, []
    moved = []
    for edge in [e for e in trial.outgoing(after) if e.src_port == outs[0].name and e.dst != new]:
        trial.disconnect(edge)
        trial.connect(new, new_outs[0].name, edge.dst, edge.dst_port)
        if set(validate(trial, spec).errors) <= set(base.errors):
            moved.append(edge)
        else:  # this consumer cannot take the new node's output: it stays on ``after``
            trial.disconnect(Edge(new, new_outs[0].name, edge.dst, edge.dst_port))
            trial.connect(edge.src, edge.src_port, edge.dst, edge.dst_port)
    return True, moved


class InsertNode(_Command):
    """Add a node after another; connect it and move the planned edges to its output,
    shifting the nodes downstream right by ``shift`` to make room."""

    def __init__(self, doc, type_name: str, pos, after: str, connect: bool, moved: list[Edge], shift: float):
        super().__init__(doc, f"Insert {type_name} after {doc.graph.nodes[after].title}")
        self.type_name, self.pos, self.after = type_name, tuple(pos), after
        self.connect, self.moved, self.shift = connect, list(moved), shift
        self.node_id: str | None = None  # chosen on the first redo, reused after
        self.saved = None
        self.old_pos: dict[str, tuple[float, float]] = {}

    def redo(self):
        g = self.graph
        self.saved = _state(g)
        node = g.add_node(self.type_name, id=self.node_id, pos=self.pos)
        self.node_id = node.id
        if self.connect:
            out = node_type(g.nodes[self.after].type).outputs[0].name
            g.connect(self.after, out, node.id, node_type(self.type_name).inputs[0].name)
        new_out = node_type(self.type_name).outputs[0].name if self.moved else ""
        for e in self.moved:
            g.disconnect(e)
            g.connect(node.id, new_out, e.dst, e.dst_port)
        self.old_pos = {}
        for n in self._downstream():
            self.old_pos[n] = g.nodes[n].pos
            g.nodes[n].pos = (round(g.nodes[n].pos[0] + self.shift, 1), g.nodes[n].pos[1])
        self.doc.notify(self.kind, [node.id, self.after, *(e.dst for e in self.moved)])

    def undo(self):
        g = self.graph
        for n, pos in self.old_pos.items():
            g.nodes[n].pos = pos
        g.remove_node(self.node_id)
        for e in self.moved:
            g.connect(e.src, e.src_port, e.dst, e.dst_port)
        _restore_order(g, self.saved)
        self.doc.notify(self.kind, [self.node_id, self.after, *(e.dst for e in self.moved)])

    def _downstream(self) -> list[str]:
        """The nodes fed (directly or not) by the moved edges that lie right of the new one."""
        if not self.moved or not self.shift:
            return []
        g, seen, todo = self.graph, set(), [e.dst for e in self.moved]
        while todo:
            n = todo.pop()
            if n not in seen and n != self.node_id:
                seen.add(n)
                todo.extend(e.dst for e in g.outgoing(n))
        return [n for n in g.nodes if n in seen and g.nodes[n].pos[0] >= self.pos[0] - 1]
