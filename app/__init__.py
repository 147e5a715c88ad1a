"""PySide6 GUI. The only layer that imports Qt, pyqtgraph or vispy."""
