"""The activation-max view as a user meets it: its tab on an image project, pictures
that arrive piece by piece until done, another layer and another first unit chosen with
the keyboard, Restart clicked; and its render with --data."""

import numpy as np
from PySide6.QtCore import Qt

from app.render import render_view
from engine.presets import load_preset
from engine.probes.activation_max import ITERATIONS
from tests.app.conftest import shown_window


def _open_tab(qtbot, w, title: str):
    bar = w.tabs.tabBar()
    index = [w.tabs.tabText(i) for i in range(w.tabs.count())].index(title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert w.tabs.currentIndex() == index
    return w.tabs.widget(index).view


def test_pictures_arrive_for_the_classes_then_for_a_chosen_layer_and_unit(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        view = _open_tab(qtbot, w, "Activation max")
        assert view.layers()[:3] == ["classes", "conv1", "relu1"]
        qtbot.waitUntil(lambda: view.value is not None and view.value["done"], timeout=60_000)
        assert view.answers > 1  # asked piece by piece, not in one long ask
        assert view.value["images"].shape == (10, 1, 8, 8) and len(view.grid.tiles) == 10
        assert view.grid.captions[3].startswith("3: ")
        # conv2, from unit 4: the keyboard, as a user does
        view.combo.setFocus()
        for _ in range(4):
            qtbot.keyClick(view.combo, Qt.Key.Key_Down)
        assert view.layer() == "conv2"
        view.first.setFocus()
        view.first.selectAll()
        qtbot.keyClicks(view.first, "4")
        assert view.units() == [4, 5, 6, 7, 8, 9, 10, 11]
        qtbot.waitUntil(
            lambda: view.value is not None and view.value["layer"] == "conv2" and view.value["done"],
            timeout=60_000,
        )
        assert list(view.value["units"]) == [4, 5, 6, 7, 8, 9, 10, 11]
        assert view.grid.captions[0].startswith("unit 4: ")
        before = view.value["images"]
        answers = view.answers
        qtbot.mouseClick(view.restart_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.answers > answers, timeout=30_000)
        assert view.value["iteration"] < ITERATIONS or not np.array_equal(view.value["images"], before)
        # while training plays the pieces come with gaps, so the network trains meanwhile
        w.play_action.trigger()
        qtbot.waitUntil(lambda: view._playing, timeout=30_000)
        epoch, answers = w.epoch_label.text(), view.answers
        qtbot.mouseClick(view.restart_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.answers >= answers + 3 and w.epoch_label.text() != epoch, timeout=60_000)
        w.play_action.trigger()
    finally:
        w.close()


def test_render_writes_the_pictures_and_their_numbers(qtbot, tmp_path):
    out, data = tmp_path / "am.png", tmp_path / "am.npz"
    render_view(load_preset("digits-cnn"), "activation-max", out, 1, data, layer="conv1")
    assert out.stat().st_size > 3_000
    saved = np.load(data)
    assert saved["images"].shape == (8, 1, 8, 8) and str(saved["layer"]) == "conv1"
    assert list(saved["units"]) == list(range(8)) and int(saved["iteration"]) == ITERATIONS


def test_colour_pictures_are_drawn_in_colour(qtbot):
    from app.views.activation_max import QtActivationMaxView
    from engine.data import make_dataset

    project = load_preset("digits-cnn")
    view = QtActivationMaxView()
    qtbot.addWidget(view)
    view.set_project(project, make_dataset(project.data, project.points))
    images = np.zeros((10, 3, 8, 8), np.float32)
    images[:, 0] = 1.0  # red everywhere but one dark pixel (each picture is stretched)
    images[:, :, 0, 0] = 0.0
    value = {
        "images": images,
        "activations": np.arange(10, dtype=np.float32),
        "units": np.arange(10),
        "layer": "classes",
        "iteration": ITERATIONS,
        "iterations": ITERATIONS,
        "done": True,
    }
    view.answer("activation_max", value, None)
    pixel = view.grid.tiles[2].pixelColor(4, 4)
    assert pixel.red() > 200 and pixel.green() < 60 and pixel.blue() < 60
    assert view.grid.captions[2] == "2: 2" and "done" in view.status.text()
