"""Light and dark themes (resources/themes/*.json): the ground, text and axis colours
of every view. The data colours (app.look.colours) are the same in both, so a value
keeps its colour whichever theme is on.

Widgets that draw with theme colours ``follow`` the theme: their restyle function runs
now and again whenever ``set_theme`` changes it.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass

from resources import THEMES


@dataclass(frozen=True)
class Theme:
    name: str
    title: str
    background: str  # plots and drawings
    text: str
    muted: str  # notes and hints
    axis: str
    frame: str
    window: str | None = None  # the application's palette; None keeps the platform's
    window_text: str | None = None
    base: str | None = None


def names() -> list[str]:
    return sorted(p.stem for p in THEMES.glob("*.json"))


def load(name: str) -> Theme:
    path = THEMES / f"{name}.json"
    if not path.exists():
        raise ValueError(f"There is no theme '{name}'; choose one of {', '.join(names())}.")
    return Theme(**json.loads(path.read_text(encoding="utf-8")))


_current = load("light")
_followers: list[tuple[weakref.ref, object]] = []


def current() -> Theme:
    return _current


def follow(widget, restyle, now: bool = True) -> None:
    """Call ``restyle(widget, theme)`` now (unless not ``now``) and after every theme
    change while ``widget`` lives. ``restyle`` must not hold ``widget`` itself (only a
    weak reference is kept, so that closed views are let go)."""
    _followers.append((weakref.ref(widget), restyle))
    if now:
        restyle(widget, _current)


def set_theme(name: str) -> None:
    global _current
    _current = load(name)
    _apply_palette(_current)
    alive = []
    for ref, restyle in _followers:
        widget = ref()
        if widget is None:
            continue
        try:
            restyle(widget, _current)
        except RuntimeError:  # its Qt object is gone
            continue
        alive.append((ref, restyle))
    _followers[:] = alive


_platform_palette = None


def _apply_palette(theme: Theme) -> None:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    global _platform_palette
    app = QApplication.instance()
    if app is None:
        return
    if _platform_palette is None:
        _platform_palette = QPalette(app.palette())
    if theme.window is None:
        app.setPalette(_platform_palette)
        return
    p = QPalette(_platform_palette)
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, theme.window),
        (roles.WindowText, theme.window_text),
        (roles.Base, theme.base),
        (roles.AlternateBase, theme.window),
        (roles.Text, theme.window_text),
        (roles.Button, theme.window),
        (roles.ButtonText, theme.window_text),
        (roles.ToolTipBase, theme.window),
        (roles.ToolTipText, theme.window_text),
    ):
        p.setColor(role, QColor(colour))
    app.setPalette(p)


def add_theme_menu(menu, parent) -> object:
    """A "Theme" submenu of ``menu`` with one checkable entry per theme."""
    from PySide6.QtGui import QAction, QActionGroup

    sub = menu.addMenu("&Theme")
    group = QActionGroup(parent)
    for name in names():
        action = QAction(load(name).title, parent, checkable=True)
        action.setChecked(name == _current.name)
        action.triggered.connect(lambda _on=False, n=name: set_theme(n))
        group.addAction(action)
        sub.addAction(action)
    return sub
