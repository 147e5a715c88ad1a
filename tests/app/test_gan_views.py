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


def test_phase_buttons_reach_the_gan(qtbot):
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
    finally:
        w.close()


def _draw(qtbot, view, points) -> None:
    for x, y in points:
        qtbot.mouseClick(view.plane.viewport(), Qt.MouseButton.LeftButton, pos=_pixel_of(view, x, y))


def test_drawn_points_are_an_undoable_edit_saved_reopened_and_trained(qtbot, tmp_path, monkeypatch):
    from engine.data.dataset import USER
    from engine.project import load_project

    w = shown_window(qtbot, "gan-2d")
    try:
        view = w.view_area.plane_view()
        qtbot.mouseClick(view.draw, Qt.MouseButton.LeftButton)
        assert view.draw.isChecked() and not view.use.isEnabled()
        wanted = [(-1.0, 1.0), (0.5, 0.5), (1.0, -1.0)]
        _draw(qtbot, view, wanted)
        assert np.allclose(view.drawn, wanted, atol=0.05)
        qtbot.mouseClick(view.use, Qt.MouseButton.LeftButton)  # one undoable edit
        doc = w.document
        assert doc.project.data.name == USER and doc.undo_stack.undoText() == "Draw 3 real points"
        drawn = doc.project.points[0]
        assert np.allclose(drawn, wanted, atol=0.05) and view.drawn == []
        qtbot.waitUntil(lambda: w.session.dataset.x_train.shape == (3, 2), timeout=20_000)
        assert np.allclose(np.sort(w.session.dataset.x_train, 0), np.sort(drawn, 0))
        assert w.dataset.x_train.shape == (3, 2) and w.dataset.extent == 2.0  # what the views are given
        assert np.allclose(view.real.getData()[0], drawn[:, 0])  # shown as the real points
        doc.undo_stack.undo()  # back to the ring, then the drawing again
        assert doc.project.data.name == "gan-ring"
        doc.undo_stack.redo()
        assert np.array_equal(doc.project.points[0], drawn)
        # more marks are added to the drawing; Undo takes them back
        _draw(qtbot, view, [(0.0, -1.5)])
        qtbot.mouseClick(view.use, Qt.MouseButton.LeftButton)
        assert len(doc.project.points[0]) == 4
        doc.undo_stack.undo()
        assert len(doc.project.points[0]) == 3
        # a refused edit says why in a sentence and keeps the marks drawn
        monkeypatch.setattr("engine.data.gan_real.MAX_POINTS", 3)
        _draw(qtbot, view, [(1.5, 1.5)])
        qtbot.mouseClick(view.use, Qt.MouseButton.LeftButton)
        assert "at most 3 points" in w.message.text.text()
        assert len(doc.project.points[0]) == 3 and np.allclose(view.drawn, [(1.5, 1.5)], atol=0.05)
        qtbot.mouseClick(view.clear_drawn, Qt.MouseButton.LeftButton)
        monkeypatch.undo()
        # saved, reopened: the points are there and they train
        path = tmp_path / "drawn.nodeplay"
        with qtbot.waitSignal(w.saved, timeout=20_000):
            w.save_to(path)
        reopened = load_project(path)
        assert reopened.data.name == USER and np.array_equal(reopened.points[0], drawn)
        assert w.open_file(str(path))
        assert np.array_equal(w.document.project.points[0], drawn)
        qtbot.mouseClick(w.view_area.plane_view().step_both, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.view_area.plane_view().value is not None, timeout=20_000)
        assert np.allclose(np.sort(w.view_area.plane_view().value["real"], 0), np.sort(drawn, 0))
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
        assert "2 classes" in w.device_label.text()
        assert w.open_project(load_preset("gan-2d"))
        assert isinstance(w.session, GanTrainer) and w.view_area.names() == ["gan-2d"]
        assert "real samples of a GAN" in w.device_label.text()  # not "regression"
        qtbot.mouseClick(w.view_area.plane_view().step_both, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.view_area.plane_view().value is not None, timeout=20_000)
        assert w.open_project(load_preset("circle"))
        assert not isinstance(w.session, GanTrainer) and "gan-2d" not in w.view_area.names()
    finally:
        w.close()


def test_the_samples_view_shows_a_gans_generated_images_in_the_window_and_render(qtbot, tmp_path):
    from PySide6.QtGui import QImage

    from app.render import render_view
    from engine.presets import load_preset

    w = shown_window(qtbot, "gan")
    try:
        assert "samples" in w.view_area.names()  # offered as a tab beside gan-samples
        tabs = w.view_area.tabs
        i = [tabs.tabText(i) for i in range(tabs.count())].index("Samples")
        qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(i).center())
        assert tabs.currentIndex() == i
        view = w.view_area.views["samples"]
        w.step_action.trigger()
        qtbot.waitUntil(lambda: view.value is not None, timeout=30_000)
        assert np.asarray(view.value["images"]).shape == (32, 1, 8, 8)
        assert "generator" in view.caption.text()
    finally:
        w.close()
    png, npz = tmp_path / "s.png", tmp_path / "s.npz"
    render_view(load_preset("gan"), "samples", png, epochs=1, data_path=npz)
    assert QImage(str(png)).width() > 500
    images = np.load(npz)["images"]
    assert images.shape == (32, 1, 8, 8) and images.min() >= 0 and images.max() <= 1 and images.std() > 0


def test_file_export_as_python_writes_the_trained_gan(qtbot, tmp_path, monkeypatch):
    from safetensors.numpy import load_file

    from app.shell import export_menu

    w = shown_window(qtbot, "gan-2d")
    try:
        w.step_action.trigger()
        qtbot.waitUntil(lambda: w.session.epoch == 1, timeout=20_000)
        out = tmp_path / "gan-pytorch"
        monkeypatch.setattr(export_menu.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
        with qtbot.waitSignal(w.exporter.done, timeout=20_000) as blocker:
            w.export_python_action.trigger()
        w.exporter.thread.join(5)
        assert blocker.args[0] is True and str(out) in w.message.text.text()
        saved = load_file(str(out / "weights.safetensors"))
        trained = w.session.weights()  # paused after the step: the epoch-1 weights
        np.testing.assert_array_equal(saved["generator.gout.weight"], trained["layers.gout.weight"])
        np.testing.assert_array_equal(saved["discriminator.d1.bias"], trained["layers.d1.bias"])
        assert "class Generator" in (out / "model.py").read_text()
    finally:
        w.close()
