"""The Playground panel's look and its sliders: the feature buttons' and hints'
stylesheets for the current theme (app.look.theme; they follow a theme change), and
the sliders whose value label updates while dragged and whose edit applies on release.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSlider, QWidget

from app.look import theme

# TF Playground's blue for a feature that is on, in both themes (white text on it)
ON, ON_BORDER = "#0877bd", "#065a8f"
# an off feature button, by theme: (ground, border, text)
_OFF = {"dark": ("#3a3c40", "#5a5d63", "#e6e6e6")}
_OFF_LIGHT = ("#f6f6f6", "#aaaaaa", "#333333")


def feature_buttons_style(t: theme.Theme) -> str:
    ground, border, text = _OFF.get(t.name, _OFF_LIGHT)
    return (
        f"QToolButton {{ border: 1px solid {border}; border-radius: 3px; "
        f"padding: 3px; background: {ground}; color: {text}; }}"
        f"QToolButton:checked {{ background: {ON}; color: white; "
        f"border-color: {ON_BORDER}; font-weight: bold; }}"
    )


def style_feature_box(box: QWidget) -> None:
    """Style the box of feature buttons now and after every theme change."""
    theme.follow(box, lambda w, t: w.setStyleSheet(feature_buttons_style(t)))


def style_hint(label: QLabel) -> None:
    """A hint's muted text, in the current theme's muted colour."""
    theme.follow(label, lambda w, t: w.setStyleSheet(f"color: {t.muted};"))


def slider(low: int, high: int) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(low, high)
    s.setPageStep(5)
    return s


class Released:
    """Calls ``apply(value)`` when a slider is released or moved by keys or code,
    never while it is dragged (every edit restarts training)."""

    def __init__(self, slider: QSlider, label: QLabel, fmt, apply) -> None:
        self.slider, self.label, self.fmt, self.apply = slider, label, fmt, apply
        slider.valueChanged.connect(self._changed)
        slider.sliderReleased.connect(lambda: self.apply(slider.value()))

    def _changed(self, value: int) -> None:
        self.label.setText(self.fmt(value))
        if not self.slider.isSliderDown():
            self.apply(value)
