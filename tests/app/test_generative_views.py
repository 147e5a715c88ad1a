"""The samples, interpolation, latent-grid and PCA-basis views driven as a user would,
in the main window while the worker trains, and their renders with --data."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from tests.app.conftest import shown_window


def _open_tab(w, qtbot, title: str):
    bar = w.view_area.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert w.view_area.tabs.currentIndex() == index
    return w.view_area.tabs.currentWidget()


def test_new_noise_draws_another_grid_of_samples(qtbot):
    w = shown_window(qtbot, "vae")
    try:
        view = _open_tab(w, qtbot, "Samples").view
        w.play_action.trigger()
        qtbot.waitUntil(lambda: view.value is not None, timeout=15_000)
        first = view.value
        assert np.asarray(first["images"]).shape == (32, 1, 8, 8) and len(view.grid.tiles) == 32
        assert "seed 0" in view.caption.text() and "% of the test images' codes" in view.caption.text()
        qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
        assert view.seed == 1
        qtbot.waitUntil(lambda: "seed 1" in view.caption.text(), timeout=15_000)
        assert not np.allclose(view.value["z"], first["z"])
        assert set(view.view_data()) == {"images", "z"} and not view.problem.isVisible()
    finally:
        w.close()


def test_interpolation_runs_from_the_selected_sample_to_the_one_chosen(qtbot):
    w = shown_window(qtbot, "autoencoder-2d")  # a plain autoencoder interpolates too
    try:
        view = _open_tab(w, qtbot, "Interpolation").view
        w.view_area.select_sample(5)
        assert "5" in view.first_label.text()
        view.second_spin.setFocus()
        qtbot.keyClick(view.second_spin, Qt.Key.Key_Up)
        qtbot.keyClick(view.second_spin, Qt.Key.Key_Up)
        assert view.second == 3
        w.play_action.trigger()
        qtbot.waitUntil(lambda: view.value is not None and list(view.value["ends"]) == [5, 3], timeout=15_000)
        titles = [t for t, _ in view.rows.rows]
        assert titles == ["Test images 5 and 3", "Decoded from 5's code to 3's"]
        assert len(view.rows.rows[1][1]) == 9
        np.testing.assert_array_equal(view.view_data()["originals"][0], w.session.dataset.x_test[5])
    finally:
        w.close()


def test_the_latent_grid_decodes_a_clicked_cell(qtbot):
    w = shown_window(qtbot, "vae")
    try:
        view = _open_tab(w, qtbot, "Latent grid").view
        qtbot.waitUntil(lambda: view.plane.value is not None, timeout=15_000)
        assert len(view.plane.images) == 256 and not view.plane.codes_shown
        square = view.plane.square()
        qtbot.mouseClick(view.plane, Qt.MouseButton.LeftButton, pos=square.center().toPoint())
        qtbot.waitUntil(lambda: view.decoded_image is not None, timeout=10_000)
        assert set(view.view_data()) == {"manifold", "lo", "hi", "decoded"}
    finally:
        w.close()


def test_the_latent_scatter_has_a_class_legend(qtbot):
    w = shown_window(qtbot, "vae")
    try:
        view = _open_tab(w, qtbot, "Latent space").view
        assert view.legend.classes == 10 and view.legend.height() > 80
    finally:
        w.close()


def test_eigen_images_follow_the_components_box(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        view = _open_tab(w, qtbot, "PCA basis").view
        qtbot.waitUntil(lambda: view.value is not None, timeout=15_000)
        assert len(view.tiles.tiles) == 13 and view.tiles.captions[0] == "mean"
        view.components_spin.setFocus()
        qtbot.keyClick(view.components_spin, Qt.Key.Key_Down)
        qtbot.keyClick(view.components_spin, Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: len(view.tiles.tiles) == 11, timeout=15_000)
        assert view.tiles.captions[1].startswith("PC1 ") and "eigen-images explain" in view.summary.text()
    finally:
        w.close()


def test_principal_axes_over_points_and_the_projection_checkbox(qtbot):
    w = shown_window(qtbot, "gauss")
    try:
        view = _open_tab(w, qtbot, "PCA basis").view
        qtbot.waitUntil(lambda: view.value is not None, timeout=15_000)
        assert view.stack.currentWidget() is view.plot and not view.components_spin.isVisible()
        before = view.plot.grab().toImage()
        box = view.project_box
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        assert box.isChecked() and view.plot.project_points
        assert view.plot.grab().toImage() != before  # the projections are drawn
        assert "standard deviations" in view.summary.text()
    finally:
        w.close()


@pytest.mark.parametrize(
    ("preset", "view", "keys"),
    [
        ("vae", "samples", {"images", "z"}),
        ("vae", "interpolation", {"images", "z", "originals", "ends"}),
        ("vae", "latent-grid", {"manifold", "lo", "hi"}),
        ("digits-cnn", "pca-basis", {"mean_image", "eigenimages", "variance", "explained"}),
        ("gauss", "pca-basis", {"points", "labels", "mean", "axes", "variance", "explained"}),
    ],
)
def test_rendering_a_generative_view_writes_its_picture_and_numbers(preset, view, keys, tmp_path):
    from PySide6.QtGui import QImage

    from app.render import render_view
    from engine.presets import load_preset

    png, npz = tmp_path / "v.png", tmp_path / "v.npz"
    render_view(load_preset(preset), view, png, epochs=1, data_path=npz)
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 300
    assert (
        len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}) > 20
    )
    data = np.load(npz)
    assert set(data.files) == keys
    if view == "samples":
        assert data["images"].shape == (32, 1, 8, 8)


def test_the_loss_plot_draws_reconstruction_and_kl_curves(qtbot):
    from app.views.loss_plot import QtLossPlot
    from engine.train.events import Metrics, Snapshot

    plot = QtLossPlot()
    qtbot.addWidget(plot)
    e = np.arange(1, 4)
    rows = Metrics(e, e * 2.0, e * 2.1, *(np.full(3, np.nan),) * 2, extra={"recon": e * 1.5, "kl": e * 0.5})
    plot.show_snapshot(Snapshot(3, 0, False, rows, reset=True))
    plot.flush()
    assert set(plot.extras.curves) == {"recon", "kl"}
    np.testing.assert_array_equal(plot.extras.curves["kl"].getData()[1], [0.5, 1.0, 1.5])
    assert "kl 1.5" in plot.summary.text()
    data = plot.view_data()
    np.testing.assert_array_equal(data["test_recon"], [1.5, 3.0, 4.5])
    # a later snapshot without terms leaves the curves; a reset clears them
    plot.show_snapshot(Snapshot(0, 0, False, Metrics(), reset=True))
    assert plot.extras.curves == {} and "test_kl" not in plot.view_data()


def test_beta_changes_live_from_the_playground_without_a_rebuild(qtbot):
    w = shown_window(qtbot, "vae")
    try:
        spin = w.panel.beta_spin
        assert spin.isVisible() and spin.value() == 1.0
        w.step_action.trigger()
        qtbot.waitUntil(lambda: w.session.epoch >= 1, timeout=15_000)
        model = w.session.model
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, "0.25")
        qtbot.keyClick(spin, Qt.Key.Key_Return)
        assert w.project.graph.nodes["objective"].params["wb"] == 0.25
        qtbot.waitUntil(lambda: w.session.model.loss_sums[0][1][1][1] == 0.25, timeout=10_000)
        assert w.session.model is model  # taken in place: no rebuild, the weights keep training
        assert "0.25" in w.undo_action.text() or w.document.undo_stack.canUndo()
        w.undo_action.trigger()
        qtbot.waitUntil(lambda: w.session.model.loss_sums[0][1][1][1] == 1.0, timeout=10_000)
        assert spin.value() == 1.0 and w.session.model is model
    finally:
        w.close()


def test_no_beta_row_for_a_plain_autoencoder(qtbot):
    w = shown_window(qtbot, "autoencoder-2d")
    try:
        assert not w.panel.beta_spin.isVisible()
    finally:
        w.close()


def test_a_problem_sentence_replaces_the_pictures(qtbot):
    from app.views.samples import QtSamples

    view = QtSamples()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    sentence = "Posterior collapse: the KL term is 0.001 nats, ... lower β (the KL weight)."
    noise = np.random.default_rng(0).random((32, 1, 8, 8)).astype(np.float32)
    view.show_value({"images": noise, "z": np.zeros((32, 2)), "seed": 0, "variational": True,
                     "prior_share": 1.0, "problem": sentence})  # fmt: skip
    assert view.problem.isVisible() and not view.grid.isVisible()
    assert view.problem.text() == sentence
    view.show_value({"images": noise, "z": np.zeros((32, 2)), "seed": 0, "variational": True,
                     "prior_share": 1.0, "problem": ""})  # fmt: skip
    assert view.grid.isVisible() and not view.problem.isVisible()
