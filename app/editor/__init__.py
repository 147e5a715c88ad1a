"""The node-graph editor: palette, canvas and inspector over an engine Graph.

Gestures: drag a palette type onto the canvas, or double-click it (Enter) to add it at
the view centre, or after the selected node (connected when it fits); drag from a port
to a port to connect; drag a connected input away to move or remove its edge; click,
Ctrl-click and drag a box on empty canvas to select; right-click for a menu.
Keys: Ctrl+Z / Ctrl+Shift+Z undo and redo, Ctrl+C / Ctrl+V / Ctrl+D copy, paste and
duplicate, Del delete, Ctrl+A select all, Ctrl+G / Ctrl+Shift+G group and ungroup,
Ctrl+L auto layout, F fit, arrows nudge (Shift: by one pixel), Ctrl+F search the palette.
View: the wheel zooms around the cursor; middle-drag or Space+drag pans.
"""

from app.editor.widget import QtGraphEditor

__all__ = ["QtGraphEditor"]
