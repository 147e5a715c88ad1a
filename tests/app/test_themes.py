"""Light and dark themes: View > Theme recolours the views' ground and text; the data
keep their colours."""

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from app.look import colours, theme


@pytest.fixture
def light_after():
    yield
    theme.set_theme("light")


def test_the_theme_menu_switches_every_views_ground(window, qtbot, light_after):
    assert theme.names() == ["contrast", "dark", "light"]  # L3: contrast for projectors
    entries = {a.text(): a for a in window.theme_menu.actions()}
    assert set(entries) == {"Light", "Dark", "High contrast (projector)"} and entries["Light"].isChecked()
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
    with pytest.raises(ValueError, match="There is no theme 'pink'; choose one of contrast, dark, light."):
        theme.load("pink")


def _pixel(widget, x: int, y: int) -> QColor:
    return QColor(widget.grab().toImage().pixel(x, y))


def _ground(widget) -> QColor:
    """The colour most of ``widget``'s pixels have."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32, image.width() * image.height())
    values, counts = np.unique(pixels, return_counts=True)
    return QColor(int(values[np.argmax(counts)]))


def test_dark_theme_reaches_the_panel_and_the_editor_canvas(window, qtbot, light_after):
    """View > Theme > Dark: the feature buttons (their own stylesheet) and the node
    editor's canvas turn dark, and back to light."""
    dark = theme.load("dark")
    button = next(b for b in window.panel.feature_buttons.values() if not b.isChecked())
    on = next(b for b in window.panel.feature_buttons.values() if b.isChecked())
    window.show_mode("editor")
    qtbot.waitUntil(lambda: window.editor.view.isVisible())
    canvas = window.editor.view.viewport()

    def lightness(c: QColor) -> int:
        return c.lightness()

    assert lightness(_pixel(button, button.width() // 2, 3)) > 200
    assert lightness(_ground(canvas)) > 200
    entries = {a.text(): a for a in window.theme_menu.actions()}
    entries["Dark"].trigger()
    qtbot.wait(20)
    assert lightness(_pixel(button, button.width() // 2, 3)) < 90
    assert _ground(canvas) == QColor(dark.background)
    # a feature that is on keeps TF Playground's blue in both themes
    assert _pixel(on, on.width() // 2, 3) == QColor("#0877bd")
    entries["Light"].trigger()
    qtbot.wait(20)
    assert lightness(_pixel(button, button.width() // 2, 3)) > 200
    assert lightness(_ground(canvas)) > 200


def test_the_3d_hidden_view_follows_the_theme(qtbot, light_after):
    from app.views.hidden_view3d import VispyHiddenSpace3D, gl_available

    if not gl_available():
        pytest.skip("no OpenGL context on this Qt platform (offscreen): run under xvfb-run -a")
    v = VispyHiddenSpace3D()
    qtbot.addWidget(v)
    assert v.canvas.bgcolor.hex == "#ffffff"
    theme.set_theme("dark")
    dark = theme.load("dark")
    assert v.canvas.bgcolor.hex == dark.background
    assert QColor(*v.canvas.render()[5, 5, :3].tolist()) == QColor(dark.background)
    v.close_canvas()
