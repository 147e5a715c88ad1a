"""Colours, fonts and sizes of the node editor, in one place.

Two looks that follow the app's theme (app.look.theme): light (pale canvas with a
faint grid, white node bodies, dark text) and dark (dark canvas and bodies, light
text); the category headers and port colours stay the same in both. The scene's
items read these names when they paint, so ``use`` swapping them and a repaint is
a theme change. Sizes are in scene units, which are pixels at 100% zoom.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QFont

from app.look import theme as look

CANVAS = QColor("#f4f5f7")
GRID_MINOR = QColor("#e8eaee")
GRID_MAJOR = QColor("#dadde3")
GRID_STEP = 24

NODE_WIDTH = 176
HEADER_H = 24
ROW_H = 20
FOOTER_H = 20
THUMB_H = 64
RADIUS = 6
PORT_R = 5.0

NODE_BODY = QColor("#ffffff")
NODE_BORDER = QColor("#b9bec8")
TEXT = QColor("#1f2430")
TEXT_DIM = QColor("#6b7280")
HEADER_TEXT = QColor("#ffffff")
SELECTED = QColor("#2f6fdb")
HOVER = QColor("#8fb2ee")
ERROR = QColor("#d93025")
OK_PORT = QColor("#1e9e5a")

EDGE = QColor("#7b8494")
EDGE_LABEL_BG = QColor(255, 255, 255, 230)

GROUP_FILL = QColor(47, 111, 219, 22)
GROUP_BORDER = QColor(47, 111, 219, 110)
GROUP_TITLE = QColor("#27477f")

CATEGORY_COLOURS = {
    "Data": QColor("#3f7f5f"),
    "Layers": QColor("#3d6db5"),
    "Conv": QColor("#7a4fb0"),
    "Convolution": QColor("#7a4fb0"),
    "Image": QColor("#7a4fb0"),
    "Shape": QColor("#8a6d2f"),
    "Merge": QColor("#b0662b"),
    "Latent": QColor("#a0407a"),
    "Generative": QColor("#a0407a"),
    "Loss": QColor("#a33b3b"),
    "Output": QColor("#a33b3b"),
}
_SPARE = [QColor(c) for c in ("#4b7d8c", "#6d6a2a", "#5b5f97", "#8c4b5e", "#3c7a3c")]

PORT_COLOURS = {"tensor": QColor("#4a78c2"), "target": QColor("#d08a1c"), "loss": QColor("#b2405e")}


# The colours that differ between themes, by theme name (a new theme takes light's).
_LOOKS = {
    "light": {
        "CANVAS": "#f4f5f7",
        "GRID_MINOR": "#e8eaee",
        "GRID_MAJOR": "#dadde3",
        "NODE_BODY": "#ffffff",
        "NODE_BORDER": "#b9bec8",
        "TEXT": "#1f2430",
        "TEXT_DIM": "#6b7280",
        "SELECTED": "#2f6fdb",
        "HOVER": "#8fb2ee",
        "ERROR": "#d93025",
        "OK_PORT": "#1e9e5a",
        "EDGE": "#7b8494",
        "EDGE_LABEL_BG": (255, 255, 255, 230),
        "GROUP_FILL": (47, 111, 219, 22),
        "GROUP_BORDER": (47, 111, 219, 110),
        "GROUP_TITLE": "#27477f",
    },
    "dark": {
        "CANVAS": "#1e1f22",
        "GRID_MINOR": "#27292d",
        "GRID_MAJOR": "#33363b",
        "NODE_BODY": "#2f3136",
        "NODE_BORDER": "#5a5f68",
        "TEXT": "#e6e6e6",
        "TEXT_DIM": "#a3a8b0",
        "SELECTED": "#5b8def",
        "HOVER": "#4a6ea8",
        "ERROR": "#ff6b5e",
        "OK_PORT": "#3cc47c",
        "EDGE": "#8f98a8",
        "EDGE_LABEL_BG": (43, 45, 48, 230),
        "GROUP_FILL": (91, 141, 239, 32),
        "GROUP_BORDER": (91, 141, 239, 140),
        "GROUP_TITLE": "#a9c2f5",
    },
}


def use(name: str) -> None:
    """Take the colours of theme ``name`` (the items pick them up when they next paint)."""
    module = sys.modules[__name__]
    for key, value in _LOOKS.get(name, _LOOKS["light"]).items():
        setattr(module, key, QColor(*value) if isinstance(value, tuple) else QColor(value))


def category_colour(category: str) -> QColor:
    if category in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[category]
    return _SPARE[sum(map(ord, category)) % len(_SPARE)]  # stable for a new category


def port_colour(kind: str) -> QColor:
    return PORT_COLOURS.get(kind, TEXT_DIM)


def font(size: float = 9.0, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


# follow the app's theme from now on (the module itself is the follower: it lives on)
look.follow(sys.modules[__name__], lambda _module, t: use(t.name))
