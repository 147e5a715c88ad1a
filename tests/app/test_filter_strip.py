"""The filters' strip over training collects only while the Filters tab is in sight,
labels each picture with the epoch its kernels are from, and saves with the view."""

import numpy as np
from PySide6.QtCore import Qt

from engine.train.events import Snapshot
from tests.app.conftest import shown_window


def _open_tab(qtbot, w, title: str):
    bar = w.tabs.tabBar()
    index = [w.tabs.tabText(i) for i in range(w.tabs.count())].index(title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert w.tabs.currentIndex() == index
    return w.tabs.widget(index).view


def test_the_strip_stays_empty_while_the_tab_is_hidden_and_fills_once_in_sight(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        view = w.view_area.view("filters")
        assert w.view_area.tab_view() is not view
        for epoch in (1, 2):
            w.step_action.trigger()
            qtbot.waitUntil(lambda e=epoch: w.epoch_label.text() == f"Epoch {e}", timeout=30_000)
        assert "kernels" not in w.view_area.subscriptions()
        assert view.history == [] and view.strip.tiles == []
        _open_tab(qtbot, w, "Filters")
        qtbot.waitUntil(lambda: [e for e, _ in view.history] == [2], timeout=30_000)
        w.step_action.trigger()
        qtbot.waitUntil(lambda: [e for e, _ in view.history] == [2, 3], timeout=30_000)
        _open_tab(qtbot, w, "Confusion")  # hidden again: two more epochs pass unseen
        for epoch in (4, 5):
            w.step_action.trigger()
            qtbot.waitUntil(lambda e=epoch: w.epoch_label.text() == f"Epoch {e}", timeout=30_000)
        assert [e for e, _ in view.history] == [2, 3]
        saved = view.view_data()  # what "Save data…" writes
        assert list(saved["history_epochs"]) == [2, 3] and saved["history"].shape == (2, 8, 1, 3, 3)
    finally:
        w.close()


def test_each_picture_carries_the_epoch_of_its_kernels_not_of_the_snapshot(qtbot):
    """A merged snapshot keeps an older probe value: epoch 5's kernels arriving in
    epoch 6's snapshot are epoch 5's picture."""
    from app.views.filters import QtFiltersView
    from engine.presets import load_preset

    view = QtFiltersView()
    qtbot.addWidget(view)
    view.set_project(load_preset("digits-cnn"), None)
    k = np.ones((8, 1, 3, 3), np.float32)
    value = {"kernels": k, "layer": np.array("conv1"), "epoch": np.array(5)}
    view.show_snapshot(Snapshot(6, 60, True, None, probes={"kernels": value}))
    assert [e for e, _ in view.history] == [5]
