"""The graph model: nodes with parameters, edges between named ports.

Plain data, no torch and no Qt. The node editor mirrors this model and every edit
goes through the methods here, so that undo commands can call them in reverse.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field

from engine.errors import GraphError
from engine.graph.catalogue import node_type
from engine.project_schema import check_node_id, excerpt


@dataclass
class Node:
    id: str
    type: str
    params: dict = field(default_factory=dict)
    pos: tuple[float, float] = (0.0, 0.0)
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or self.type


@dataclass(frozen=True)
class Edge:
    """A connection from ``src`` node's output port to ``dst`` node's input port."""

    src: str
    src_port: str
    dst: str
    dst_port: str

    def __str__(self) -> str:
        return f"{self.src}.{self.src_port} -> {self.dst}.{self.dst_port}"


class Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        # named blocks of nodes drawn as one frame in the editor: name -> node ids
        self.groups: dict[str, list[str]] = {}

    # -- nodes -------------------------------------------------------------------
    def add_node(
        self,
        type_name: str,
        params: dict | None = None,
        *,
        id: str | None = None,
        pos: tuple[float, float] = (0.0, 0.0),
        label: str = "",
    ) -> Node:
        if not isinstance(type_name, str):
            raise GraphError(f"A node's type must be a name such as Dense, not {excerpt(type_name)}.")
        spec = node_type(type_name)  # raises GraphError for unknown types
        if id is None:
            id = self._fresh_id(type_name)
        check_node_id(id)  # ids name torch submodules and exported attributes
        if id in self.nodes:
            raise GraphError(f"A node with id '{id}' already exists.", id)
        node = Node(id, type_name, spec.complete_params(params or {}, id), (pos[0], pos[1]), label)
        self.nodes[id] = node
        return node

    def remove_node(self, node_id: str) -> tuple[Node, list[Edge]]:
        """Remove a node and its edges; returns both so an undo can restore them."""
        node = self.node(node_id)
        dropped = [e for e in self.edges if node_id in (e.src, e.dst)]
        self.edges = [e for e in self.edges if e not in dropped]
        del self.nodes[node_id]
        for name, members in list(self.groups.items()):
            if node_id in members:
                members.remove(node_id)
                if not members:  # an empty block has nothing left to frame
                    del self.groups[name]
        return node, dropped

    def set_params(self, node_id: str, **params) -> dict:
        """Update parameters; returns the previous values of the keys changed."""
        node = self.node(node_id)
        spec = node_type(node.type)
        merged = spec.complete_params({**node.params, **params}, node_id)
        old = {k: node.params.get(k) for k in params}
        node.params = merged
        return old

    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise GraphError(f"There is no node '{node_id}' in the graph.", node_id) from None

    def _fresh_id(self, type_name: str) -> str:
        stem = type_name.lower()
        for i in itertools.count(1):
            if f"{stem}{i}" not in self.nodes:
                return f"{stem}{i}"
        raise AssertionError("unreachable")

    # -- edges -------------------------------------------------------------------
    def connect(self, src: str, src_port: str, dst: str, dst_port: str) -> Edge:
        """Connect two ports after checking that both exist and the input is free.

        Shape compatibility is checked by validation, which sees the whole graph.
        """
        a, b = self.node(src), self.node(dst)
        if src_port not in node_type(a.type).output_names:
            raise GraphError(f"{a.title} has no output port '{src_port}'.", src)
        if dst_port not in node_type(b.type).input_names:
            raise GraphError(f"{b.title} has no input port '{dst_port}'.", dst)
        if src == dst:
            raise GraphError(f"{a.title} cannot be connected to itself.", src)
        if self.incoming(dst, dst_port) is not None:
            raise GraphError(f"Input '{dst_port}' of {b.title} is already connected.", dst)
        if dst in self.upstream(src):
            raise GraphError(f"Connecting {a.title} to {b.title} would make a cycle.", dst)
        edge = Edge(src, src_port, dst, dst_port)
        self.edges.append(edge)
        return edge

    def disconnect(self, edge: Edge) -> None:
        self.edges.remove(edge)

    def incoming(self, node_id: str, port: str) -> Edge | None:
        return next((e for e in self.edges if e.dst == node_id and e.dst_port == port), None)

    def outgoing(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.src == node_id]

    def upstream(self, node_id: str) -> set[str]:
        """Every node that feeds ``node_id``, directly or not, itself included."""
        seen, todo = set(), [node_id]
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(e.src for e in self.edges if e.dst == n)
        return seen

    # -- groups ------------------------------------------------------------------
    def add_group(self, name: str, node_ids: list[str]) -> None:
        """Make a named block; its nodes leave any block they were in (blocks do not nest)."""
        if not name.strip():
            raise GraphError("A block needs a name.")
        if name in self.groups:
            raise GraphError(f"A block named '{name}' already exists; choose another name.")
        ids = list(dict.fromkeys(node_ids))
        if not ids:
            raise GraphError("A block needs at least one node.")
        for node_id in ids:
            self.node(node_id)
        for other in list(self.groups):
            self.groups[other] = [n for n in self.groups[other] if n not in ids]
            if not self.groups[other]:
                del self.groups[other]
        self.groups[name] = ids

    def remove_group(self, name: str) -> list[str]:
        """Dissolve a block (its nodes stay); returns its members."""
        try:
            return self.groups.pop(name)
        except KeyError:
            raise GraphError(f"There is no block named '{name}'.") from None

    def group_of(self, node_id: str) -> str | None:
        return next((g for g, members in self.groups.items() if node_id in members), None)

    # -- whole graph -------------------------------------------------------------
    def topological_order(self) -> list[str]:
        indeg = {n: 0 for n in self.nodes}
        for e in self.edges:
            indeg[e.dst] += 1
        ready = [n for n in self.nodes if indeg[n] == 0]
        order = []
        while ready:
            n = ready.pop(0)
            order.append(n)
            for e in self.edges:
                if e.src == n:
                    indeg[e.dst] -= 1
                    if indeg[e.dst] == 0:
                        ready.append(e.dst)
        if len(order) != len(self.nodes):
            stuck = next(n for n in self.nodes if n not in order)
            raise GraphError(f"The graph has a cycle through {self.nodes[stuck].title}.", stuck)
        return order

    def nodes_of_type(self, *types: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.type in types]

    def copy(self) -> Graph:
        return copy.deepcopy(self)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Graph)
            and self.nodes == other.nodes
            and sorted(map(str, self.edges)) == sorted(map(str, other.edges))
            and {k: sorted(v) for k, v in self.groups.items()}
            == {k: sorted(v) for k, v in other.groups.items()}
        )

    def __repr__(self) -> str:
        return f"Graph({len(self.nodes)} nodes, {len(self.edges)} edges)"
