"""The edge-kernel view on the edge-filter preset: a tab clicked, Play pressed, the
learned kernel drawn beside Sobel with their cosine; its render with --data."""

import numpy as np
from PySide6.QtCore import Qt

from app.render import render_view
from app.views.edge_kernel import QtEdgeKernelView, cosine
from engine.data.photos import SOBEL
from engine.presets import load_preset
from engine.train.session import Session
from tests.app.conftest import shown_window


def test_the_edge_kernel_tab_shows_the_learned_kernel_beside_sobel(qtbot):
    w = shown_window(qtbot, "edge-filter")
    bar = w.tabs.tabBar()
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(titles.index("Edge kernel")).center())
    view = w.tabs.widget(titles.index("Edge kernel")).view
    assert w.view_area.subscriptions()["kernels"] == {"layer": "conv"}
    qtbot.waitUntil(lambda: view.learned is not None, timeout=20_000)  # the untrained kernel
    first = cosine(view.learned, SOBEL)
    w.play_action.trigger()
    qtbot.waitUntil(lambda: view.epoch >= 3, timeout=60_000)
    w.play_action.trigger()
    assert cosine(view.learned, SOBEL) > max(first, 0.97)
    shown = float(view.caption().split("Cosine similarity ")[1].split()[0])
    assert shown == round(cosine(view.learned, SOBEL), 5) and shown > 0.97
    data = view.view_data()
    np.testing.assert_array_equal(data["reference"], SOBEL)
    assert data["kernels"].shape == (1, 1, 3, 3) and float(data["cosine"]) == cosine(view.learned, SOBEL)
    w.close()


def test_other_networks_get_a_sentence_instead(qtbot):
    view = QtEdgeKernelView()
    qtbot.addWidget(view)
    project = load_preset("autoencoder")
    assert "edge-filter preset" in view.note_for(project, Session(project).dataset)
    edge = load_preset("edge-filter")
    assert view.note_for(edge, None) is None


def test_the_edge_kernel_view_renders_with_its_data(qtbot, tmp_path):
    out, data = tmp_path / "edge.png", tmp_path / "edge.npz"
    render_view(load_preset("edge-filter"), "edge-kernel", out, 3, data)
    arrays = np.load(data)
    assert arrays["kernels"].shape == (1, 1, 3, 3) and int(arrays["epoch"]) == 3
    assert float(arrays["cosine"]) > 0.97
    assert abs(float(arrays["cosine"]) - cosine(arrays["kernels"], SOBEL)) < 1e-9
    assert out.stat().st_size > 1000
