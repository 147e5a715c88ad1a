"""Colours, fonts and sizes of the node editor, in one place.

A light theme that sits with the app's white plots: pale canvas with a faint grid,
white node bodies, a coloured header per category, dark text. Sizes are in scene
units, which are pixels at 100% zoom.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont

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
