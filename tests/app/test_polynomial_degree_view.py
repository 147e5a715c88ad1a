"""The ``polynomial-degree`` view (issue #12, L2): a click on the error plot and the
Degree slider choose the polynomial drawn over the points; it renders with its numbers."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.presets import load_preset
from engine.probes.registry import PROBES


def test_a_click_on_the_error_plot_and_the_slider_choose_the_degree(qtbot):
    from app.views.polynomial_degree import QtPolynomialDegree
    from engine.train.session import Session

    session = Session(load_preset("polynomial-regression"), device="cpu")
    view = QtPolynomialDegree()
    qtbot.addWidget(view)
    view.resize(1000, 520)
    view.show()
    qtbot.waitExposed(view)
    view.set_project(session.project, session.dataset)
    value = PROBES["polynomial-degree"].run(session, view.subscriptions()["polynomial-degree"])
    view.show_value(value)
    qtbot.wait(50)
    vb = view.error_plot.getPlotItem().vb
    pixel = view.error_plot.mapFromScene(
        vb.mapViewToScene(QPointF(8.1, vb.viewRange()[1][0] * 0.5 + vb.viewRange()[1][1] * 0.5))
    )
    QTest.mouseMove(view.error_plot.viewport(), pixel)
    QTest.mouseClick(view.error_plot.viewport(), Qt.MouseButton.LeftButton, pos=pixel)
    assert view.degree_slider.value() == 8
    np.testing.assert_allclose(view.poly.getData()[1], value["curves"][8])
    assert "Degree 8: training error" in view.summary.text()
    view.degree_slider.setFocus()
    QTest.keyClick(view.degree_slider, Qt.Key.Key_Left)
    QTest.keyClick(view.degree_slider, Qt.Key.Key_Left)
    assert view.degree() == 6 and view.marker.value() == 6
    np.testing.assert_allclose(view.poly.getData()[1], value["curves"][6])
    assert int(view.view_data()["degree"]) == 6
    asked = []
    view.subscriptionsChanged.connect(lambda: asked.append(view.subscriptions()["polynomial-degree"]))
    view.top_spin.setFocus()
    QTest.keyClick(view.top_spin, Qt.Key.Key_Up)  # fit up to degree 13
    assert asked == [{"max_degree": 13}] and view.degree_slider.maximum() == 13
    view.show_value(PROBES["polynomial-degree"].run(session, asked[-1]))
    view.degree_slider.setValue(13)
    assert len(view.view_data()["curves"]) == 14 and "Degree 13" in view.summary.text()


def test_rendering_the_view_writes_its_picture_and_numbers(tmp_path):
    from PySide6.QtGui import QImage

    from app.render import render_view

    png, npz = tmp_path / "p.png", tmp_path / "p.npz"
    render_view(load_preset("polynomial-regression"), "polynomial-degree", png, epochs=1, data_path=npz)
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 1000
    data = np.load(npz)
    assert {"degrees", "train_error", "val_error", "curves", "grid", "degree"} <= set(data.files)
    assert data["curves"].shape == (13, 200) and 3 <= int(data["best_degree"]) <= 6
