"""The pca-basis, edge-filter and filter-visualization lessons in the window, driven as
a student does: opened from Help › Lessons, moved through with the arrow keys, each
check turning its step green once the worker has measured it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from tests.app.conftest import shown_window
from tests.app.test_lessons_panel import close, open_from_help


def current_view(window):
    return window.view_area.tabs.currentWidget().view


def test_pca_lesson_draws_the_networks_line_turning_onto_pc1(qtbot):
    window = shown_window(qtbot, "circle")
    panel = open_from_help(window, qtbot, "pca-basis")
    view = window.view_area.views["pca-basis"]
    assert current_view(window) is view and window.project.data.name == "gauss"
    qtbot.waitUntil(lambda: panel.cards[0].met, timeout=60_000)  # drawn axes = eigenvectors
    assert "drawn_angle" in panel.cards[0].status.text()
    qtbot.waitUntil(lambda: view.plot.learned is not None, timeout=60_000)
    assert view.plot.learned["learned_angle"] > 3  # the untrained network's line is elsewhere
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: panel.cards[1].met, timeout=60_000)
    qtbot.keyClick(panel, Qt.Key.Key_Right)  # step 3 plays 30 epochs
    qtbot.waitUntil(lambda: panel.cards[2].met, timeout=120_000)
    assert window.session.epoch == 30 and "learned_angle" in panel.cards[2].status.text()
    qtbot.waitUntil(lambda: view.plot.learned["learned_angle"] <= 3, timeout=60_000)
    data = view.view_data()
    pc1 = data["axes"][0]
    assert abs(float(data["learned_axis"] @ pc1)) >= np.cos(np.radians(3))
    close(window)


def test_edge_filter_lesson_learns_sobel_in_the_window(qtbot):
    window = shown_window(qtbot, "circle")
    panel = open_from_help(window, qtbot, "edge-filter")
    assert current_view(window) is window.view_area.views["edge-kernel"]
    qtbot.waitUntil(lambda: panel.cards[0].met, timeout=60_000)  # far from Sobel at the start
    assert not panel.cards[1].met
    qtbot.keyClick(panel, Qt.Key.Key_Right)  # step 2 trains ten epochs
    qtbot.waitUntil(lambda: panel.cards[1].met, timeout=120_000)
    assert window.session.epoch == 10 and "sobel_distance" in panel.cards[1].status.text()
    np.testing.assert_allclose(
        window.view_area.views["edge-kernel"].learned, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], atol=0.05
    )
    close(window)


def test_filter_lesson_opens_on_the_filters_and_measures_the_untrained_ones(qtbot):
    window = shown_window(qtbot, "circle")
    panel = open_from_help(window, qtbot, "filter-visualization")
    assert current_view(window) is window.view_area.views["filters"]
    assert window.project.train.stop_epochs == 4 and window.project.data.samples == 2000
    qtbot.waitUntil(lambda: panel.cards[0].met, timeout=60_000)  # noise: no edges yet
    assert "edge_correlation" in panel.cards[0].status.text() and window.session.epoch == 0
    close(window)


def test_rendering_the_pca_view_on_the_autoencoder_writes_the_networks_line(tmp_path):
    from PySide6.QtGui import QImage

    from app.render import render_view
    from engine.presets import load_preset

    png, npz = tmp_path / "pca.png", tmp_path / "pca.npz"
    render_view(load_preset("pca-2d"), "pca-basis", png, epochs=30, data_path=npz)
    assert not QImage(str(png)).isNull()
    data = np.load(npz)
    assert {"learned_axis", "learned_centre", "learned_angle"} <= set(data.files)
    assert float(data["learned_angle"]) <= 3
    assert abs(float(data["learned_axis"] @ data["axes"][0])) >= np.cos(np.radians(3))
