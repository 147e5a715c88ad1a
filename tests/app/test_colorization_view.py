"""The Colorization tab: clicked, Play pressed, grey input, the network's colouring and
the truth shown with the error beside the gray-mean baseline; its render with --data;
a sentence for projects without colour photographs."""

import numpy as np
from PySide6.QtCore import Qt

from app.render import render_view
from app.views.colorization import QtColorization
from engine.lessons.controls import set_controls
from engine.presets import load_preset
from tests.app.conftest import shown_window


def test_the_colorization_tab_shows_grey_prediction_and_truth(qtbot):
    w = shown_window(qtbot, "colorization")
    bar = w.tabs.tabBar()
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(titles.index("Colorization")).center())
    view = w.tabs.widget(titles.index("Colorization")).view
    assert w.view_area.subscriptions()["colorization"] == {"count": 8}
    qtbot.waitUntil(lambda: view.value is not None, timeout=30_000)  # the untrained colouring
    w.play_action.trigger()
    qtbot.waitUntil(lambda: int(view.value["epoch"]) >= 1, timeout=180_000)
    w.play_action.trigger()
    assert [title.split(":")[0] for title, _ in view.rows.rows] == [
        "Grey input (L*)",
        "Network's colours",
        "True colours",
    ]
    assert all(len(images) == 8 for _, images in view.rows.rows)
    data = view.view_data()
    assert data["prediction"].shape == data["truth"].shape == (8, 32, 32, 3)
    assert f"{float(data['baseline']):.4f}" in view.summary.text()
    w.close()


def test_the_colorization_view_renders_with_its_data(qtbot, tmp_path):
    out, data = tmp_path / "col.png", tmp_path / "col.npz"
    render_view(set_controls(load_preset("colorization"), {"samples": 400}), "colorization", out, 2, data)
    arrays = np.load(data)
    assert int(arrays["epoch"]) == 2 and arrays["grey"].shape == (8, 32, 32, 3)
    assert float(arrays["error"]) < float(arrays["baseline"])
    assert out.stat().st_size > 1000


def test_other_projects_get_a_sentence_instead(qtbot):
    view = QtColorization()
    qtbot.addWidget(view)
    assert "colorization preset" in view.note_for(load_preset("digits-cnn"), None)
    assert view.note_for(load_preset("colorization"), None) is None
