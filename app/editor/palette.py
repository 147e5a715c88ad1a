"""The node palette: every catalogue type by category, with a search box.

Drag a type onto the canvas, or double-click it (or press Enter) to add it at the
centre of the view. Enter in the search box adds the first match.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QLineEdit, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.editor import theme
from app.editor.view import NODE_MIME
from engine.graph.catalogue import CATALOGUE

_TYPE = Qt.ItemDataRole.UserRole


class _Tree(QTreeWidget):
    # one signal for Enter and double-click: itemActivated also fires on a double-click
    # (and on a single click where the style activates so), which added every node twice
    chosen = Signal(QTreeWidgetItem)

    def startDrag(self, actions):
        item = self.currentItem()
        name = item.data(0, _TYPE) if item else None
        if not name:
            return
        mime = QMimeData()
        mime.setData(NODE_MIME, name.encode())
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction)

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self.chosen.emit(self.currentItem())
            return
        super().keyPressEvent(event)


class NodePalette(QWidget):
    activated = Signal(str)  # a node type to add at the view centre

    def __init__(self, parent=None):
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search nodes…")
        self.search.setClearButtonEnabled(True)
        self.tree = _Tree()
        self.tree.setHeaderHidden(True)
        self.tree.setDragEnabled(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(10)
        self.items: dict[str, QTreeWidgetItem] = {}
        categories: dict[str, QTreeWidgetItem] = {}
        for name, spec in CATALOGUE.items():
            parent_item = categories.get(spec.category)
            if parent_item is None:
                parent_item = categories[spec.category] = QTreeWidgetItem(self.tree, [spec.category])
                parent_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                parent_item.setFont(0, theme.font(8.5, bold=True))
                parent_item.setForeground(0, theme.category_colour(spec.category))
            item = QTreeWidgetItem(parent_item, [name])
            item.setData(0, _TYPE, name)
            item.setToolTip(0, spec.doc)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
            )
            self.items[name] = item
        self.tree.expandAll()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.tree)
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self._add_first)
        self.tree.chosen.connect(self._activated)
        self.tree.itemDoubleClicked.connect(self._activated)

    def filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.tree.topLevelItemCount()):
            cat = self.tree.topLevelItem(i)
            shown = 0
            for j in range(cat.childCount()):
                item = cat.child(j)
                hay = f"{item.text(0)} {cat.text(0)} {item.toolTip(0)}".lower()
                hide = not all(w in hay for w in words)
                item.setHidden(hide)
                shown += not hide
            cat.setHidden(shown == 0)

    def visible_types(self) -> list[str]:
        return [n for n, item in self.items.items() if not item.isHidden() and not item.parent().isHidden()]

    def _add_first(self) -> None:
        shown = self.visible_types()
        if shown:
            self.activated.emit(shown[0])

    def _activated(self, item, column=0) -> None:
        name = item.data(0, _TYPE)
        if name:
            self.activated.emit(name)
