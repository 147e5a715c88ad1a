"""The ``loss-surface`` view (issue #12, L2): a click on the contours moves the paths'
start there (the view asks the probe again with it), the Epochs box lengthens them, and
the view renders to PNG with its numbers."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.presets import load_preset
from engine.probes.registry import PROBES


def test_a_click_moves_the_start_and_the_paths_follow(qtbot):
    from app.views.loss_surface import QtLossSurface
    from engine.train.session import Session

    session = Session(load_preset("sgd-vs-gd"), device="cpu")
    view = QtLossSurface()
    qtbot.addWidget(view)
    view.resize(820, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_project(session.project, session.dataset)
    view.show_value(PROBES["loss-surface"].run(session, view.subscriptions()["loss-surface"]))
    qtbot.wait(50)  # the summary's new text lays the plot out again
    best = view.value["optimum"]
    target = QPointF(best[0] + 0.3, best[1] - 0.4)
    vb = view.plot.getPlotItem().vb
    pixel = view.plot.mapFromScene(vb.mapViewToScene(target))
    asked = []
    view.subscriptionsChanged.connect(lambda: asked.append(view.subscriptions()["loss-surface"]))
    QTest.mouseMove(view.plot.viewport(), pixel)
    QTest.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=pixel)
    assert asked, "the click asked for nothing"
    args = asked[-1]
    assert abs(args["start_w"] - 0.3) < 0.02 and abs(args["start_b"] + 0.4) < 0.02
    view.show_value(PROBES["loss-surface"].run(session, args))
    x, y = view.paths["gd"].getData()
    assert abs(x[0] - target.x()) < 0.02 and abs(y[0] - target.y()) < 0.02
    assert "Straightness" in view.summary.text()
    QTest.keyClick(view.epochs_spin.lineEdit(), Qt.Key.Key_Up)  # focus-free: typed into the box
    assert view.subscriptions()["loss-surface"]["epochs"] == 11
    assert view.note_for(None, session.dataset) is None


def test_rendering_the_view_writes_its_picture_and_numbers(tmp_path):
    from PySide6.QtGui import QImage

    from app.render import render_view

    png, npz = tmp_path / "s.png", tmp_path / "s.npz"
    render_view(load_preset("sgd-vs-gd"), "loss-surface", png, epochs=1, data_path=npz)
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 800
    data = np.load(npz)
    assert {"w", "b", "loss", "path_gd", "path_sgd", "path_momentum", "contours"} <= set(data.files)
    assert data["loss"].shape == (len(data["w"]), len(data["b"]))
    assert float(data["sgd_straightness"]) < float(data["gd_straightness"])
