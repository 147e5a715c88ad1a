"""QtGraphEditor: palette, canvas and inspector around one Graph, with its undo stack.

The Graph object given to ``set_graph`` is the single source of truth: every gesture
becomes an undo command (app.editor.commands) whose redo/undo call the model; after
each one the editor re-validates and the scene mirrors the result. The main window
listens to ``edited`` (see commands.py for what each kind means) and ``message``.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QSplitter, QToolBar, QVBoxLayout, QWidget

from app.editor import clipboard, commands, theme, thumbnail
from app.editor.edge_item import EdgeItem
from app.editor.group_item import GroupItem
from app.editor.inspector import Inspector
from app.editor.node_item import NodeItem
from app.editor.palette import NodePalette
from app.editor.scene import EditorScene
from app.editor.view import GraphView
from engine.errors import GraphError
from engine.graph import DataSpec, Edge, Graph, Validation, node_type, validate
from engine.graph.layout import layered_layout

PASTE_OFFSET = 40.0


class QtGraphEditor(QWidget):
    edited = Signal(str, list)  # "structure" | "params" | "layout", node ids touched
    message = Signal(str, str)  # "error" | "info", one sentence
    nodeOpened = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._graph = Graph()
        self._spec = DataSpec((2,), (), 2)
        self._validation = validate(self._graph, self._spec)
        self._pastes = 0
        self.undo_stack = QUndoStack(self)
        self.scene = EditorScene(self)
        self.scene.trial = self.refusal
        self.view = GraphView(self.scene)
        self.palette = NodePalette()
        self.inspector = Inspector()
        self.message_label = QLabel()
        self.total_label = QLabel()
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._build_actions()
        self._build_layout()
        self.scene.connectRequested.connect(self.connect_ports)
        self.scene.reconnectRequested.connect(self.reconnect)
        self.scene.movesFinished.connect(self._moves_finished)
        self.scene.nodeOpened.connect(self.nodeOpened)
        self.scene.groupRenameRequested.connect(self.rename_group)
        self.scene.connectionHint.connect(self._hint)
        self.scene.selectionChanged.connect(self._selection_changed)
        self.view.typeDropped.connect(self.add_node)
        self.view.nudgeRequested.connect(self.nudge)
        self.palette.activated.connect(self.add_node)
        self.inspector.paramsEdited.connect(self.set_params)
        self.inspector.labelEdited.connect(self.set_label)
        self.refresh()

    # -- public API --------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def validation(self) -> Validation:
        return self._validation

    def set_graph(self, graph: Graph, spec: DataSpec) -> None:
        self.undo_stack.clear()
        self._graph, self._spec = graph, spec
        self.scene.clear()
        self.scene.nodes, self.scene.edges, self.scene.groups = {}, {}, {}
        self.refresh()
        if self._crowded():
            # files laid out for another view (or by hand at another scale) would open with
            # overlapping nodes; a fresh layout is the readable start (not an undoable edit)
            for node_id, pos in layered_layout(graph, self.scene.node_sizes()).items():
                graph.nodes[node_id].pos = pos
            self.refresh()
        self.view.fit(readable=0.7)

    def _crowded(self) -> bool:
        boxes = [(item.x(), item.y(), *item.size()) for item in self.scene.nodes.values()]
        boxes.sort()
        for i, (x, y, w, h) in enumerate(boxes):
            for x2, y2, _w2, h2 in boxes[i + 1:]:
                if x2 - x >= w + 24:
                    break
                if y2 < y + h + 8 and y < y2 + h2 + 8:
                    return True
        return False

    def set_spec(self, spec: DataSpec) -> None:
        self._spec = spec
        self.refresh()

    def set_thumbnails(self, thumbs: dict | None) -> None:
        thumbs = thumbs or {}
        for node_id, item in self.scene.nodes.items():
            thumb = thumbs.get(node_id)
            pix = None if thumb is None else thumbnail.render(
                thumb, theme.NODE_WIDTH - 16, theme.THUMB_H)
            item.set_thumbnail(pix)
        for g in self.scene.groups.values():
            g.refit()

    # -- the Document protocol of the commands -----------------------------------
    def notify(self, kind: str, ids: list) -> None:
        self.refresh()
        self.edited.emit(kind, list(ids))

    def refresh(self) -> None:
        """Validate the whole graph and bring every item in line with it."""
        self._validation = validate(self._graph, self._spec)
        self.scene.sync(self._graph, self._validation)
        v = self._validation
        n = len(self._graph.nodes)
        status = f"{v.total_params:,} parameters · {n} node{'s' if n != 1 else ''}"
        if v.errors:
            status += f" · {len(v.errors)} problem{'s' if len(v.errors) != 1 else ''}"
        self.total_label.setText(status)
        self._selection_changed()

    # -- edits -------------------------------------------------------------------
    def add_node(self, type_name: str, pos: QPointF | None = None) -> str | None:
        if pos is None:
            centre = self.view.mapToScene(self.view.viewport().rect().center())
            pos = QPointF(centre.x() - theme.NODE_WIDTH / 2, centre.y() - 40)
        x, y = round(pos.x(), 1), round(pos.y(), 1)
        taken = {tuple(n.pos) for n in self._graph.nodes.values()}
        while (x, y) in taken:  # repeated adds fan out instead of stacking invisibly
            x, y = x + 30, y + 30
        cmd = commands.AddNode(self, type_name, (x, y))
        self.undo_stack.push(cmd)
        self.select([cmd.node_id])
        return cmd.node_id

    def refusal(self, src: str, src_port: str, dst: str, dst_port: str,
                without: Edge | None = None) -> str | None:
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
        ready = all(g.incoming(dst, p) is not None or p in optional or p == dst_port
                    for p in spec.input_names)
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
                    value, node.title, node_id)
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
            moves = {n: (self._graph.nodes[n].pos[0] + dx, self._graph.nodes[n].pos[1] + dy)
                     for n in ids}
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

    # -- selection ---------------------------------------------------------------
    def selected_node_ids(self) -> list[str]:
        """The selected nodes in the graph's order (the scene's order is arbitrary)."""
        chosen = {i.node_id for i in self.scene.selectedItems() if isinstance(i, NodeItem)}
        return [n for n in self._graph.nodes if n in chosen]

    def select(self, ids) -> None:
        self.scene.clearSelection()
        for node_id in ids:
            if node_id in self.scene.nodes:
                self.scene.nodes[node_id].setSelected(True)

    def _selection_changed(self) -> None:
        ids = self.selected_node_ids()
        node = self._graph.nodes.get(ids[0]) if len(ids) == 1 else None
        self.inspector.show_node(node, self._validation)

    # -- messages ----------------------------------------------------------------
    def _say(self, kind: str, text: str) -> None:
        colour = theme.ERROR.name() if kind == "error" else theme.TEXT_DIM.name()
        self.message_label.setStyleSheet(f"color: {colour}")
        self.message_label.setText(text)
        if text:
            self.message.emit(kind, text)

    def _hint(self, text: str) -> None:
        self.message_label.setStyleSheet(f"color: {theme.ERROR.name()}")
        self.message_label.setText(text)

    # -- building ----------------------------------------------------------------
    def _action(self, text: str, slot, keys=(), tip: str = "") -> QAction:
        act = QAction(text, self)
        act.setShortcuts([QKeySequence(k) for k in keys])
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.setToolTip(tip or text)
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        # fixed labels (the toolbar does not jump); what would be undone shows as a tooltip
        undo = self._action("Undo", self.undo_stack.undo, ["Ctrl+Z"])
        redo = self._action("Redo", self.undo_stack.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        undo.setEnabled(False)
        redo.setEnabled(False)
        self.undo_stack.canUndoChanged.connect(undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(redo.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda t: undo.setToolTip(f"Undo {t} (Ctrl+Z)"))
        self.undo_stack.redoTextChanged.connect(lambda t: redo.setToolTip(f"Redo {t} (Ctrl+Shift+Z)"))
        self.actions_by_name = {
            "undo": undo, "redo": redo,
            "copy": self._action("Copy", self.copy, ["Ctrl+C"]),
            "paste": self._action("Paste", self.paste, ["Ctrl+V"]),
            "duplicate": self._action("Duplicate", self.duplicate, ["Ctrl+D"]),
            "delete": self._action("Delete", self.delete_selected, ["Del", "Backspace"]),
            "select_all": self._action("Select all", self._select_all, ["Ctrl+A"]),
            "group": self._action("Group", self.group_selected, ["Ctrl+G"],
                                  "Group the selected nodes into a named block (Ctrl+G)"),
            "ungroup": self._action("Ungroup", self.ungroup_selected, ["Ctrl+Shift+G"]),
            "layout": self._action("Auto layout", self.auto_layout, ["Ctrl+L"],
                                   "Arrange the graph left to right (Ctrl+L)"),
            "fit": self._action("Fit", self.view.fit, ["F"], "Fit the graph in the view (F)"),
        }


    def _select_all(self) -> None:
        self.select(list(self.scene.nodes))

    def _build_layout(self) -> None:
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        a = self.actions_by_name
        for name in ("undo", "redo", None, "layout", "fit", None, "group", "ungroup", None, "duplicate",
                     "delete"):
            if name is None:
                bar.addSeparator()
            else:
                bar.addAction(a[name])
        centre = QWidget()
        col = QVBoxLayout(centre)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(bar)
        col.addWidget(self.view, 1)
        status = QHBoxLayout()
        status.setContentsMargins(6, 3, 6, 3)
        status.addWidget(self.message_label, 1)
        status.addWidget(self.total_label)
        col.addLayout(status)
        split = QSplitter()
        split.addWidget(self.palette)
        split.addWidget(centre)
        split.addWidget(self.inspector)
        split.setStretchFactor(1, 1)
        split.setSizes([170, 700, 230])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)
