"""The receptive-field view as a user meets it: its tab, a click on a unit of the feature
map, the selected sample followed, another layer chosen with the keyboard; and its
render with --data."""

import numpy as np
from PySide6.QtCore import QPoint, Qt

from app.render import render_view
from engine.presets import load_preset
from tests.app.conftest import shown_window


def _open_tab(qtbot, w, title: str):
    bar = w.tabs.tabBar()
    index = [w.tabs.tabText(i) for i in range(w.tabs.count())].index(title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert w.tabs.currentIndex() == index
    return w.tabs.widget(index).view


def _pixel_centre(panel, row: int, col: int) -> QPoint:
    return panel.pixel_rect(row, col, row, col).center().toPoint()


def test_a_click_on_a_unit_shows_its_field_on_the_selected_sample(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        view = _open_tab(qtbot, w, "Receptive field")
        assert w.view_area.subscriptions()["receptive_field"]["layer"] == "conv1"
        qtbot.waitUntil(lambda: view.value is not None, timeout=30_000)
        assert list(view.value["position"]) == [4, 4]  # the centre unit at first
        qtbot.mouseClick(view.map_panel, Qt.MouseButton.LeftButton, pos=_pixel_centre(view.map_panel, 1, 6))
        assert w.view_area.subscriptions()["receptive_field"]["position"] == [1, 6]
        qtbot.waitUntil(lambda: list(view.value["position"]) == [1, 6], timeout=30_000)
        np.testing.assert_array_equal(view.value["box"], [0, 5, 2, 7])  # 3×3 around (1, 6)
        assert view.map_panel.cell == (1, 6) and view.input_panel.box == (0, 5, 2, 7)
        assert "3×3" in view.caption.text()
        # another sample selected elsewhere: the field follows it
        w.view_area.select_sample(9)
        qtbot.waitUntil(lambda: int(view.value["sample"]) == 9, timeout=30_000)
        np.testing.assert_array_equal(view.value["image"], w.dataset.x_test[9])
        # pool2, with the keyboard: a 2×2 map, 10×10 fields
        view.combo.setFocus()
        for _ in range(5):
            qtbot.keyClick(view.combo, Qt.Key.Key_Down)
        assert view.layer() == "pool2" and view.channel.maximum() == 15
        qtbot.waitUntil(lambda: view.value is not None and view.value["layer"] == "pool2", timeout=30_000)
        assert view.value["map"].shape == (2, 2) and list(view.value["size"]) == [10, 10]
    finally:
        w.close()


def test_render_writes_the_field_and_its_numbers(qtbot, tmp_path):
    out, data = tmp_path / "rf.png", tmp_path / "rf.npz"
    render_view(load_preset("digits-cnn"), "receptive-field", out, 1, data, layer="pool1", sample=4)
    assert out.stat().st_size > 3_000
    saved = np.load(data)
    assert saved["effective"].shape == (8, 8) and saved["map"].shape == (4, 4)
    assert list(saved["size"]) == [4, 4] and int(saved["sample"]) == 4


def test_the_context_menu_saves_the_picture_and_the_numbers(qtbot, tmp_path, monkeypatch):
    """A right click on either panel: Save picture… and Save data… write the view's files."""
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

    from app.render import probe_snapshot
    from app.views.receptive_field import QtReceptiveFieldView
    from engine.train import Session

    project = load_preset("digits-cnn")
    session = Session(project, device="cpu")
    view = QtReceptiveFieldView()
    qtbot.addWidget(view)
    view.set_project(project, session.dataset)
    view.resize(700, 450)
    view.show()
    qtbot.waitExposed(view)
    view.show_snapshot(probe_snapshot(session, view.subscriptions()))
    target = view.input_panel
    pos = target.rect().center()
    before = set(QApplication.topLevelWidgets())
    QApplication.sendEvent(
        target, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, target.mapToGlobal(pos))
    )
    menus = [
        w for w in set(QApplication.topLevelWidgets()) - before if isinstance(w, QMenu) and w.isVisible()
    ]
    assert len(menus) == 1
    actions = {a.text(): a for a in menus[0].actions()}
    for label, path in (("Save picture…", tmp_path / "rf.png"), ("Save data…", tmp_path / "rf.npz")):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, p=path, **k: (str(p), ""))
        actions[label].trigger()
        assert path.stat().st_size > 200
    assert set(np.load(tmp_path / "rf.npz").files) == set(view.view_data())
    menus[0].close()
