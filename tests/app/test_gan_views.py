"""The GAN views driven as a user would: phase buttons, drawing real points on the
plane, in the main window with its worker; their renders with --data."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from engine.train.adversarial import GanTrainer
from tests.app.conftest import shown_window


def _pixel_of(view, x: float, y: float) -> QPoint:
    """Where the plane point (x, y) lies in the plot widget's viewport."""
    from PySide6.QtCore import QPointF

    vb = view.plane.getPlotItem().vb
    scene = vb.mapViewToScene(QPointF(x, y))
    return view.plane.mapFromScene(scene)


def test_phase_buttons_and_drawn_points_reach_the_gan(qtbot):
    w = shown_window(qtbot, "gan-2d")
    try:
        assert isinstance(w.session, GanTrainer)
        view = w.view_area.plane_view()  # beside the controls, where a classifier's boundary goes
        assert view.view_name == "gan-2d"
        assert w.view_area.names() == ["gan-2d"]  # the supervised views stay away
        qtbot.mouseClick(view.step_both, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: view.value is not None and "whole iteration" in view.status.text(), timeout=20_000
        )
        steps = int(view.value["step"])
        qtbot.mouseClick(view.step_g, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: int(view.value["step"]) == steps + 1, timeout=20_000)
        assert "generator step" in view.status.text()
        # draw three real points with clicks, then train on them
        qtbot.mouseClick(view.draw, Qt.MouseButton.LeftButton)
        assert view.draw.isChecked() and not view.use.isEnabled()
        wanted = [(-1.0, 1.0), (0.5, 0.5), (1.0, -1.0)]
        for x, y in wanted:
            qtbot.mouseClick(view.plane.viewport(), Qt.MouseButton.LeftButton, pos=_pixel_of(view, x, y))
        assert np.allclose(view.drawn, wanted, atol=0.05)
        assert view.use.isEnabled()
        qtbot.mouseClick(view.use, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "3 drawn points" in view.status.text(), timeout=20_000)
        assert np.allclose(w.session.dataset.x_train, view.drawn, atol=1e-5)
        assert view.view_data()["drawn"].shape == (3, 2)
        qtbot.mouseClick(view.clear_drawn, Qt.MouseButton.LeftButton)
        assert view.drawn == [] and not view.use.isEnabled()
    finally:
        w.close()


@pytest.mark.parametrize(
    "preset, view, keys",
    [
        ("gan-2d", "gan-2d", {"real", "generated", "gradient", "field", "noise_grid"}),
        ("gan", "gan-samples", {"images", "diversity", "class_counts"}),
    ],
)
def test_rendering_a_gan_view_writes_its_picture_and_numbers(preset, view, keys, tmp_path):
    from PySide6.QtGui import QImage

    from app.render import render_view
    from engine.presets import load_preset

    png, npz = tmp_path / "v.png", tmp_path / "v.npz"
    render_view(load_preset(preset), view, png, epochs=1, data_path=npz)
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 500
    data = np.load(npz)
    assert keys <= set(data.files)
    if view == "gan-2d":
        assert data["real"].shape[1] == 2 and data["generated"].shape == (256, 2)
    else:
        assert data["images"].shape == (36, 1, 8, 8)


def test_opening_a_gan_after_a_classifier_swaps_the_trainer_and_the_views(qtbot):
    from engine.presets import load_preset

    w = shown_window(qtbot, "circle")
    try:
        assert w.view_area.plane_view().view_name != "gan-2d"
        assert w.open_project(load_preset("gan-2d"))
        assert isinstance(w.session, GanTrainer) and w.view_area.names() == ["gan-2d"]
        qtbot.mouseClick(w.view_area.plane_view().step_both, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.view_area.plane_view().value is not None, timeout=20_000)
        assert w.open_project(load_preset("circle"))
        assert not isinstance(w.session, GanTrainer) and "gan-2d" not in w.view_area.names()
    finally:
        w.close()
