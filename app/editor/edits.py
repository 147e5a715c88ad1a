"""The editor's edits: each user gesture checked, explained if refused, and pushed as a command.

A mixin of QtGraphEditor, kept apart from the widget's construction and public API; it
uses the editor's graph, undo stack, scene, view and message line.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog

from app.editor import clipboard, commands, insert, theme
from app.editor.edge_item import EdgeItem
from app.editor.group_item import GroupItem
from engine.errors import GraphError
from engine.graph import Edge, node_type, validate
from engine.graph.layout import layered_layout

PASTE_OFFSET = 40.0


class GraphEdits:
    # -- edits -------------------------------------------------------------------
    def add_node(self, type_name: str, pos: QPointF | None = None) -> str | None:
        if pos is None:
            centre = self.view.mapToScene(self.view.viewport().rect().center())
            pos = QPointF(centre.x() - theme.NODE_WIDTH / 2, centre.y() - 40)
        x, y = self._free_spot(round(pos.x(), 1), round(pos.y(), 1))
        cmd = commands.AddNode(self, type_name, (x, y))
        self.undo_stack.push(cmd)
        self.select([cmd.node_id])
        return cmd.node_id

    def _free_spot(self, x: float, y: float) -> tuple[float, float]:
        """The nearest place at or below (x, y) where a new node covers no other node."""
        boxes = [item.sceneBoundingRect() for item in self.scene.nodes.values()]
        for _ in range(200):
            spot = QRectF(x, y, theme.NODE_WIDTH, 90)
            hit = [b for b in boxes if b.intersects(spot)]
            if not hit:
                break
            y = round(max(b.bottom() for b in hit) + 24, 1)
        return x, y

    def add_after_selection(self, type_name: str) -> str | None:
        """Add a node; with one node selected, insert it into the chain after that node.

        The new node sits to the right, takes the selected node's output when its shapes
        allow, and takes over the edges that left it (those whose consumers accept the new
        output); the nodes downstream shift right. One undo step. Building a chain is then:
        pick a node, double-click the next type, and so on.
        """
        ids = self.selected_node_ids()
        if len(ids) != 1:
            return self.add_node(type_name)
        prev = self._graph.nodes[ids[0]]
        width = self.scene.nodes[prev.id].size()[0]
        x, y = prev.pos[0] + width + 70, prev.pos[1]
        fits, moved = insert.plan_insert(self._graph, self._spec, prev.id, type_name)
        if not moved:  # a dead end or a new branch: keep clear of the other nodes
            x, y = self._free_spot(round(x, 1), round(y, 1))
        cmd = insert.InsertNode(self, type_name, (x, y), prev.id, fits, moved, width + 70)
        self.undo_stack.push(cmd)
        self.select([cmd.node_id])
        return cmd.node_id

    def refusal(
        self, src: str, src_port: str, dst: str, dst_port: str, without: Edge | None = None
    ) -> str | None:
        """Why this connection would be refused, or None: model rules first, then shapes."""
        g = self._graph
        index = g.edges.index(without) if without is not None else None
        if without is not None:
            g.disconnect(without)
        try:
            try:
                edge = g.connect(src, src_port, dst, dst_port)
            except GraphError as err:
                return str(err)
            try:
                v = validate(g, self._spec)
            finally:
                g.disconnect(edge)
        finally:
            if without is not None:
                g.edges.insert(index, without)
        spec = node_type(g.nodes[dst].type)
        optional = set(getattr(spec, "optional_inputs", ()))
        ready = all(
            g.incoming(dst, p) is not None or p in optional or p == dst_port for p in spec.input_names
        )
        # an unconnected sibling input is not this connection's fault; a shape error is
        return v.errors.get(dst) if ready else None

    def connect_ports(self, src: str, src_port: str, dst: str, dst_port: str) -> bool:
        if not src:
            self._say("error", "Connect an output port (right side) to an input port (left side).")
            return False
        reason = self.refusal(src, src_port, dst, dst_port)
        if reason:
            self._say("error", reason)
            return False
        self.undo_stack.push(commands.Connect(self, src, src_port, dst, dst_port))
        self._say("info", "")
        return True

    def reconnect(self, old: Edge, where) -> None:
        if where is not None:
            reason = self.refusal(old.src, old.src_port, *where, without=old)
            if reason:
                self._say("error", reason)
                return
        self.undo_stack.beginMacro("Reconnect" if where else "Disconnect")
        self.undo_stack.push(commands.RemoveItems(self, [], [old]))
        if where is not None:
            self.undo_stack.push(commands.Connect(self, old.src, old.src_port, *where))
        self.undo_stack.endMacro()

    def set_params(self, node_id: str, params: dict) -> bool:
        if node_id not in self._graph.nodes:  # a late signal from a form of a deleted node
            return False
        node = self._graph.node(node_id)
        spec = node_type(node.type)
        checked = {}
        for name, value in params.items():
            try:
                checked[name] = next(p for p in spec.params if p.name == name).check(
                    value, node.title, node_id
                )
            except GraphError as err:
                self._say("error", str(err))
                self.inspector.show_node(node, self._validation)  # back to the model's value
                return False
        changed = {k: v for k, v in checked.items() if node.params.get(k) != v}
        if changed:
            self.undo_stack.push(commands.SetParams(self, node_id, changed))
        return bool(changed)

    def set_label(self, node_id: str, label: str) -> None:
        if node_id in self._graph.nodes and self._graph.nodes[node_id].label != label:
            self.undo_stack.push(commands.SetLabel(self, node_id, label))

    def _moves_finished(self, moves: dict) -> None:
        self.undo_stack.push(commands.MoveNodes(self, moves))

    def nudge(self, dx: float, dy: float) -> None:
        """Move the selection by a few pixels (arrow keys); quick repeats are one undo step."""
        ids = self.selected_node_ids()
        if ids:
            moves = {n: (self._graph.nodes[n].pos[0] + dx, self._graph.nodes[n].pos[1] + dy) for n in ids}
            self.undo_stack.push(commands.MoveNodes(self, moves, "Nudge"))

    def delete_selected(self) -> None:
        ids = self.selected_node_ids()
        edges = [i.edge for i in self.scene.selectedItems() if isinstance(i, EdgeItem)]
        groups = [i.name for i in self.scene.selectedItems() if isinstance(i, GroupItem)]
        if ids or edges:
            self.undo_stack.push(commands.RemoveItems(self, ids, edges))
        elif groups:
            self._ungroup(groups)

    def copy(self) -> None:
        ids = self.selected_node_ids()
        if ids:
            QGuiApplication.clipboard().setText(clipboard.to_text(clipboard.fragment(self._graph, ids)))
            self._pastes = 0

    def paste(self) -> None:
        frag = clipboard.from_text(QGuiApplication.clipboard().text())
        if frag is None or not frag["nodes"]:
            self._say("info", "The clipboard holds no nodes to paste; copy some nodes first.")
            return
        self._pastes += 1
        self._add_fragment(frag, PASTE_OFFSET * self._pastes, "Paste")

    def duplicate(self) -> None:
        ids = self.selected_node_ids()
        if ids:
            self._add_fragment(clipboard.fragment(self._graph, ids), PASTE_OFFSET, "Duplicate")

    def _add_fragment(self, frag: dict, offset: float, text: str) -> None:
        cmd = commands.AddFragment(self, frag, (offset, offset), text)
        self.undo_stack.push(cmd)
        self.select(list(cmd.ids.values()))

    def group_selected(self) -> None:
        ids = self.selected_node_ids()
        if not ids:
            self._say("info", "Select the nodes to group first.")
            return
        n = 1
        while f"Block {n}" in self._graph.groups:
            n += 1
        self.undo_stack.push(commands.Group(self, f"Block {n}", ids))

    def ungroup_selected(self) -> None:
        names = {i.name for i in self.scene.selectedItems() if isinstance(i, GroupItem)}
        names |= {g for n in self.selected_node_ids() if (g := self._graph.group_of(n))}
        self._ungroup(sorted(names))

    def _ungroup(self, names) -> None:
        if not names:
            return
        self.undo_stack.beginMacro("Ungroup")
        for name in names:
            self.undo_stack.push(commands.Ungroup(self, name))
        self.undo_stack.endMacro()

    def rename_group(self, name: str, new: str | None = None) -> None:
        if new is None:
            new, ok = QInputDialog.getText(self, "Rename block", "Name:", text=name)
            if not ok:
                return
        new = new.strip()
        if not new or new == name:
            return
        if new in self._graph.groups:
            self._say("error", f"A block named '{new}' already exists; choose another name.")
            return
        self.undo_stack.push(commands.RenameGroup(self, name, new))

    def auto_layout(self) -> None:
        pos = layered_layout(self._graph, self.scene.node_sizes())
        moves = {k: p for k, p in pos.items() if tuple(self._graph.nodes[k].pos) != p}
        if moves:
            self.undo_stack.push(commands.MoveNodes(self, moves, "Auto layout"))
        self.view.fit()
