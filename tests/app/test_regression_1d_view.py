"""The ``regression-1d`` view (issue #12, L2): its ridge slider moved from the keyboard
flattens the least-squares line at once and asks the probe for the new λ; it renders
to PNG with its numbers; it says what to do on data that is not a function of x₁."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.presets import load_preset
from engine.probes.registry import PROBES


def _trained_value():
    from engine.train.session import Session

    session = Session(load_preset("linear-regression"), device="cpu")
    session.train(epochs=3)
    return session, PROBES["regression-1d"].run(session, {"ridge": 0.0})


def test_the_ridge_slider_flattens_the_line_and_asks_for_its_lambda(qtbot):
    from app.views.regression_1d import QtRegression1D, ridge_of

    session, value = _trained_value()
    view = QtRegression1D()
    qtbot.addWidget(view)
    view.resize(820, 560)
    view.show()
    qtbot.waitExposed(view)
    view.set_project(session.project, session.dataset)
    view.show_value(value)
    slope0 = view.closed.getData()[1]
    np.testing.assert_allclose(view.line, value["normal_line"])
    asked = []
    view.subscriptionsChanged.connect(lambda: asked.append(view.subscriptions()))
    view.ridge_slider.setFocus()
    for _ in range(6):  # three page steps: λ = 10^(15/10 − 3)
        QTest.keyClick(view.ridge_slider, Qt.Key.Key_PageUp if _ % 2 == 0 else Qt.Key.Key_Right)
    lam = ridge_of(view.ridge_slider.value())
    assert view.ridge_slider.value() == 18 and lam > 0
    assert asked[-1] == {"regression-1d": {"ridge": lam}}
    # the line drawn is the ridge solution, checked by the closed form 2×2 system
    x = value["x_train"]
    a = np.column_stack([x, np.ones(len(x))])
    want = np.linalg.solve(a.T @ a / len(x) + np.diag([lam, 0.0]), a.T @ value["y_train"] / len(x))
    np.testing.assert_allclose(view.view_data()["ridge_line"], want, rtol=1e-9)
    ys = view.closed.getData()[1]
    assert abs(ys[1] - ys[0]) < abs(slope0[1] - slope0[0])  # flatter than λ = 0
    assert f"λ = {lam:.3g}" in view.ridge_label.text()
    assert view.note_for(None, session.dataset) is None
    assert "reg-line" in view.note_for(None, load_preset_dataset("circle"))


def load_preset_dataset(name):
    from engine.data.dataset import make_dataset

    return make_dataset(load_preset(name).data)


def test_rendering_the_view_writes_its_picture_and_numbers(tmp_path):
    from PySide6.QtGui import QImage

    from app.render import render_view

    png, npz = tmp_path / "r.png", tmp_path / "r.npz"
    render_view(load_preset("linear-regression"), "regression-1d", png, epochs=2, data_path=npz)
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 800
    data = np.load(npz)
    assert {"x_train", "y_train", "grid", "trained_curve", "normal_line", "ridge_line"} <= set(data.files)
    assert len(data["grid"]) == len(data["trained_curve"]) == 200
    x, y = data["x_train"], data["y_train"]
    w, *_ = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), y, rcond=None)
    np.testing.assert_allclose(data["normal_line"], w, rtol=1e-9)
