"""Saving what a view shows: its picture (PNG or SVG) and the numbers behind it (NPZ).

``nodeplay render`` and every view's context menu ("Save picture…", "Save data…") call
the same two functions, so the GUI and the command line write the same files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from engine.errors import NodeplayError


def save_picture(widget: QWidget, path) -> None:
    """``widget`` as drawn on screen, to a .png or (vector where Qt draws vectors) .svg."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        gen = QSvgGenerator()
        gen.setFileName(str(path))
        gen.setSize(QSize(widget.width(), widget.height()))
        gen.setViewBox(QRect(0, 0, widget.width(), widget.height()))
        gen.setTitle(widget.windowTitle() or "Nodeplay view")
        painter = QPainter(gen)
        try:
            widget.render(painter, QPoint(0, 0))
        finally:
            painter.end()
        ok = path.exists() and path.stat().st_size > 0
    elif suffix in (".png", ""):
        ok = widget.grab().save(str(path), "PNG")
    else:
        raise NodeplayError(
            f"A picture is saved as .png or .svg, not '{path.suffix}'; choose one of those endings."
        )
    if not ok:
        raise NodeplayError(
            f"The picture could not be written to {path}; check that the folder exists and can be written."
        )


def save_data(data: dict, path) -> None:
    """The numbers behind a view, one array per name, to a .npz file."""
    arrays = {k: np.asarray(v) for k, v in (data or {}).items() if v is not None}
    if not arrays:
        raise NodeplayError("This view has nothing to save yet; press Step or Play first.")
    try:
        np.savez_compressed(str(path), **arrays)
    except OSError as err:
        raise NodeplayError(
            f"The data could not be written to {path} ({err.strerror}); "
            "check that the folder exists and can be written."
        ) from err


def view_menu(view: QWidget, extra=None) -> QMenu:
    """The context menu every view shows: ``extra(menu)`` adds the view's own entries
    first, then Save picture… and Save data…"""
    menu = QMenu(view)
    if extra is not None:
        extra(menu)
        menu.addSeparator()
    menu.addAction("Save picture…", lambda: _ask_and_save(view, picture=True))
    menu.addAction("Save data…", lambda: _ask_and_save(view, picture=False))
    return menu


def _ask_and_save(view: QWidget, picture: bool) -> None:
    name = getattr(view, "view_name", "view")
    if picture:
        path, _ = QFileDialog.getSaveFileName(
            view, "Save picture", f"{name}.png", "PNG image (*.png);;SVG drawing (*.svg)"
        )
    else:
        path, _ = QFileDialog.getSaveFileName(view, "Save data", f"{name}.npz", "NumPy arrays (*.npz)")
    if not path:
        return
    try:
        if picture:
            save_picture(view, path)
        else:
            save_data(view.view_data(), path)
    except NodeplayError as err:
        window = view.window()
        if hasattr(window, "show_error"):
            window.show_error(str(err))


class SavingMenuMixin:
    """Gives a view widget the shared context menu; ``menu_extra(menu)`` may add entries.
    pyqtgraph's own menus must be off (``setMenuEnabled(False)``) so the click reaches it."""

    view_name = "view"

    def menu_extra(self, menu: QMenu) -> None:
        pass

    def contextMenuEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.context_menu = view_menu(self, self.menu_extra)
        self.context_menu.popup(event.globalPos())
        event.accept()
