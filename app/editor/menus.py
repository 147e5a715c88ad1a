"""The canvas's right-click menu: what can be done with the clicked nodes, or where it is."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from engine.graph.catalogue import CATALOGUE


def context_menu(editor, scene_pos) -> QMenu:
    """On selected nodes: their edits; on empty canvas: add a node there, paste, arrange."""
    menu = QMenu(editor)
    acts = editor.actions_by_name
    ids = editor.selected_node_ids()
    if ids:
        if len(ids) == 1:
            menu.addAction("Open", lambda: editor.nodeOpened.emit(ids[0]))
            menu.addSeparator()
        for name in ("copy", "duplicate", "delete", None, "group", "ungroup"):
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(acts[name])
        return menu
    add = menu.addMenu("Add node")
    by_category: dict[str, QMenu] = {}
    for name, spec in CATALOGUE.items():
        sub = by_category.get(spec.category) or by_category.setdefault(
            spec.category, add.addMenu(spec.category)
        )
        act = sub.addAction(name, lambda n=name: editor.add_node(n, scene_pos))
        act.setToolTip(spec.doc)
    for name in ("paste", None, "layout", "fit", "select_all"):
        if name is None:
            menu.addSeparator()
        else:
            menu.addAction(acts[name])
    return menu
