"""The loss plot's defects, each fixed: legend off the curves, whole-epoch ticks, one
number style on the log axis, a fresh range after Reset, Nodeplay's own right-click
menu, and an SVG that saves."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from app.views.axes import LogAwareAxis
from app.views.loss_plot import QtLossPlot
from app.views.saving import save_data, save_picture
from engine.train.events import Metrics, Snapshot


def _rows(first: int, n: int, start: float = 5.0, end: float = 1.0) -> Metrics:
    loss = np.linspace(start, end, n)
    return Metrics(np.arange(first, first + n), loss, loss * 1.1, np.full(n, 0.5), np.full(n, 0.5))


@pytest.fixture
def plot(qtbot):
    p = QtLossPlot()
    qtbot.addWidget(p)
    p.resize(700, 420)
    p.show()
    qtbot.waitExposed(p)
    return p


def _settle(plot):
    plot.flush()
    for _ in range(3):
        QApplication.processEvents()


def test_the_legend_sits_above_the_curves(plot):
    plot.show_snapshot(Snapshot(200, 0, False, _rows(1, 200), reset=True))
    _settle(plot)
    box = plot.plot.getPlotItem().getViewBox().sceneBoundingRect()
    legend = plot.legend.sceneBoundingRect()
    assert legend.bottom() <= box.top() + 1
    assert legend.right() <= plot.plot.width()


def test_epoch_ticks_are_whole_numbers(plot):
    plot.show_snapshot(Snapshot(3, 0, False, _rows(1, 3), reset=True))
    _settle(plot)
    axis = plot.plot.getPlotItem().getAxis("bottom")
    lo, hi = plot.plot.getPlotItem().viewRange()[0]
    values = [v for _spacing, level in axis.tickValues(lo, hi, axis.width()) for v in level]
    assert values and all(float(v).is_integer() for v in values)
    assert axis.tickStrings([1.0, 2.0], 1.0, 1.0) == ["1", "2"]


def test_the_log_axis_labels_decades_in_one_style(plot):
    plot.show_snapshot(Snapshot(100, 0, False, _rows(1, 100, 3.0, 0.0004), reset=True))
    plot.log_y.click()
    _settle(plot)
    axis = plot.plot.getPlotItem().getAxis("left")
    assert isinstance(axis, LogAwareAxis)
    lo, hi = plot.plot.getPlotItem().viewRange()[1]
    assert (lo, hi) == (-4, 1)
    levels = axis.tickValues(lo, hi, axis.height())
    labels = [axis.tickStrings(vals, 1.0, spacing) for spacing, vals in levels]
    assert labels[0] == ["0.0001", "0.001", "0.01", "0.1", "1", "10"] or labels[0] == [
        "10⁻⁴",
        "10⁻³",
        "10⁻²",
        "10⁻¹",
        "1",
        "10¹",
    ]
    assert all(text == "" for text in labels[1])  # minor ticks carry no second style
    # beyond 0.001 every label is a power of ten, none plain
    assert axis.logTickStrings([-6.0, -5.0, 0.0], 1.0, None) == ["10⁻⁶", "10⁻⁵", "1"]


def test_reset_forgets_the_previous_runs_range(plot):
    plot.show_snapshot(Snapshot(500, 0, False, _rows(1, 500), reset=True))
    _settle(plot)
    assert plot.plot.getPlotItem().viewRange()[0][1] >= 500
    plot.show_snapshot(Snapshot(0, 0, False, Metrics(), reset=True))
    _settle(plot)
    (x0, x1), (y0, y1) = plot.plot.getPlotItem().viewRange()
    assert x1 <= 10 and y1 <= 1


def _right_click_menu(qtbot, widget, pos: QPoint) -> QMenu:
    """A right click as the platform delivers it: the mouse press and release, then the
    context-menu event (QTest sends only the first two)."""
    before = set(QApplication.topLevelWidgets())
    qtbot.mouseClick(widget, Qt.MouseButton.RightButton, pos=pos)
    QApplication.sendEvent(
        widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, widget.mapToGlobal(pos))
    )
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, QMenu) and w.isVisible() for w in set(QApplication.topLevelWidgets()) - before
        ),
        timeout=3000,
    )
    menus = [
        w for w in set(QApplication.topLevelWidgets()) - before if isinstance(w, QMenu) and w.isVisible()
    ]
    assert len(menus) == 1  # ours alone: pyqtgraph's ViewBox menu did not open as well
    return menus[0]


def test_right_click_opens_our_menu_not_pyqtgraphs(plot, qtbot):
    plot.show_snapshot(Snapshot(20, 0, False, _rows(1, 20), reset=True))
    _settle(plot)
    viewport = plot.plot.viewport()
    menu = _right_click_menu(qtbot, viewport, viewport.rect().center())
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts == [
        "Log scale",
        "Show loss",
        "Show accuracy",
        "Fit to the data",
        "Save picture…",
        "Save data…",
    ]
    log = next(a for a in menu.actions() if a.text() == "Log scale")
    log.trigger()
    assert plot.log_y.isChecked()
    menu.close()


def test_the_picture_saves_as_svg_and_png_and_the_rows_as_npz(plot, tmp_path):
    plot.show_snapshot(Snapshot(20, 0, False, _rows(1, 20), reset=True))
    _settle(plot)
    save_picture(plot, tmp_path / "loss.svg")
    root = ET.parse(tmp_path / "loss.svg").getroot()
    assert root.tag.endswith("svg")
    save_picture(plot, tmp_path / "loss.png")
    assert (tmp_path / "loss.png").stat().st_size > 2000
    save_data(plot.view_data(), tmp_path / "loss.npz")
    data = np.load(tmp_path / "loss.npz")
    assert list(data["epoch"]) == list(range(1, 21))
    assert np.allclose(data["train_loss"], np.linspace(5, 1, 20))
