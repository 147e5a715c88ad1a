"""Draw one view to a PNG offscreen: what ``nodeplay render`` calls."""

from __future__ import annotations

import os
import sys

from engine.errors import NodeplayError
from engine.project import Project

VIEWS = ("window", "boundary", "loss")
SIZES = {"window": (1200, 720), "boundary": (640, 600), "loss": (720, 480)}


def _application():
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])


def render_to_png(project: Project, view: str, out_path, epochs: int) -> None:
    """Train ``epochs`` headless, draw ``view`` with the result and save it to ``out_path``."""
    if view not in VIEWS:
        raise NodeplayError(f"There is no view '{view}'; choose one of {', '.join(VIEWS)}.")
    from engine.train.events import Snapshot
    from engine.train.session import Session

    session = Session(project)
    if view == "boundary" and not session.dataset.is_2d:
        shape = "×".join(map(str, session.dataset.spec.x_shape))
        raise NodeplayError(f"The boundary view draws 2-D points; the dataset "
                            f"'{project.data.name}' holds {shape} samples, so render the "
                            "window or loss view instead.")
    if epochs:
        session.train(epochs=epochs)
    snapshot = Snapshot(session.epoch, session.step, False, session.history, session.boundary(),
                        session.dataset.extent, 0.0, reset=True)

    app = _application()
    from PySide6.QtCore import Qt

    if view == "window":
        from app.window import MainWindow

        widget = MainWindow(project, session=session, serve=False)
        widget.show_snapshot(snapshot)
    elif view == "boundary":
        from app.views.boundary_view import QtBoundaryView

        widget = QtBoundaryView(session.dataset)
        widget.show_snapshot(snapshot)
    else:
        from app.views.loss_plot import QtLossPlot

        widget = QtLossPlot()
        widget.show_snapshot(snapshot)
    try:
        widget.resize(*SIZES[view])
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        widget.show()
        for _ in range(3):
            app.processEvents()
        if not widget.grab().save(str(out_path), "PNG"):
            raise NodeplayError(f"The picture could not be written to {out_path}.")
    finally:
        widget.close()
        widget.deleteLater()
        app.processEvents()
