"""One colour scheme: the same value has the same colour in every view and the editor."""

from types import SimpleNamespace

import numpy as np
from PySide6.QtGui import QColor

from app.look import colours, thumbnail
from app.views.boundary_view import QtBoundaryView
from engine.train.events import Metrics, Snapshot

VALUES = np.array([[-1.0, -0.5], [0.5, 1.0]])


def _rgb(image, x: int, y: int) -> tuple[int, int, int]:
    c = QColor(image.pixel(x, y))
    return c.red(), c.green(), c.blue()


def test_a_value_has_the_same_colour_in_the_boundary_and_a_thumbnail(qtbot):
    view = QtBoundaryView()
    qtbot.addWidget(view)
    view.show_snapshot(Snapshot(1, 0, False, Metrics(), VALUES.astype(np.float32), 6.0))
    view.image.render()  # the picture pyqtgraph paints
    field = view.image.qimage  # row-major: row 0 is the first row of the grid
    pix = thumbnail.render(SimpleNamespace(kind="map", values=VALUES), 2, 2).toImage()
    for (row, col), value in np.ndenumerate(VALUES):
        in_boundary = _rgb(field, col, row)
        in_thumbnail = _rgb(pix, col, row)
        assert np.allclose(in_boundary, in_thumbnail, atol=2), value
        assert np.allclose(in_boundary, colours.signed_rgb(value), atol=2)
    # negative is orange (red over blue), positive blue, in both
    assert _rgb(pix, 0, 0)[0] > _rgb(pix, 0, 0)[2]
    assert _rgb(pix, 1, 1)[2] > _rgb(pix, 1, 1)[0]


def test_classes_zero_and_one_are_the_diverging_maps_ends():
    assert colours.CLASS_COLOURS[0] == colours.ORANGE and colours.CLASS_COLOURS[1] == colours.BLUE
    assert len(set(colours.CLASS_COLOURS)) == len(colours.CLASS_COLOURS) == 10
    # compared variants never take the class colours: in a compare tile those mean classes
    variants = colours.variant_colours(8)
    assert len(set(variants)) == 8
    assert not {colours.hex_colour(colours.ORANGE), colours.hex_colour(colours.BLUE)} & set(variants)


def test_the_diverging_map_stays_apart_for_red_green_colour_blindness():
    """Simulated deuteranopia (Machado et al. 2009, severity 1): the two ends differ."""
    m = np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 1.001880]]
    )
    lo, hi = (m @ (np.array(c) / 255.0) for c in (colours.ORANGE, colours.BLUE))
    assert np.abs(lo - hi).max() > 0.4
