"""The network, hidden-space and boundary views wired into the main window."""

import numpy as np

from app.views.network_view import NEURON_MAP_SIZE


def _wait_snapshot(window, qtbot, pred):
    seen = []
    window.bridge.snapshot.connect(seen.append)
    qtbot.waitUntil(lambda: any(pred(s) for s in seen), timeout=10_000)
    return next(s for s in seen if pred(s))


def test_views_get_neuron_maps_hidden_space_and_resolution(window, qtbot):
    window.boundary_view.resolution_combo.setCurrentIndex(
        window.boundary_view.resolution_combo.findData(256))
    snap = _wait_snapshot(window, qtbot, lambda s: s.boundary is not None
                          and s.boundary.shape == (256, 256) and s.neurons is not None)
    assert snap.neurons["act1"].shape[1:] == (NEURON_MAP_SIZE, NEURON_MAP_SIZE)
    assert snap.hidden is not None and snap.hidden["points"].shape[0] == len(window.session.dataset.x_train)
    assert window.hidden_view.current_layer() in {"act1", "act2"}


def test_hovering_a_neuron_shows_its_map_large(window, qtbot):
    window.step_action.trigger()
    _wait_snapshot(window, qtbot, lambda s: s.epoch == 1 and s.neurons is not None)
    window.network_view.neuronHovered.emit("act1", 2)
    expected = window.network_view.neuron_map("act1", 2)
    assert np.allclose(window.boundary_view.image.image, expected)
    assert "act1, neuron 3" in window.boundary_view.plot.getPlotItem().titleLabel.text
    window.network_view.neuronHovered.emit("", -1)
    assert window.boundary_view.plot.getPlotItem().titleLabel.text == "Output"
    assert not np.allclose(window.boundary_view.image.image[:NEURON_MAP_SIZE, :NEURON_MAP_SIZE],
                           expected) or window.boundary_view.image.image.shape != expected.shape


def test_editing_a_weight_in_the_diagram_changes_the_network(window, qtbot):
    window.network_view.weightEditRequested.emit("layers.dense1.weight", (1, 0), 2.5)
    snap = _wait_snapshot(window, qtbot, lambda s: s.weights is not None
                          and s.weights["layers.dense1.weight"][1, 0] == 2.5)
    assert snap.weights["layers.dense1.weight"][1, 0] == 2.5
