"""The network, hidden-space and boundary views wired into the main window."""

import numpy as np
from PySide6.QtCore import Qt

from app.views.network_view import NEURON_MAP_SIZE


def _wait_snapshot(window, qtbot, pred):
    seen = []
    window.bridge.snapshot.connect(seen.append)
    qtbot.waitUntil(lambda: any(pred(s) for s in seen), timeout=10_000)
    return next(s for s in seen if pred(s))


def _click_tab(window, qtbot, title: str) -> None:
    bar = window.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert window.tabs.currentIndex() == index


def test_views_get_neuron_maps_hidden_space_and_resolution(window, qtbot):
    window.boundary_view.resolution_combo.setCurrentIndex(window.boundary_view.resolution_combo.findData(256))
    snap = _wait_snapshot(
        window,
        qtbot,
        lambda s: s.boundary is not None and s.boundary.shape == (256, 256) and s.neurons is not None,
    )
    assert snap.neurons["act1"].shape[1:] == (NEURON_MAP_SIZE, NEURON_MAP_SIZE)
    assert window.view_area.subscriptions() == {
        "boundary": {"size": 256},
        "neurons": {"size": NEURON_MAP_SIZE},
        "weights": {},
    }
    # the hidden tab in sight: its layer is asked for, the diagram's maps no longer
    _click_tab(window, qtbot, "Hidden space")
    assert window.hidden_view.current_layer() in {"act1", "act2"}
    assert window.view_area.subscriptions() == {
        "boundary": {"size": 256},
        "hidden": {"node": window.hidden_view.current_layer()},
    }
    snap = _wait_snapshot(window, qtbot, lambda s: s.hidden is not None)
    assert snap.hidden["points"].shape[0] == len(window.session.dataset.x_train)
    assert snap.neurons is None


def test_hovering_a_neuron_shows_its_map_large(window, qtbot):
    window.step_action.trigger()
    _wait_snapshot(window, qtbot, lambda s: s.epoch == 1 and s.neurons is not None)
    window.network_view.neuronHovered.emit("act1", 2)
    expected = window.network_view.neuron_map("act1", 2)
    assert np.allclose(window.boundary_view.image.image, expected)
    assert "act1, neuron 3" in window.boundary_view.plot.getPlotItem().titleLabel.text
    window.network_view.neuronHovered.emit("", -1)
    assert window.boundary_view.plot.getPlotItem().titleLabel.text == "Output"
    assert (
        not np.allclose(window.boundary_view.image.image[:NEURON_MAP_SIZE, :NEURON_MAP_SIZE], expected)
        or window.boundary_view.image.image.shape != expected.shape
    )


def test_editing_a_weight_in_the_diagram_changes_the_network(window, qtbot):
    window.network_view.weightEditRequested.emit("layers.dense1.weight", (1, 0), 2.5)
    snap = _wait_snapshot(
        window, qtbot, lambda s: s.weights is not None and s.weights["layers.dense1.weight"][1, 0] == 2.5
    )
    assert snap.weights["layers.dense1.weight"][1, 0] == 2.5
