"""The canvas scene: items that mirror the graph model, and the connection drag.

``sync`` brings the items in line with the model and its latest validation, touching
only items whose content changed. User gestures become requests (signals) that the
editor turns into undo commands; the scene itself never edits the model.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from app.editor import theme
from app.editor.edge_item import DragEdge, EdgeItem
from app.editor.group_item import GroupItem
from app.editor.node_item import NodeItem, summary
from app.editor.ports import PortItem
from engine.graph import Edge, Graph, Validation


def kinds_fit(src_kind: str, dst_kind: str) -> bool:
    """Whether an output of one port kind may feed an input of another (before shapes)."""
    # a target input (Output.target) also takes a tensor: an autoencoder's own input
    return src_kind == dst_kind or (src_kind == "tensor" and dst_kind == "target")


class EditorScene(QGraphicsScene):
    nodeOpened = Signal(str)
    groupRenameRequested = Signal(str)
    connectRequested = Signal(str, str, str, str)  # src, src_port, dst, dst_port
    reconnectRequested = Signal(object, object)  # old Edge, new (dst, dst_port) or None
    movesFinished = Signal(dict)  # node id -> new (x, y)
    connectionHint = Signal(str)  # why the port under the cursor would be refused ("" when fine)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.graph = Graph()
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[Edge, EdgeItem] = {}
        self.groups: dict[str, GroupItem] = {}
        self.trial = lambda src, sp, dst, dp: None  # set by the editor: refusal reason or None
        self._drag: DragEdge | None = None
        self._drag_port: PortItem | None = None
        self._detached: Edge | None = None
        self._over: PortItem | None = None
        self._base: dict[PortItem, str] = {}  # highlight of each port while a drag runs
        self._syncing = False
        self._cached = True  # items are made with DeviceCoordinateCache
        self._moved = True  # set when a sync adds, removes or moves items (first: the canvas)

    # -- mirroring the model -----------------------------------------------------
    def sync(self, graph: Graph, validation: Validation) -> None:
        self.graph = graph
        self._syncing = True
        try:
            self._sync_nodes(graph)
            self._sync_edges(graph)
            self._sync_content(graph, validation)
            self._sync_groups(graph)
        finally:
            self._syncing = False
        if self._moved:  # a parameter edit moves nothing: skip the geometry work
            self.geometry_changed()

    def geometry_changed(self) -> None:
        """Nodes moved, appeared or changed size: re-route long edges, grow the canvas."""
        self._moved = False
        self.reroute()
        rect = QRectF()
        for item in self.nodes.values():
            rect = rect.united(item.sceneBoundingRect())
        self.setSceneRect(rect.adjusted(-3000, -3000, 3000, 3000))

    def _sync_nodes(self, graph: Graph) -> None:
        for node_id in [
            n
            for n, item in self.nodes.items()
            if n not in graph.nodes or graph.nodes[n].type != item.type_name
        ]:
            item = self.nodes.pop(node_id)
            for e in [e for e in self.edges if node_id in (e.src, e.dst)]:
                self._drop_edge(e)
            self.removeItem(item)
            self._moved = True
        for node_id, node in graph.nodes.items():
            item = self.nodes.get(node_id)
            if item is None:
                item = self.nodes[node_id] = NodeItem(node_id, node.type)
                self._cache(item)
                self.addItem(item)
                self._moved = True
            if (item.x(), item.y()) != tuple(node.pos):
                item.setPos(QPointF(*node.pos))
                self._moved = True

    def _cache(self, item) -> None:
        if not self._cached:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)

    def _drop_edge(self, e: Edge) -> None:
        item = self.edges.pop(e)
        for end in (item.src_port.node_item, item.dst_port.node_item):
            if item in end.edges:
                end.edges.remove(item)
        self.removeItem(item)

    def _sync_edges(self, graph: Graph) -> None:
        want = set(graph.edges)
        for e in [e for e in self.edges if e not in want]:
            self._drop_edge(e)
        for e in graph.edges:
            if e not in self.edges:
                a, b = self.nodes[e.src], self.nodes[e.dst]
                item = EdgeItem(e, a.ports["out", e.src_port], b.ports["in", e.dst_port])
                self.edges[e] = item
                self._cache(item)
                a.edges.append(item)
                b.edges.append(item)
                self.addItem(item)
                self._moved = True

    def _sync_content(self, graph: Graph, v: Validation) -> None:
        linked: dict[str, set] = {n: set() for n in graph.nodes}
        for e in graph.edges:
            linked[e.src].add(("out", e.src_port))
            linked[e.dst].add(("in", e.dst_port))
        for node_id, node in graph.nodes.items():
            self.nodes[node_id].set_content(
                node.title, summary(node), v.param_counts.get(node_id), v.errors.get(node_id), linked[node_id]
            )
        for e, item in self.edges.items():
            value = v.values.get((e.src, e.src_port))
            item.set_label(str(value) if value is not None else "?", e.dst in v.errors)

    def _sync_groups(self, graph: Graph) -> None:
        for name in [g for g in self.groups if g not in graph.groups]:
            self.removeItem(self.groups.pop(name))
        for name, ids in graph.groups.items():
            item = self.groups.get(name)
            if item is None:
                item = self.groups[name] = GroupItem(name)
                self.addItem(item)
            item.set_members([self.nodes[i] for i in ids if i in self.nodes])

    def set_caching(self, zooming: bool) -> None:
        """Cache item pictures while the zoom holds still (panning then blits them).

        While zooming, every cached picture would be re-rendered at each step, which costs
        more than painting directly.
        """
        cached = not zooming
        if cached == self._cached:
            return
        self._cached = cached
        mode = QGraphicsItem.CacheMode.DeviceCoordinateCache if cached else QGraphicsItem.CacheMode.NoCache
        for item in [*self.nodes.values(), *self.edges.values()]:
            item.setCacheMode(mode)

    # -- moving ------------------------------------------------------------------
    def node_moved(self, item: NodeItem) -> None:
        for edge in item.edges:
            edge.update_path()
        if not self._syncing:  # a sync refits the blocks once at its end
            for g in self.groups.values():
                if item in g.members:
                    g.refit()

    def reroute(self) -> None:
        """Long edges go round the nodes between their ends; those nodes may have moved."""
        for edge in self.edges.values():
            if edge.is_long():
                edge.update_path()

    def commit_moves(self) -> None:
        """Report nodes whose item position differs from the model (a finished drag)."""
        moves = {}
        for node_id, item in self.nodes.items():
            node = self.graph.nodes.get(node_id)
            if node is not None and (item.x(), item.y()) != tuple(node.pos):
                moves[node_id] = (round(item.x(), 1), round(item.y(), 1))
        if moves:
            self.movesFinished.emit(moves)
            self.reroute()

    def mouseReleaseEvent(self, event):
        super().mouseReleaseEvent(event)
        if self._drag is None:
            self.commit_moves()

    def node_sizes(self) -> dict[str, tuple[float, float]]:
        return {n: item.size() for n, item in self.nodes.items()}

    # -- drawing a connection ----------------------------------------------------
    def begin_connection(self, port: PortItem, pos: QPointF) -> None:
        self._detached = None
        if not port.is_output and port.node_item.connected(port.name, False):
            # pick up the existing edge by its end, as in Blender: drop it elsewhere or nowhere
            edge = self.graph.incoming(port.node_id, port.name)
            if edge is not None and edge in self.edges:
                self._detached = edge
                self.edges[edge].setVisible(False)
                port = self.nodes[edge.src].ports["out", edge.src_port]
        self._drag_port = port
        self._drag = DragEdge(port.scenePos(), port.is_output)
        self.addItem(self._drag)
        self._drag.move_to(pos)
        self._mark_compatible(port)

    def _mark_compatible(self, start: PortItem) -> None:
        self._base = {}
        if start.is_output:
            banned = self.graph.upstream(start.node_id)  # these would close a cycle
        else:
            banned = self._downstream(start.node_id)
        for item in self.nodes.values():
            for p in item.ports.values():
                if p.is_output == start.is_output or item.node_id in banned:
                    continue
                src, dst = (start, p) if start.is_output else (p, start)
                free = not dst.node_item.connected(dst.name, False) or (
                    self._detached is not None
                    and (dst.node_id, dst.name) == (self._detached.dst, self._detached.dst_port)
                )
                if free and kinds_fit(src.kind, dst.kind):
                    p.set_state("compatible")
                    self._base[p] = "compatible"

    def _downstream(self, node_id: str) -> set[str]:
        seen, todo = set(), [node_id]
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(e.dst for e in self.graph.outgoing(n))
        return seen

    def port_at(self, pos: QPointF) -> PortItem | None:
        r = theme.PORT_R + 6
        near = [
            i
            for i in self.items(QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r))
            if isinstance(i, PortItem) and i is not self._drag_port
        ]
        return min(
            near,
            key=lambda p: math.dist((p.scenePos().x(), p.scenePos().y()), (pos.x(), pos.y())),
            default=None,
        )

    def drag_connection(self, pos: QPointF) -> None:
        if self._drag is None:
            return
        port = self.port_at(pos)
        if port is not None and port.is_output == self._drag_port.is_output:
            port = None
        if port is not self._over:
            if self._over is not None:
                self._over.set_state(self._base.get(self._over, ""))
            self._over, hint = port, ""
            if port is not None:
                hint = self._trial(port) or ""
                port.set_state("refused" if hint else "target")
            self.connectionHint.emit(hint)
        ok = None if port is None else port.state == "target"
        self._drag.move_to(port.scenePos() if ok else pos, ok)

    def _trial(self, port: PortItem) -> str | None:
        src, dst = (self._drag_port, port) if self._drag_port.is_output else (port, self._drag_port)
        if self._detached is not None and (dst.node_id, dst.name) == (
            self._detached.dst,
            self._detached.dst_port,
        ):
            return None
        return self.trial(src.node_id, src.name, dst.node_id, dst.name)

    def end_connection(self, pos: QPointF) -> None:
        if self._drag is None:
            return
        start, detached, over = self._drag_port, self._detached, self._over
        self.removeItem(self._drag)
        self._drag = self._drag_port = self._over = self._detached = None
        for p in self._base:
            p.set_state("")
        if over is not None:
            over.set_state("")
        self._base = {}
        self.connectionHint.emit("")
        target = self.port_at(pos)
        if detached is not None:
            self.edges[detached].setVisible(True)
            where = None if target is None or target.is_output else (target.node_id, target.name)
            if where != (detached.dst, detached.dst_port):
                self.reconnectRequested.emit(detached, where)
            return
        if target is None or target is start:  # a click on a port, or a drag back to it
            return
        src, dst = (start, target) if start.is_output else (target, start)
        if src.is_output and not dst.is_output:
            self.connectRequested.emit(src.node_id, src.name, dst.node_id, dst.name)
        else:
            self.connectRequested.emit("", "", "", "")  # the editor explains the refusal

    # -- background --------------------------------------------------------------
    def drawBackground(self, painter, rect: QRectF) -> None:
        painter.fillRect(rect, theme.CANVAS)
        scale = painter.worldTransform().m11()
        step = theme.GRID_STEP * (1 if scale > 0.6 else 4)
        left = math.floor(rect.left() / step) * step
        top = math.floor(rect.top() / step) * step
        minor, major = [], []
        x = left
        while x < rect.right():
            (major if round(x / step) % 5 == 0 else minor).append((x, True))
            x += step
        y = top
        while y < rect.bottom():
            (major if round(y / step) % 5 == 0 else minor).append((y, False))
            y += step
        for lines, colour in ((minor, theme.GRID_MINOR), (major, theme.GRID_MAJOR)):
            painter.setPen(QPen(colour, 0))
            for v, vertical in lines:
                if vertical:
                    painter.drawLine(QPointF(v, rect.top()), QPointF(v, rect.bottom()))
                else:
                    painter.drawLine(QPointF(rect.left(), v), QPointF(rect.right(), v))
