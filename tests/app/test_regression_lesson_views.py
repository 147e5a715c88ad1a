"""The L2 views (issue #12) live in the window: their tabs appear for the 1-D
regression presets only, and while training they follow the worker, which answers the
view's new settings (a ridge λ, a start clicked on the loss surface)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from tests.app.conftest import shown_window


def _open_tab(w, qtbot, title: str):
    bar = w.view_area.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    return w.view_area.tabs.currentWidget().view


def _titles(w) -> set[str]:
    bar = w.view_area.tabs.tabBar()
    return {bar.tabText(i) for i in range(bar.count())}


def test_the_views_follow_training_and_their_settings(qtbot):
    w = shown_window(qtbot, "sgd-vs-gd")
    try:
        assert {"1-D regression", "Loss surface", "Polynomial degree"} <= _titles(w)
        view = _open_tab(w, qtbot, "Loss surface")
        w.play_action.trigger()
        qtbot.waitUntil(lambda: view.value is not None and "trained" in view.value, timeout=20_000)
        view.epochs_spin.setFocus()
        qtbot.keyClick(view.epochs_spin, Qt.Key.Key_Down)  # 9 epochs: the worker answers with them
        qtbot.waitUntil(lambda: len(view.value["path_gd"]) == 10, timeout=20_000)
        line = _open_tab(w, qtbot, "1-D regression")
        qtbot.waitUntil(lambda: line.value is not None, timeout=20_000)
        line.ridge_slider.setFocus()
        qtbot.keyClick(line.ridge_slider, Qt.Key.Key_End)
        qtbot.waitUntil(lambda: float(line.value["ridge"]) == 10.0, timeout=20_000)
        assert abs(line.value["ridge_line"][0]) < abs(line.value["normal_line"][0])
        np.testing.assert_allclose(line.line, line.value["ridge_line"])
    finally:
        w.close()


def test_the_tabs_are_offered_for_functions_of_x1_only(qtbot):
    w = shown_window(qtbot, "circle")
    try:
        assert not {"1-D regression", "Loss surface", "Polynomial degree"} & _titles(w)
    finally:
        w.close()
