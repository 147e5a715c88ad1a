"""Light and dark themes: View > Theme recolours the views' ground and text; the data
keep their colours."""

import numpy as np
import pytest
from PySide6.QtGui import QColor

from app.look import colours, theme


@pytest.fixture
def light_after():
    yield
    theme.set_theme("light")


def test_the_theme_menu_switches_every_views_ground(window, qtbot, light_after):
    assert theme.names() == ["dark", "light"]
    entries = {a.text(): a for a in window.theme_menu.actions()}
    assert set(entries) == {"Light", "Dark"} and entries["Light"].isChecked()
    plot = window.boundary_view.plot
    assert plot.backgroundBrush().color() == QColor("#ffffff")
    entries["Dark"].trigger()
    dark = theme.load("dark")
    assert plot.backgroundBrush().color() == QColor(dark.background)
    assert window.loss_plot.plot.backgroundBrush().color() == QColor(dark.background)
    assert window.network_view.canvas.backgroundBrush().color() == QColor(dark.background)
    axis = window.loss_plot.plot.getPlotItem().getAxis("left")
    assert axis.textPen().color() == QColor(dark.text)
    assert window.network_view.columns[0].header_item.brush().color() == QColor(dark.text)
    # the data colours are the scheme's in either theme
    img = window.boundary_view.image
    assert np.array_equal(colours.signed_rgb(1.0), colours.FIELD_LUT[-1])
    assert img.getColorMap() is not None
    entries["Light"].trigger()
    assert plot.backgroundBrush().color() == QColor("#ffffff")


def test_an_unknown_theme_is_refused_in_a_sentence():
    with pytest.raises(ValueError, match="There is no theme 'pink'; choose one of dark, light."):
        theme.load("pink")
