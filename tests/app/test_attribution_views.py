"""The saliency and adversarial views, driven as a user drives them: open the tab, pick
a method, tick the sanity check, step through samples with the arrow keys, slide ε."""

import numpy as np
from PySide6.QtCore import Qt

from tests.app.conftest import shown_window


def _open_tab(qtbot, window, title: str):
    bar = window.tabs.tabBar()
    index = next(i for i in range(window.tabs.count()) if window.tabs.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.tabs.currentIndex() == index
    return window.tabs.widget(index).view


def test_the_saliency_view_follows_its_settings_and_the_training(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        view = _open_tab(qtbot, w, "Saliency")
        qtbot.waitUntil(lambda: view.value is not None, timeout=15_000)
        assert str(view.value["method"]) == "gradient" and int(view.value["sample"]) == 0
        assert view.view_data()["attribution"].shape == (1, 8, 8)

        view.method.setFocus()
        qtbot.keyClick(view.method, Qt.Key.Key_Down)  # the next method: SmoothGrad
        qtbot.waitUntil(lambda: str(view.value["method"]) == "smoothgrad", timeout=15_000)

        trained = view.value["attribution"].copy()
        box = view.randomise
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
        qtbot.waitUntil(lambda: bool(view.value["randomised"]), timeout=15_000)
        assert not np.allclose(view.value["attribution"], trained)
        assert "random weights" in view.status.text()

        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_Right)
        qtbot.keyClick(view, Qt.Key.Key_Right)
        assert w.view_area.selected_sample == 2  # every view follows the sample
        qtbot.waitUntil(lambda: int(view.value["sample"]) == 2, timeout=15_000)

        # while training the map is asked for again and again, without a gesture
        seen = view.answers
        w.play_action.trigger()
        qtbot.waitUntil(lambda: view.answers >= seen + 3, timeout=20_000)
        w.play_action.trigger()  # pause
    finally:
        w.close()


def test_the_adversarial_view_attacks_with_the_slider_epsilon(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        view = _open_tab(qtbot, w, "Adversarial")
        qtbot.waitUntil(lambda: view.value is not None, timeout=15_000)
        assert float(view.value["epsilon"]) == np.float32(0.1)
        view.slider.setFocus()
        qtbot.keyClick(view.slider, Qt.Key.Key_End)  # the largest ε
        qtbot.waitUntil(lambda: abs(float(view.value["epsilon"]) - 0.3) < 1e-6, timeout=15_000)
        assert np.abs(view.value["perturbation"]).max() <= 0.3 + 1e-6
        assert view.eps_label.text() == "0.30"
        for _ in range(3):
            w.step_action.trigger()
        qtbot.waitUntil(lambda: "curve_accuracy" in view.view_data(), timeout=20_000)
        acc = view.view_data()["curve_accuracy"]
        assert acc[-1] < acc[0]
    finally:
        w.close()


def test_the_saliency_views_menu_saves_the_map_it_shows(qtbot, tmp_path, monkeypatch):
    """Right-click the map: Save data… writes the attribution of the sample on show."""
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

    from app.views.saliency import QtSaliencyView
    from engine.presets import load_preset
    from engine.probes.registry import probe
    from engine.train import Session

    project = load_preset("digits-cnn")
    session = Session(project)
    view = QtSaliencyView()
    qtbot.addWidget(view)
    view.asked.connect(lambda name, args: view.answer(name, probe(name).run(session, args), None))
    view.set_project(project, session.dataset)
    view.set_selected_sample(4)
    view.resize(700, 360)
    view.show()
    qtbot.waitExposed(view)
    target, pos = view.panels, view.panels.rect().center()
    before = set(QApplication.topLevelWidgets())
    QApplication.sendEvent(
        target, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, target.mapToGlobal(pos))
    )
    menus = [w for w in set(QApplication.topLevelWidgets()) - before if isinstance(w, QMenu)]
    assert len(menus) == 1
    path = tmp_path / "saliency.npz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    next(a for a in menus[0].actions() if a.text() == "Save data…").trigger()
    saved = np.load(path)
    assert int(saved["sample"]) == 4 and str(saved["method"]) == "gradient"
    np.testing.assert_array_equal(saved["attribution"], view.value["attribution"])
    menus[0].close()
