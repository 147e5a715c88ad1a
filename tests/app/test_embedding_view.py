"""The embedding view as a user meets it: its tab on an image project, points that
arrive while training, a click on a point that selects the sample, the layer chooser,
and the render command's picture and numbers."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt
from sklearn.manifold import trustworthiness

from app.render import render_view
from engine.presets import load_preset
from tests.app.conftest import shown_window


def _open_tab(qtbot, w, title: str):
    bar = w.tabs.tabBar()
    index = next(i for i in range(w.tabs.count()) if w.tabs.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    return w.view_area.views["embedding"]


def _screen_pos(view, index: int) -> QPoint:
    x, y = view.point_position(index)
    scene = view.plot.getPlotItem().getViewBox().mapViewToScene(pg.Point(x, y))
    return view.plot.mapFromScene(scene)


def test_points_arrive_while_training_and_a_click_selects_that_sample(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        view = _open_tab(qtbot, w, "Embedding")
        assert w.view_area.subscriptions()["embedding"] == {"layer": "flatten"}
        assert "flatten (Flatten)" in [view.combo.itemText(i) for i in range(view.combo.count())]
        w.play_action.trigger()
        qtbot.waitUntil(lambda: view._value is not None and view._value["iteration"] > 0, timeout=60_000)
        w.play_action.trigger()  # pause
        # paused mid-layout or not, the view ends with a finished layout (it asks for the rest)
        qtbot.waitUntil(lambda: view._value["done"] and not view._timer.isActive(), timeout=60_000)
        n = len(w.dataset.x_test)
        assert view.view_data()["coords"].shape == (n, 2)
        x, y = view.points.getData()  # the points drawn are the final layout
        assert np.allclose(np.c_[x, y], view.view_data()["coords"], atol=1e-4)
        target = 17
        with qtbot.waitSignal(view.sampleSelected, timeout=5_000) as got:
            qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=_screen_pos(view, target))
        clicked = got.args[0]
        # the click lands on sample 17 or on a point drawn at the same spot
        assert np.allclose(view.point_position(clicked), view.point_position(target), atol=0.5)
        assert w.view_area.selected_sample == clicked
    finally:
        w.close()


def test_choosing_another_layer_subscribes_it(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        view = _open_tab(qtbot, w, "Embedding")
        view.combo.setFocus()
        qtbot.keyClick(view.combo, Qt.Key.Key_Up)
        assert view.current_layer() == "pool2"
        assert w.view_area.subscriptions()["embedding"] == {"layer": "pool2"}
        w.step_action.trigger()
        qtbot.waitUntil(lambda: view._value is not None, timeout=60_000)
        assert view._value["layer"] == "pool2" and view.view_data()["features"].shape[1] == 64
    finally:
        w.close()


def test_render_writes_the_picture_and_the_layout(tmp_path):
    out, data = tmp_path / "embedding.png", tmp_path / "embedding.npz"
    render_view(load_preset("digits-cnn"), "embedding", out, 1, data)
    assert out.stat().st_size > 5_000
    saved = np.load(data)
    n = len(saved["labels"])
    assert saved["coords"].shape == (n, 2) and saved["features"].shape == (n, 64)
    assert np.isfinite(saved["coords"]).all()
    assert trustworthiness(saved["features"], saved["coords"], n_neighbors=10) >= 0.95
