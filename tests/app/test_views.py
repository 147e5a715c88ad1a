"""The views alone, fed with hand-made snapshots."""

import sys

import numpy as np
import pytest

from app.views.loss_plot import QtLossPlot
from engine.train.events import Metrics, Snapshot


def _rows(start, n):
    e = np.arange(start, start + n, dtype=np.int64)
    loss = 1.0 / (1 + e)
    return Metrics(e, loss, loss * 1.1, np.full(n, 0.9), np.full(n, 0.8))


def test_loss_plot_appends_clears_and_stays_fast_with_millions_of_rows(qtbot):
    plot = QtLossPlot()
    qtbot.addWidget(plot)
    plot.resize(700, 450)
    plot.show()
    plot.show_snapshot(Snapshot(10, 0, True, _rows(1, 10), reset=True))
    assert len(plot) == 10
    for start in range(11, 2_000_000, 200_000):
        plot.append(_rows(start, 200_000))
    plot.flush()
    assert len(plot) == 10 + 10 * 200_000
    plot.plot.grab()
    shown = plot.train_curve.curve.getData()[0]
    assert len(shown) < 50_000  # clipped and downsampled before drawing
    for i in range(10):  # what each frame costs is printed by bench/view_speed.py
        plot.append(_rows(3_000_000 + i, 1))
        plot.flush()
        plot.plot.grab()
    assert len(plot) == 10 + 10 * 200_000 + 10
    plot.show_snapshot(Snapshot(1, 0, True, _rows(1, 1), reset=True))
    assert len(plot) == 1
    plot.set_log_y(True)
    plot.plot.grab()


def test_qt_bindings_keep_none_alive():
    """PySide6-Essentials 6.12.0 on CPython 3.11 drops a reference to None on every
    call of a void method, and Python aborts after a minute of repainting; pyproject
    pins it below 6.12. This fails if a leaking build comes back."""
    from PySide6.QtCore import QObject

    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(5_000):
        obj.setObjectName("x")
    assert sys.getrefcount(None) - before > -100


def test_discretize_shows_only_the_predicted_side(qtbot):
    from app.views.boundary_view import QtBoundaryView
    from engine.presets import load_preset
    from engine.train import Session

    s = Session(load_preset("circle"))
    s.train(epochs=5)
    view = QtBoundaryView(s.dataset)
    qtbot.addWidget(view)
    view.show_snapshot(Snapshot(s.epoch, s.step, False, s.history, s.boundary(), reset=True))
    smooth = view.image.image.copy()
    assert len(np.unique(smooth)) > 50
    view.discrete.setChecked(True)
    assert set(np.unique(view.image.image)) <= {-1.0, 1.0}
    assert np.array_equal(view.image.image, np.where(smooth >= 0, 1.0, -1.0))
    view.discrete.setChecked(False)
    assert np.array_equal(view.image.image, smooth)


def test_more_than_two_classes_get_a_colour_each(qtbot):
    from app.views.boundary_view import CLASS_COLOURS, QtBoundaryView
    from engine.graph.mlp import mlp_graph
    from engine.project import Project
    from engine.settings import DataSettings, TrainSettings
    from engine.train import Session

    p = Project(
        mlp_graph([8], "tanh", outputs=4, loss="cross_entropy"),
        DataSettings(name="blobs", classes=4),
        TrainSettings(optimizer="adam", batch_size=25),
    )
    s = Session(p)
    s.train(epochs=30)
    view = QtBoundaryView(s.dataset)
    qtbot.addWidget(view)
    view.discrete.setChecked(True)
    view.show_snapshot(Snapshot(s.epoch, s.step, False, s.history, s.boundary(), reset=True))
    rgb = view.image.image
    assert rgb.shape == (100, 100, 3)
    from app.views.boundary_view import _mix

    seen = {tuple(int(v) for v in px) for px in rgb.reshape(-1, 3)}
    assert {tuple(_mix(c, t=0.35)) for c in CLASS_COLOURS[:4]} <= seen
    brushes = view.train_points.data["brush"]
    assert {b.color().getRgb()[:3] for b in brushes} == {tuple(c) for c in CLASS_COLOURS[:4]}


def test_accuracy_view_shows_the_recorded_accuracy(qtbot):
    plot = QtLossPlot()
    qtbot.addWidget(plot)
    rows = Metrics(
        np.arange(1, 4),
        np.array([0.7, 0.5, 0.3]),
        np.array([0.8, 0.6, 0.4]),
        np.array([0.5, 0.75, 0.9]),
        np.array([0.4, 0.7, 0.85]),
    )
    plot.show_snapshot(Snapshot(3, 0, True, rows, reset=True))
    assert np.allclose(plot.test_curve.getData()[1], [0.8, 0.6, 0.4])
    plot.quantity_combo.setCurrentText("accuracy")
    assert np.allclose(plot.test_curve.getData()[1], [0.4, 0.7, 0.85])
    assert plot.summary.text() == "train 90.0%   test 85.0%"
    assert plot.legend.getLabel(plot.test_curve).text == "test accuracy"
    nan = np.full(2, np.nan)
    plot.show_snapshot(
        Snapshot(2, 0, True, Metrics(np.arange(1, 3), np.ones(2), np.ones(2), nan, nan), reset=True)
    )
    # regression has no accuracy: back to loss, and the choice is disabled
    assert plot.quantity == "loss" and not plot.quantity_combo.isEnabled()
    assert np.allclose(plot.train_curve.getData()[1], [1, 1])


def test_boundary_plot_fills_its_view_box_with_the_square_plane(qtbot):
    """Tall or wide, the view box is square and shows exactly [-extent, extent]²: no
    empty bands above and below (or beside) the heatmap."""
    from app.views.boundary_view import QtBoundaryView
    from engine.presets import load_preset
    from engine.train import Session

    s = Session(load_preset("circle"))
    view = QtBoundaryView(s.dataset)
    qtbot.addWidget(view)
    view.show_snapshot(Snapshot(0, 0, False, None, s.boundary(), s.dataset.extent, reset=True))
    view.show()
    e = s.dataset.extent
    for size in ((520, 800), (900, 420), (600, 600)):
        view.resize(*size)
        box = view.plot.getPlotItem().getViewBox()
        qtbot.waitUntil(lambda b=box: abs(b.width() - b.height()) <= 1.0, timeout=3000)
        (x0, x1), (y0, y1) = box.viewRange()
        assert (x0, x1) == pytest.approx((-e, e), abs=0.02 * e)
        assert (y0, y1) == pytest.approx((-e, e), abs=0.02 * e)
        # the box uses the room it has: margins go on the longer side only
        plot = view.plot.size()
        assert min(view._extra) == 0 and box.width() >= min(plot.width(), plot.height()) - 160
        # and sits in the middle of the widget's width
        centre = box.mapRectToScene(box.boundingRect()).center().x()
        assert abs(centre - plot.width() / 2) < 60
    view.grab().save("/tmp/boundary_square.png")


def test_loss_plot_axes_move_in_round_steps(qtbot):
    """The range covers every row but changes only when the data cross a round step,
    so the axes are not laid out again for every row; a hand zoom is left alone."""
    from app.views.loss_plot import steady_range

    assert steady_range(0, 0.72) == (0.0, 0.75)
    assert steady_range(1, 1001, 8.0) == (0.0, 1100.0)
    plot = QtLossPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 400)
    plot.show()
    item = plot.plot.getPlotItem()
    plot.show_snapshot(Snapshot(1001, 0, True, _rows(1, 1001), reset=True))
    (x0, x1), (y0, y1) = item.viewRange()
    pad = 0.03 * 1099  # room for the end ticks' labels
    assert x0 == pytest.approx(1 - pad) and x1 == pytest.approx(1100 + pad)
    assert y0 == 0 and y1 == pytest.approx(0.55)
    bottom = item.getAxis("bottom")
    bottom.picture = "kept"  # pyqtgraph drops an axis's picture when its range changes
    plot.append(_rows(1002, 50))
    plot.flush()
    assert item.viewRange()[0][1] == pytest.approx(1100 + pad) and bottom.picture == "kept"
    plot.append(_rows(1052, 100))  # past the step: the range grows
    plot.flush()
    assert item.viewRange()[0][1] == pytest.approx(1200 + 0.03 * 1199)
    plot.set_quantity("accuracy")
    assert item.viewRange()[1] == pytest.approx([0.0, 1.0])
    plot.set_quantity("loss")
    plot.set_log_y(True)
    assert item.viewRange()[1] == pytest.approx([-4.0, 0.0])  # whole decades: 8.7e-4 to 0.55
    # a hand zoom stays until the "A" button
    item.getViewBox().setXRange(10, 20)
    item.getViewBox().sigRangeChangedManually.emit([True, True])
    plot.append(_rows(1152, 100))
    plot.flush()
    assert item.viewRange()[0] == pytest.approx([10, 20], abs=1)
    item.autoBtn.clicked.emit(item.autoBtn)
    assert item.viewRange()[0][1] >= 1250 and item.getViewBox().autoRangeEnabled() == [False, False]


def test_boundary_heatmap_is_a_32_bit_image_with_the_field_colours(qtbot):
    from PySide6.QtGui import QImage

    from app.views.boundary_view import FIELD_MAP, QtBoundaryView

    view = QtBoundaryView()
    qtbot.addWidget(view)
    field = np.linspace(-1, 1, 16, dtype=np.float32).reshape(4, 4)
    view.show_snapshot(Snapshot(0, 0, False, None, field, 6.0, reset=True))
    view.plot.grab()  # paints, so the picture is made
    image = view.image.qimage
    assert image.format() == QImage.Format.Format_ARGB32_Premultiplied
    for row, col in ((0, 0), (3, 3), (1, 2)):
        want = FIELD_MAP.map((field[row, col] + 1) / 2, mode="byte")[:3]
        got = image.pixelColor(col, row).getRgb()[:3]
        assert np.abs(np.subtract(got, want)).max() <= 2


def test_loss_curves_draw_one_min_max_pair_per_pixel_column(qtbot):
    plot = QtLossPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 400)
    plot.show()
    rows = _rows(1, 20_000)
    rows.train_loss[7_777] = 5.0  # one spike must survive the downsampling
    plot.show_snapshot(Snapshot(20_000, 0, True, rows, reset=True))
    plot.plot.grab()
    x, y = plot.train_curve.curve.getData()
    width = plot.plot.getPlotItem().getViewBox().width()
    assert len(x) <= 2.2 * width  # pyqtgraph draws ~5 per pixel by default
    assert y.max() == 5.0 and y.min() == pytest.approx(rows.train_loss.min(), rel=0.01)


@pytest.mark.parametrize("name", ["boundary", "network", "hidden", "gallery", "loss"])
def test_every_views_context_menu_saves_its_picture_and_data(qtbot, tmp_path, monkeypatch, name):
    """Right-click a view: one menu opens; Save picture… and Save data… write what render writes."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QFileDialog, QGraphicsView, QMenu

    from app.render import probe_snapshot
    from app.views.registry import all_views
    from engine.presets import load_preset
    from engine.train import Session

    project = load_preset("digits-cnn" if name == "gallery" else "circle")
    session = Session(project)
    session.train(epochs=2)
    view = {s.name: s for s in all_views()}[name].factory()
    qtbot.addWidget(view)
    view.set_project(project, session.dataset)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    view.show_snapshot(probe_snapshot(session, view.subscriptions()))
    target = next((c.viewport() for c in view.findChildren(QGraphicsView) if c.isVisible()), view)
    before = set(QApplication.topLevelWidgets())

    def menus():
        return [
            w for w in set(QApplication.topLevelWidgets()) - before if isinstance(w, QMenu) and w.isVisible()
        ]

    # through the window, as the windowing system delivers a click: Qt decides whether a
    # context-menu event follows (not for a press a pan-and-zoom plot accepts)
    at = target.mapTo(view.window(), target.rect().center())
    QTest.mouseClick(
        view.window().windowHandle(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, at
    )
    qtbot.waitUntil(lambda: len(menus()) > 0)
    qtbot.wait(50)  # a second menu would have opened by now
    opened = menus()
    assert len(opened) == 1
    actions = {a.text(): a for a in opened[0].actions()}
    for label, path in (
        ("Save picture…", tmp_path / f"{name}.png"),
        ("Save data…", tmp_path / f"{name}.npz"),
    ):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, p=path, **k: (str(p), ""))
        actions[label].trigger()
        assert path.stat().st_size > 200
    assert set(np.load(tmp_path / f"{name}.npz").files) == set(view.view_data())
    opened[0].close()
