"""The main window's two modes: the Playground (controls, boundary, network views) and
the Editor (the node-graph editor on the same project graph, the loss plot under it).

The editor edits the document's project graph in place, pushing its commands onto the
document's undo stack (the one the Playground's controls use). Its ``edited(kind, ids)``
reaches the document, whose ``graphEdited`` decides what the training session hears (see
app.editor.commands for the kinds): "structure" rebuilds the model keeping the weights of
unchanged nodes, "params" applies live parameters in place, "layout" reaches only the
file. A graph with problems is not sent: the editor lists them, training goes on with the
last valid graph, and the Playground keeps showing that graph with usable controls.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget

from app.editor import QtGraphEditor
from app.views.node_output import NodeOutputDialog

PLAYGROUND, EDITOR = 0, 1


class EditorModeMixin:
    """Mixed into MainWindow, which provides project, session, bridge, loss_plot,
    right_split, panel, the playground views, set_modified and the message bar."""

    def _build_modes(self, playground: QWidget) -> QTabWidget:
        self.editor = QtGraphEditor(undo_stack=self.document.undo_stack)
        self.editor.edited.connect(self.document.graph_edited)
        self.editor.message.connect(
            lambda kind, text: self.show_error(text) if kind == "error" else self.show_info(text)
        )
        self.editor.nodeOpened.connect(self.open_node_output)
        # the loss plot goes under the graph: graphs run left to right and need the width
        self.editor_split = QSplitter(Qt.Orientation.Vertical)
        self.editor_split.addWidget(self.editor)
        self.editor_split.setChildrenCollapsible(False)
        self.mode_tabs = QTabWidget()
        self.mode_tabs.setDocumentMode(True)
        self.mode_tabs.addTab(playground, "Playground")
        self.mode_tabs.addTab(self.editor_split, "Editor")
        self.mode_tabs.setTabToolTip(PLAYGROUND, "Controls, decision boundary and network views")
        self.mode_tabs.setTabToolTip(EDITOR, "The network as a node graph; edits apply while it trains")
        self.mode_tabs.currentChanged.connect(self._mode_changed)
        self._editor_stale = True  # the editor shows an older project's graph
        self._views_stale = False  # the playground shows an older graph than the working one
        self._unsent = False  # a structural edit not yet sent (the graph had problems)
        self._waiting = False  # the message bar says the graph has a problem
        self._thumbs = None
        self.node_dialogs: list[NodeOutputDialog] = []
        return self.mode_tabs

    def in_editor(self) -> bool:
        return self.mode_tabs.currentIndex() == EDITOR

    def show_mode(self, name: str) -> None:
        """ "playground" or "editor"."""
        self.mode_tabs.setCurrentIndex(EDITOR if name == "editor" else PLAYGROUND)

    def _mode_changed(self, index: int) -> None:
        if index == EDITOR:
            self.editor_split.addWidget(self.loss_plot)  # the loss stays in sight
            self.editor_split.setSizes([580, 210])
            if self._editor_stale:
                self._load_editor()
        else:
            self.right_split.insertWidget(1, self.loss_plot)
            self.right_split.setSizes([430, 360])
            self.editor.set_thumbnails(None)
            if self._views_stale:
                self._show_graph_in_playground()
        self._push_probes()  # thumbnails only while the editor is in sight

    def _project_replaced(self) -> None:
        """A new project (opened, or rebuilt by a playground edit): the editor follows."""
        self._unsent = self._waiting = False
        self._views_stale = False
        if self.in_editor():
            self._load_editor()
        else:
            self._editor_stale = True

    def _load_editor(self) -> None:
        self.editor.set_graph(self.project.graph, self.dataset.spec)
        self._editor_stale = False
        self._thumbs = None

    def set_live_param(self, node_id: str, name: str, value: float) -> None:
        """A live parameter chosen outside the Editor (the Playground's β): the same
        undoable edit as the inspector's, so training takes it without a rebuild."""
        self._sync_editor()
        self.editor.set_params(node_id, {name: value})

    def _sync_editor(self) -> None:
        """Editor commands act on the editor's graph: before one is undone or redone from
        the Playground, the editor must hold the current project's graph."""
        if self._editor_stale:
            self._load_editor()

    def _show_graph_in_playground(self) -> None:
        # the last graph training took: one the editor is still fixing is not drawn
        shown = self.document.base_project()
        self.panel.load(shown, self.dataset)
        self.view_area.set_project(shown, self.dataset)
        self._views_stale = False

    def _graph_edited(self, kind: str, _node_ids: list) -> None:
        if kind == "layout" or self.bridge is None:
            return
        structural = kind == "structure" or self._unsent
        if not self.editor.validation.ok:  # the editor marks the problems
            self._editor_has_problem()
            self._unsent = self._unsent or kind == "structure"
            return
        if self._waiting:
            self._waiting = False
            self.message.hide()
        self.message.clear_error()  # a refusal shown earlier no longer holds
        self._unsent = False
        self._views_stale = True
        self.document.graph_accepted()
        self.bridge.set_graph(self.project.graph, structural=structural)

    def _editor_has_problem(self) -> None:
        if not self._waiting:
            self._waiting = True
            self._sync_editor()
            self.show_info(
                f"The graph in the Editor has a problem: {self.graph_problem()} "
                "Training goes on with the last graph that worked until this is "
                "fixed; the Playground shows that graph."
            )

    def graph_problem(self) -> str | None:
        """The first problem of the graph being edited, as a sentence; None when it trains."""
        if self._editor_stale:  # not edited since the session accepted it
            return None
        err = self.editor.validation.first_error()
        return None if err is None else str(err)

    def _show_thumbnails(self, snapshot) -> None:
        thumbs = snapshot.thumbnails
        if thumbs is None or thumbs is self._thumbs:
            return  # merged snapshots repeat the last set: draw each set once
        self._thumbs = thumbs
        if self.in_editor():
            self.editor.set_thumbnails(thumbs)
        for dialog in self.node_dialogs:
            if dialog.isVisible():
                dialog.show_thumbnails(thumbs)

    def open_node_output(self, node_id: str) -> NodeOutputDialog | None:
        """A larger view of what flows out of ``node_id``, live while open."""
        node = self.project.graph.nodes.get(node_id)
        if node is None:
            return None
        dialog = NodeOutputDialog(node_id, node.title, self)
        if node.type in ("Output", "LossSum"):
            dialog.picture.setText(
                f"{node.title} outputs a loss: its value over the epochs is in the loss plot."
            )
        self.node_dialogs = [d for d in self.node_dialogs if d.isVisible()] + [dialog]
        dialog.show_thumbnails(self._thumbs)
        dialog.show()
        return dialog
