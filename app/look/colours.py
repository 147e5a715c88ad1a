"""Nodeplay's one colour scheme: every view and the editor import their colours here,
so the same value has the same colour everywhere.

* Signed values (outputs, neuron maps, thumbnails, weights): a diverging map from
  orange (-1) through near-white (0) to blue (+1), TF Playground's. Orange against blue
  stays distinct under the three common colour-vision deficiencies (they differ in
  lightness and in the blue-yellow axis every dichromat keeps).
* Maps drawn under points (boundary, neuron maps, thumbnails, node output) use the
  pale form, ``FIELD``; the points themselves use the full colours.
* Classes: class 0 orange and class 1 blue (so two classes read as -1 and +1), then
  Okabe-Ito's colour-blind-safe qualitative colours.

Numpy only (no Qt), so the editor, the views and the compare window share it without
depending on each other.
"""

from __future__ import annotations

import numpy as np

ORANGE = (245, 147, 34)
WHITE = (232, 234, 235)
BLUE = (8, 119, 189)
PALE = 0.35  # how far the field colours go towards white, so points on them stand out


def mix(colour, towards=(255, 255, 255), t: float = 0.0) -> tuple[int, int, int]:
    return tuple(int(round(c + (w - c) * t)) for c, w in zip(colour, towards, strict=True))


# The three stops of the diverging map, full (points, weights) and pale (fields).
POINT_STOPS = (ORANGE, WHITE, BLUE)
FIELD_STOPS = (mix(ORANGE, t=PALE), WHITE, mix(BLUE, t=PALE))

# Okabe & Ito (2008), after orange and blue: bluish green, reddish purple, yellow,
# sky blue, vermillion, black; then two greys-browns for classes 9 and 10.
CLASS_COLOURS = [
    ORANGE,
    BLUE,
    (0, 158, 115),
    (204, 121, 167),
    (240, 228, 66),
    (86, 180, 233),
    (213, 94, 0),
    (40, 40, 40),
    (140, 110, 80),
    (150, 150, 150),
]

RIGHT = (0, 130, 80)  # a prediction the network gets right (bluish green)
WRONG = (200, 60, 0)  # and wrong (vermillion): distinct from RIGHT for dichromats too
TRAIN_LINE = (51, 51, 51)
TEST_LINE = BLUE


def _lut(stops, n: int = 256) -> np.ndarray:
    """(n, 3) uint8: linear interpolation through the three stops."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    a, m, b = (np.array(s, np.float64) for s in stops)
    rgb = np.where(t < 0.5, a + (m - a) * (t / 0.5), m + (b - m) * ((t - 0.5) / 0.5))
    return np.round(rgb).astype(np.uint8)


POINT_LUT = _lut(POINT_STOPS)
FIELD_LUT = _lut(FIELD_STOPS)


def signed_rgb(values, pale: bool = True) -> np.ndarray:
    """Values in [-1, 1] (clipped; NaN as 0) -> (..., 3) uint8 on the diverging map."""
    v = np.nan_to_num(np.asarray(values, np.float64))
    idx = np.clip(np.round((v + 1.0) * 127.5), 0, 255).astype(np.intp)
    return (FIELD_LUT if pale else POINT_LUT)[idx]


def class_rgb(labels) -> np.ndarray:
    """Class indices -> (..., 3) uint8 from CLASS_COLOURS (cycled past ten)."""
    table = np.array(CLASS_COLOURS, np.uint8)
    return table[np.asarray(labels, np.intp) % len(table)]


def hex_colour(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb[:3]))


def variant_colours(n: int) -> list[str]:
    """``n`` distinct line colours (hex) for compared variants, colour-blind-safe first.

    They skip the first two class colours: in the compare window orange and blue already
    mean class 0 and class 1 (or negative and positive) in every tile."""
    # dark, saturated ones first: pale yellow and sky blue read poorly as lines on white
    palette = [CLASS_COLOURS[i] for i in (2, 3, 7, 8, 6, 5, 4, 9)]
    return [hex_colour(palette[i % len(palette)]) for i in range(n)]
