"""The node-graph editor: palette, canvas and inspector over an engine Graph."""

from app.editor.widget import QtGraphEditor

__all__ = ["QtGraphEditor"]
