"""How many times larger than usual text is drawn: presentation mode's projector scale,
for views that size text in pixels themselves (the network diagram keeps its labels a
fixed number of screen pixels high at any zoom) instead of following the widget font.
The application object carries it, so that every window reads the same number; a view
hears of a change through the FontChange event that the application font's change sends."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

PROPERTY = "nodeplay_text_scale"


def text_scale() -> float:
    app = QApplication.instance()
    value = app.property(PROPERTY) if app is not None else None
    return float(value) if isinstance(value, (int, float)) and value > 0 else 1.0


def set_text_scale(scale: float) -> None:
    app = QApplication.instance()
    if app is not None:
        app.setProperty(PROPERTY, float(scale))
