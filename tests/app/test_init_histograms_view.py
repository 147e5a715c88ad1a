"""The Layer histograms tab on init-deep: clicked, Play pressed, one row per layer with
columns added as training runs; its render with --data on a too-large initialisation."""

import numpy as np
from PySide6.QtCore import Qt

from app.render import render_view
from engine.lessons.controls import set_controls
from engine.presets import load_preset
from tests.app.conftest import shown_window

LAYERS = ["dense1", "dense2", "dense3", "dense4", "dense5", "dense6", "head"]


def test_the_layer_histograms_tab_grows_a_column_per_snapshot(qtbot):
    w = shown_window(qtbot, "init-deep")
    bar = w.tabs.tabBar()
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    qtbot.mouseClick(
        bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(titles.index("Layer histograms")).center()
    )
    view = w.tabs.widget(titles.index("Layer histograms")).view
    assert "init-histograms" in w.view_area.subscriptions()
    qtbot.waitUntil(lambda: view.value is not None, timeout=20_000)  # the initial weights
    assert len(view.rows) == len(LAYERS)
    w.play_action.trigger()
    # init-deep stops after 10 epochs; on the compiled kernel they may all pass between two
    # frames, so the tab may get only one column after the first
    qtbot.waitUntil(lambda: len(view.value["epochs"]) >= 2 and view.value["epochs"][-1] >= 3, timeout=60_000)
    w.play_action.trigger()
    data = view.view_data()
    assert list(data["layers"]) == LAYERS and data["epochs"][0] == 0
    assert np.all(np.diff(data["epochs"]) >= 0)
    np.testing.assert_allclose(data["activations"].sum(axis=2), 1.0)
    assert data["activations"].shape[:2] == (len(data["epochs"]), len(LAYERS))
    assert "Epoch" in view.summary.text() and "dense1" in view.summary.text()
    w.close()


def test_the_view_renders_with_its_data_and_shows_exploding_signals(qtbot, tmp_path):
    out, data = tmp_path / "ih.png", tmp_path / "ih.npz"
    project = set_controls(load_preset("init-deep"), {"init": "large"})
    render_view(project, "init-histograms", out, 2, data)
    arrays = np.load(data)
    assert list(arrays["epochs"]) == [0, 2] and list(arrays["layers"]) == LAYERS
    start = arrays["activation_std"][0]
    assert start[5] > 10 * start[0]  # the sixth hidden layer's spread far above the first's
    assert out.stat().st_size > 1000
