"""The views alone, fed with hand-made snapshots."""

import sys
import time

import numpy as np

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
    t0 = time.perf_counter()
    for i in range(10):
        plot.append(_rows(3_000_000 + i, 1))
        plot.flush()
        plot.plot.grab()
    assert (time.perf_counter() - t0) / 10 < 0.25
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
