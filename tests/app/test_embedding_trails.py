"""Embedding trails as a user meets them: Trails ticked, Play, the finished layouts of
successive refreshes kept and drawn as lines ending where each point is now, saved with
the view's data; a click on a point still selects that sample."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt

from app.views.embedding_trails import MAX_LAYOUTS
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


def test_trails_follow_the_points_over_refreshes_and_a_click_still_selects(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        view = _open_tab(qtbot, w, "Embedding")
        trails = view.trails
        qtbot.mouseClick(trails.check, Qt.MouseButton.LeftButton, pos=QPoint(8, trails.check.height() // 2))
        assert trails.check.isChecked()
        w.play_action.trigger()
        qtbot.waitUntil(lambda: len(trails.layouts) >= 2, timeout=120_000)
        w.play_action.trigger()  # pause
        qtbot.waitUntil(lambda: view._value["done"] and not view._timer.isActive(), timeout=60_000)
        n = len(w.dataset.x_test)
        saved = view.view_data()["trails"]
        k = len(saved)
        assert 2 <= k <= MAX_LAYOUTS and saved.shape == (k, n, 2)
        assert not np.array_equal(saved[0], saved[-1])  # training moved the points
        np.testing.assert_allclose(saved[-1], view.view_data()["coords"], atol=1e-5)
        # one line per point: its k kept places, where it is now, then a break
        x, y = trails.lines.getData()
        lines = np.c_[x, y].reshape(n, k + 2, 2)
        np.testing.assert_allclose(lines[:, :k], saved.transpose(1, 0, 2), atol=1e-5)
        shown = np.array([view.point_position(i) for i in range(n)])
        np.testing.assert_allclose(lines[:, k], shown, atol=1e-5)
        assert np.isnan(lines[:, k + 1]).all()
        # unticked: no lines, the places are kept
        qtbot.mouseClick(trails.check, Qt.MouseButton.LeftButton, pos=QPoint(8, trails.check.height() // 2))
        assert trails.lines.getData()[0] is None or len(trails.lines.getData()[0]) == 0
        assert len(trails.layouts) == k
        with qtbot.waitSignal(view.sampleSelected, timeout=5_000) as got:
            qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=_screen_pos(view, 11))
        assert np.allclose(view.point_position(got.args[0]), view.point_position(11), atol=0.5)
        assert w.view_area.selected_sample == got.args[0]
    finally:
        w.close()
