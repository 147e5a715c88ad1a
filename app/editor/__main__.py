"""Open the editor on a project file or preset to look at it: python -m app.editor FILE|PRESET."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from app.editor import QtGraphEditor
from engine.data.dataset import make_dataset
from engine.errors import NodeplayError
from engine.presets import load_preset, preset_names
from engine.project import load_project


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m app.editor FILE|PRESET", file=sys.stderr)
        return 2
    try:
        project = load_preset(argv[0]) if argv[0] in preset_names() else load_project(argv[0])
        spec = make_dataset(project.data, project.points).spec
    except NodeplayError as err:
        print(err, file=sys.stderr)
        return 1
    app = QApplication.instance() or QApplication([])
    editor = QtGraphEditor()
    editor.resize(1280, 760)
    editor.setWindowTitle(f"{project.name} — Nodeplay editor")
    editor.message.connect(lambda kind, text: print(f"{kind}: {text}"))
    editor.show()
    editor.set_graph(project.graph, spec)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
