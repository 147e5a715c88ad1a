"""QtGraphEditor: palette, canvas and inspector around one Graph, with its undo stack.

The Graph object given to ``set_graph`` is the single source of truth: every gesture
becomes an undo command (app.editor.commands) whose redo/undo call the model; after
each one the editor re-validates and the scene mirrors the result. The main window
listens to ``edited`` (see commands.py for what each kind means) and ``message``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QToolBar, QVBoxLayout, QWidget

from app.editor import theme
from app.editor.edits import GraphEdits
from app.editor.inspector import Inspector
from app.editor.menus import context_menu
from app.editor.node_item import NodeItem
from app.editor.palette import NodePalette
from app.editor.scene import EditorScene
from app.editor.view import GraphView, legible_zoom
from app.look import thumbnail
from engine.graph import DataSpec, Graph, Validation, validate
from engine.graph.layout import layered_layout


class QtGraphEditor(GraphEdits, QWidget):
    edited = Signal(str, list)  # "structure" | "params" | "layout", node ids touched
    message = Signal(str, str)  # "error" | "info", one sentence
    nodeOpened = Signal(str)

    def __init__(self, parent=None, undo_stack: QUndoStack | None = None):
        """``undo_stack``: a document's stack shared with other editing modes (its owner
        clears it and binds Ctrl+Z); without one the editor keeps its own."""
        super().__init__(parent)
        self._graph = Graph()
        self._spec = DataSpec((2,), (), 2)
        self._validation = validate(self._graph, self._spec)
        self._pastes = 0
        self._own_stack = undo_stack is None
        self.undo_stack = QUndoStack(self) if undo_stack is None else undo_stack
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
        self.palette.activated.connect(self.add_after_selection)
        self.view.contextMenuRequested.connect(self._context_menu)
        self.view.fitted.connect(self._fitted)
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
        if self._own_stack:  # a shared stack's history goes on across graphs
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
        self.view.fit_when_shown(readable=legible_zoom(self.view))

    def _crowded(self) -> bool:
        boxes = [(item.x(), item.y(), *item.size()) for item in self.scene.nodes.values()]
        boxes.sort()
        for i, (x, y, w, h) in enumerate(boxes):
            for x2, y2, _w2, h2 in boxes[i + 1 :]:
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
            pix = None if thumb is None else thumbnail.render(thumb, theme.NODE_WIDTH - 16, theme.THUMB_H)
            item.set_thumbnail(pix)
        for g in self.scene.groups.values():
            g.refit()
        self.scene.geometry_changed()  # node heights changed with their pictures

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
        first = v.first_error()  # the sentence the main window shows for the same count
        self.total_label.setToolTip("" if first is None else str(first))
        self.total_label.setText(status)
        self._selection_changed()

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
        self.inspector.show_node(node, self._validation, len(ids))

    # -- messages ----------------------------------------------------------------
    def _say(self, kind: str, text: str) -> None:
        colour = theme.ERROR.name() if kind == "error" else theme.TEXT_DIM.name()
        self.message_label.setStyleSheet(f"color: {colour}")
        self.message_label.setText(text)
        if text:
            self.message.emit(kind, text)

    PAN_HINT = "The graph is larger than the view: hold Space and drag to pan, or press F to see it whole."

    def _fitted(self, whole: bool) -> None:
        # the editor's own line only: a hint about this view, not news for the window
        if not whole and not self.message_label.text():
            self.message_label.setStyleSheet(f"color: {theme.TEXT_DIM.name()}")
            self.message_label.setText(self.PAN_HINT)
        elif whole and self.message_label.text() == self.PAN_HINT:
            self.message_label.setText("")

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
        own = self._own_stack  # a shared stack's owner binds the keys (one shortcut each)
        undo = self._action("Undo", self.undo_stack.undo, ["Ctrl+Z"] if own else [])
        redo = self._action("Redo", self.undo_stack.redo, ["Ctrl+Shift+Z", "Ctrl+Y"] if own else [])
        undo.setEnabled(self.undo_stack.canUndo())
        redo.setEnabled(self.undo_stack.canRedo())
        self.undo_stack.canUndoChanged.connect(undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(redo.setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda t: undo.setToolTip(f"Undo {t} (Ctrl+Z)"))
        self.undo_stack.redoTextChanged.connect(lambda t: redo.setToolTip(f"Redo {t} (Ctrl+Shift+Z)"))
        self.actions_by_name = {
            "undo": undo,
            "redo": redo,
            "copy": self._action("Copy", self.copy, ["Ctrl+C"]),
            "paste": self._action("Paste", self.paste, ["Ctrl+V"]),
            "duplicate": self._action("Duplicate", self.duplicate, ["Ctrl+D"]),
            "delete": self._action("Delete", self.delete_selected, ["Del", "Backspace"]),
            "select_all": self._action("Select all", self._select_all, ["Ctrl+A"]),
            "group": self._action(
                "Group",
                self.group_selected,
                ["Ctrl+G"],
                "Group the selected nodes into a named block (Ctrl+G)",
            ),
            "ungroup": self._action("Ungroup", self.ungroup_selected, ["Ctrl+Shift+G"]),
            "layout": self._action(
                "Auto layout", self.auto_layout, ["Ctrl+L"], "Arrange the graph left to right (Ctrl+L)"
            ),
            "fit": self._action("Fit", self.view.fit, ["F"], "Fit the graph in the view (F)"),
            "find": self._action(
                "Find node type", self._find_type, ["Ctrl+F"], "Search the node palette (Ctrl+F)"
            ),
        }

    def _find_type(self) -> None:
        self.palette.search.setFocus()
        self.palette.search.selectAll()

    def _context_menu(self, global_pos, scene_pos) -> None:
        context_menu(self, scene_pos).exec(global_pos)

    def _select_all(self) -> None:
        self.select(list(self.scene.nodes))

    def _build_layout(self) -> None:
        bar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        a = self.actions_by_name
        for name in (
            "undo",
            "redo",
            None,
            "layout",
            "fit",
            None,
            "group",
            "ungroup",
            None,
            "duplicate",
            "delete",
        ):
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
