"""Undo commands: every edit of the graph, each calling the model's methods both ways.

The canvas never changes the graph itself; it pushes one of these onto the editor's
QUndoStack. Each command tells its document what it touched (``notify(kind, ids)``),
and the document re-validates and refreshes the canvas (Orange's scheme/canvas split).

Edit kinds, the rule the main window relies on to decide whether to rebuild the model:
  "structure"  nodes or edges added or removed, or a parameter that changes shapes,
               weights or the loss wiring;
  "params"     a parameter the running model can take without a rebuild: those the
               catalogue marks live (Param.live; see param_edit_kind). Activation.fn
               has no weights either, but the built module holds the function, so it
               counts as "structure" until the session can swap it in place;
  "layout"     moves, blocks (groups) and labels: nothing the model sees.
"""

from __future__ import annotations

import copy
import time
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from engine.graph import Edge, Graph, graph_from_dict
from engine.graph.catalogue import CATALOGUE


def param_edit_kind(node_type: str, names) -> str:
    """ "params" when every changed parameter is live (``Param.live`` in the catalogue: a
    running session takes it without a rebuild, e.g. Dropout.p, Output.weight, LossSum's
    weights), else "structure"."""
    live = {p.name for p in CATALOGUE[node_type].params if getattr(p, "live", False)}
    return "params" if set(names) <= live else "structure"


class Document(Protocol):
    graph: Graph

    def notify(self, kind: str, ids: list[str]) -> None: ...


def _state(graph: Graph):
    """What removing things can disturb besides the things themselves: orders and blocks."""
    return list(graph.nodes), list(graph.edges), copy.deepcopy(graph.groups)


def _restore_order(graph: Graph, state) -> None:
    # Validation (and so layer creation and seeded initial weights) follows the node order,
    # so an undo puts nodes and edges back exactly where they were.
    node_order, edge_order, groups = state
    graph.nodes = {k: graph.nodes[k] for k in node_order if k in graph.nodes} | {
        k: v for k, v in graph.nodes.items() if k not in node_order
    }
    rank = {e: i for i, e in enumerate(edge_order)}
    graph.edges.sort(key=lambda e: rank.get(e, len(rank)))
    graph.groups.clear()
    for name, ids in groups.items():
        graph.add_group(name, ids)


class _Command(QUndoCommand):
    kind = "structure"

    def __init__(self, doc: Document, text: str):
        super().__init__(text)
        self.doc = doc

    @property
    def graph(self) -> Graph:
        return self.doc.graph


class AddNode(_Command):
    def __init__(self, doc, type_name: str, pos, params: dict | None = None, label: str = ""):
        super().__init__(doc, f"Add {type_name}")
        self.type_name, self.pos, self.params, self.label = type_name, tuple(pos), params, label
        self.node_id: str | None = None  # chosen on the first redo, reused after

    def redo(self):
        node = self.graph.add_node(
            self.type_name, self.params, id=self.node_id, pos=self.pos, label=self.label
        )
        self.node_id = node.id
        self.doc.notify(self.kind, [node.id])

    def undo(self):
        self.graph.remove_node(self.node_id)
        self.doc.notify(self.kind, [self.node_id])


class RemoveItems(_Command):
    """Delete nodes (with their edges) and single edges, as one step."""

    def __init__(self, doc, node_ids, edges=()):
        n = len(node_ids) + len(edges)
        super().__init__(doc, f"Delete {n} item{'s' if n != 1 else ''}")
        self.node_ids, self.edges = (
            list(node_ids),
            [e for e in edges if e.src not in node_ids and e.dst not in node_ids],
        )
        self.saved = None

    def redo(self):
        self.saved = _state(self.graph)
        self.removed, self.dropped = [], []
        for e in self.edges:
            self.graph.disconnect(e)
        for node_id in self.node_ids:
            node, dropped = self.graph.remove_node(node_id)
            self.removed.append(copy.deepcopy(node))
            self.dropped.extend(dropped)
        self.doc.notify(self.kind, self._touched())

    def undo(self):
        for n in self.removed:
            self.graph.add_node(n.type, n.params, id=n.id, pos=n.pos, label=n.label)
        for e in [*self.dropped, *self.edges]:
            self.graph.connect(e.src, e.src_port, e.dst, e.dst_port)
        _restore_order(self.graph, self.saved)
        self.doc.notify(self.kind, self._touched())

    def _touched(self):
        return list(dict.fromkeys([*self.node_ids, *(e.dst for e in self.edges)]))


class Connect(_Command):
    def __init__(self, doc, src, src_port, dst, dst_port):
        super().__init__(doc, f"Connect {src}.{src_port} to {dst}.{dst_port}")
        self.edge = Edge(src, src_port, dst, dst_port)

    def redo(self):
        e = self.edge
        self.graph.connect(e.src, e.src_port, e.dst, e.dst_port)
        self.doc.notify(self.kind, [e.src, e.dst])

    def undo(self):
        self.graph.disconnect(self.edge)
        self.doc.notify(self.kind, [self.edge.src, self.edge.dst])


MERGE_SECONDS = 1.5  # spinbox clicks or nudges in quick succession are one undo step


class _Mergeable(_Command):
    """Merges with the next command of its class on the same target, if it comes quickly."""

    ID = 1

    def id(self) -> int:
        return self.ID

    def key(self):
        raise NotImplementedError

    def mergeWith(self, other) -> bool:
        if (
            type(other) is not type(self)
            or other.key() != self.key()
            or other.stamp - self.stamp > MERGE_SECONDS
        ):
            return False
        self.absorb(other)
        self.stamp = other.stamp
        return True


class SetParams(_Mergeable):
    ID = 1

    def __init__(self, doc, node_id: str, params: dict):
        node = doc.graph.node(node_id)
        super().__init__(doc, f"Change {', '.join(params)} of {node.title}")
        self.node_id, self.new = node_id, dict(params)
        self.kind = param_edit_kind(node.type, params)
        self.old: dict | None = None
        self.stamp = time.monotonic()

    def key(self):
        return self.node_id, tuple(sorted(self.new))

    def absorb(self, other) -> None:
        self.new = other.new  # self.old keeps the values from before the first edit

    def redo(self):
        self.old = self.graph.set_params(self.node_id, **self.new)
        self.doc.notify(self.kind, [self.node_id])

    def undo(self):
        self.graph.set_params(self.node_id, **self.old)
        self.doc.notify(self.kind, [self.node_id])


class SetLabel(_Command):
    kind = "layout"

    def __init__(self, doc, node_id: str, label: str):
        super().__init__(doc, f"Rename {doc.graph.node(node_id).title}")
        self.node_id, self.new, self.old = node_id, label, doc.graph.node(node_id).label

    def redo(self):
        self.graph.node(self.node_id).label = self.new
        self.doc.notify(self.kind, [self.node_id])

    def undo(self):
        self.graph.node(self.node_id).label = self.old
        self.doc.notify(self.kind, [self.node_id])


class MoveNodes(_Mergeable):
    """One drag, layout or nudge: every node's old and new position in one step.

    Only nudges (arrow keys) merge: a drag is already one command.
    """

    ID = 2
    kind = "layout"

    def __init__(self, doc, moves: dict[str, tuple], text: str = "Move"):
        n = len(moves)
        super().__init__(doc, f"{text} {n} node{'s' if n != 1 else ''}" if text == "Move" else text)
        self.new = {k: (float(v[0]), float(v[1])) for k, v in moves.items()}
        self.old = {k: tuple(doc.graph.node(k).pos) for k in moves}
        self.stamp = time.monotonic()
        self.text_ = text

    def id(self) -> int:
        return self.ID if self.text_ == "Nudge" else -1

    def key(self):
        return tuple(sorted(self.new))

    def absorb(self, other) -> None:
        self.new = other.new

    def _apply(self, where):
        for node_id, pos in where.items():
            self.graph.node(node_id).pos = pos
        self.doc.notify(self.kind, list(where))

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)


class _GroupsCommand(_Command):
    """Block edits: the model call on redo, the whole (tiny) block table restored on undo."""

    kind = "layout"

    def __init__(self, doc, text: str, ids):
        super().__init__(doc, text)
        self.ids = list(ids)
        self.before = None

    def redo(self):
        self.before = copy.deepcopy(self.graph.groups)
        self.apply()
        self.doc.notify(self.kind, self.ids)

    def undo(self):
        for name in list(self.graph.groups):
            self.graph.remove_group(name)
        for name, ids in self.before.items():
            self.graph.add_group(name, ids)
        self.doc.notify(self.kind, self.ids)


class Group(_GroupsCommand):
    def __init__(self, doc, name: str, node_ids):
        super().__init__(doc, f"Group as '{name}'", node_ids)
        self.name = name

    def apply(self):
        self.graph.add_group(self.name, self.ids)


class Ungroup(_GroupsCommand):
    def __init__(self, doc, name: str):
        super().__init__(doc, f"Ungroup '{name}'", doc.graph.groups.get(name, []))
        self.name = name

    def apply(self):
        self.graph.remove_group(self.name)


class RenameGroup(_GroupsCommand):
    def __init__(self, doc, old: str, new: str):
        super().__init__(doc, f"Rename block '{old}'", doc.graph.groups.get(old, []))
        self.old_name, self.new_name = old, new

    def apply(self):
        ids = self.graph.remove_group(self.old_name)
        self.graph.add_group(self.new_name, ids)


class AddFragment(_Command):
    """Paste or duplicate: a graph fragment added with fresh ids, edges inside it only."""

    def __init__(self, doc, fragment: dict, offset=(0.0, 0.0), text: str = "Paste"):
        super().__init__(doc, text)
        self.fragment, self.offset = fragment, offset
        self.ids: dict[str, str] | None = None  # fragment id -> graph id, fixed on first redo

    def redo(self):
        part = graph_from_dict(self.fragment)  # checked like a file
        first = self.ids is None
        if first:
            self.ids = {}
        for node in part.nodes.values():
            pos = (node.pos[0] + self.offset[0], node.pos[1] + self.offset[1])
            new = self.graph.add_node(
                node.type, node.params, pos=pos, label=node.label, id=None if first else self.ids[node.id]
            )
            self.ids[node.id] = new.id
        for e in part.edges:
            self.graph.connect(self.ids[e.src], e.src_port, self.ids[e.dst], e.dst_port)
        for name, members in part.groups.items():
            fresh = name
            while fresh in self.graph.groups:
                fresh += " copy"
            self.graph.add_group(fresh, [self.ids[m] for m in members])
        self.doc.notify(self.kind, list(self.ids.values()))

    def undo(self):
        for node_id in self.ids.values():
            self.graph.remove_node(node_id)
        self.doc.notify(self.kind, list(self.ids.values()))
