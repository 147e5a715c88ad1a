"""The latent views driven as a user would: sliders, buttons and a click on the plane,
in the main window while the worker trains; and their renders with --data."""

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


def test_latent_sliders_decode_while_training(qtbot):
    w = shown_window(qtbot, "vae")
    try:
        page = _open_tab(w, qtbot, "Latent sliders")
        view = page.view
        assert page.currentWidget() is view  # a 2-D VAE: no note instead of it
        qtbot.waitUntil(lambda: len(view.sliders) == 2 and view.image is not None, timeout=15_000)
        w.play_action.trigger()
        # drag-free slider gesture: focus the first slider and press Page Up twice
        first = view.sliders[0]
        first.setFocus()
        before = view.image.copy()
        qtbot.keyClick(first, Qt.Key.Key_PageUp)
        qtbot.keyClick(first, Qt.Key.Key_PageUp)
        assert view.z[0] == pytest.approx(1.0)  # two half-standard-deviation pages
        qtbot.waitUntil(lambda: len(view.latencies) > 0, timeout=10_000)
        assert not np.allclose(view.image, before)
        # Random draws a new point, and the picture follows it
        qtbot.mouseClick(view.random_button, Qt.MouseButton.LeftButton)
        drawn = view.z.copy()
        assert not np.allclose(drawn, [1.0, 0.0])
        qtbot.waitUntil(
            lambda: "z = (" + ", ".join(f"{v:.2f}" for v in drawn) in view.status.text(), timeout=10_000
        )
        # Encode puts the selected sample's code on the sliders
        w.view_area.select_sample(9)
        assert "9" in view.encode_button.text()
        qtbot.mouseClick(view.encode_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not np.allclose(view.z, drawn), timeout=10_000)
        for s, z in zip(view.sliders, view.z, strict=True):
            assert s.value() == round(np.clip(z, -3, 3) * 100)
        # Reset returns to the prior's mean
        qtbot.mouseClick(view.reset_button, Qt.MouseButton.LeftButton)
        assert np.all(view.z == 0) and all(s.value() == 0 for s in view.sliders)
        assert set(view.view_data()) == {"z", "images"}
    finally:
        w.close()


def test_clicking_the_latent_plane_decodes_that_point(qtbot):
    w = shown_window(qtbot, "vae")
    try:
        view = _open_tab(w, qtbot, "Latent space").view
        qtbot.waitUntil(lambda: view.plane.value is not None, timeout=15_000)
        w.play_action.trigger()
        square = view.plane.square()
        at = QPoint(int(square.left() + square.width() * 0.25), int(square.top() + square.height() * 0.75))
        qtbot.mouseClick(view.plane, Qt.MouseButton.LeftButton, pos=at)
        z1, z2 = view.plane.to_latent(at.x(), at.y())
        lo, hi = view.plane.extent()
        assert z1 == pytest.approx(lo[0] + 0.25 * (hi[0] - lo[0]), abs=0.05)
        assert z2 == pytest.approx(lo[1] + 0.25 * (hi[1] - lo[1]), abs=0.05)
        qtbot.waitUntil(lambda: view.decoded_image is not None, timeout=10_000)
        assert f"({z1:.2f}, {z2:.2f})" in view.caption.text()
        assert view.decoded_image.shape == (1, 8, 8)
        data = view.view_data()
        assert data["codes"].shape[1] == 2 and data["manifold"].shape == (144, 1, 8, 8)
    finally:
        w.close()


def test_an_8_number_code_gets_a_sentence_instead_of_the_plane(qtbot):
    w = shown_window(qtbot, "autoencoder")
    try:
        page = _open_tab(w, qtbot, "Latent space")
        assert page.currentWidget() is page.note and "8 numbers" in page.note.text()
        view = _open_tab(w, qtbot, "Reconstructions").view
        w.play_action.trigger()
        qtbot.waitUntil(lambda: view.value is not None, timeout=15_000)
        assert [title.split(":")[0] for title, _ in view.rows.rows] == [
            "Test images",
            "Network (code of 8)",
            "PCA, 8 components",
        ]
        assert "PCA" in view.summary.text() and all(len(images) == 10 for _, images in view.rows.rows)
    finally:
        w.close()


@pytest.mark.parametrize(
    ("view", "keys"),
    [
        ("latent-sliders", {"z", "images"}),
        ("latent-scatter", {"codes", "labels", "manifold", "lo", "hi"}),
        (
            "reconstructions",
            {"originals", "reconstructions", "pca", "network_error", "pca_error", "components"},
        ),
    ],
)
def test_rendering_a_latent_view_writes_its_picture_and_numbers(view, keys, tmp_path):
    from PySide6.QtGui import QImage

    from app.render import render_view
    from engine.presets import load_preset

    png, npz = tmp_path / "v.png", tmp_path / "v.npz"
    render_view(load_preset("vae"), view, png, epochs=2, data_path=npz)
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 300
    assert (
        len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}) > 20
    )
    data = np.load(npz)
    assert set(data.files) == keys
    if view == "latent-sliders":
        assert data["images"].shape == (1, 1, 8, 8) and data["z"].shape == (2,)


def test_a_plain_autoencoder_of_any_loss_is_generative_and_a_note_refuses_a_render(tmp_path):
    from app.render import render_view
    from app.views.registry import GENERATIVE, project_kinds, views_for
    from engine.data import make_dataset
    from engine.errors import NodeplayError
    from engine.presets import load_preset

    project = load_preset("autoencoder-2d")  # a BCE reconstruction: no mse Output, no Sampling
    kinds = project_kinds(make_dataset(project.data, project.points), project.graph)
    assert GENERATIVE in kinds
    assert {"latent-sliders", "latent-scatter", "reconstructions"} <= {s.name for s in views_for(kinds)}
    with pytest.raises(NodeplayError, match="needs a 2-D code; this graph's code has 8 numbers"):
        render_view(load_preset("autoencoder"), "latent-scatter", tmp_path / "v.png")
    assert not (tmp_path / "v.png").exists()
