"""Where the GUI thread's time goes, frame by frame, while the window trains.

Opens the main window (xcb under xvfb-run), presses Play and, for ``--seconds``, adds
up the GUI thread's CPU time (``time.thread_time``, so other processes on a busy
machine do not count) spent in each part of a frame: the window's ``show_snapshot``
and the views' own, the paint events of the boundary plot, the loss plot and the
network diagram, and the loss plot's deferred redraw; the rest of the thread's time
(other widgets, layouts, the window's flush to X, timers) is "other". On the worker it
times each snapshot's probes. It prints milliseconds per drawn frame for each part:
the figure that decides whether 60 frames a second fit in a core's share. A script,
not a test; it patches methods of this run's classes only.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python bench/gui_frame_cost.py \
        [--preset circle|heavy] [--seconds 4]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's code, not another

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsView  # noqa: E402

import engine.train.runner as runner_module  # noqa: E402
from app.shell.main_window import MainWindow  # noqa: E402
from app.shell.runs_window import RunClock  # noqa: E402
from app.views.boundary_view import QtBoundaryView  # noqa: E402
from app.views.loss_plot import QtLossPlot  # noqa: E402
from app.views.network_items import DiagramCanvas  # noqa: E402
from app.views.network_view import QtNetworkView  # noqa: E402

COST: defaultdict[str, float] = defaultdict(float)
CALLS: defaultdict[str, int] = defaultdict(int)
PROBES: list[float] = []
TOP = "MainWindow.show_snapshot"


def timed(cls, name: str, label) -> None:
    """Wrap ``cls.name`` to add its GUI-thread CPU time under ``label`` (or label(self))."""
    original = getattr(cls, name)

    def wrapper(self, *args, **kwargs):
        t = time.thread_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            key = label(self) if callable(label) else label
            COST[key] += time.thread_time() - t
            CALLS[key] += 1

    setattr(cls, name, wrapper)


def _owner(viewport) -> str:
    w = viewport.parent()
    while w is not None and not isinstance(w, (QtBoundaryView, QtLossPlot)):
        w = w.parent()
    return f"paint {type(w).__name__ if w is not None else 'other plot'}"


def instrument() -> None:
    timed(pg.GraphicsView, "paintEvent", _owner)
    DiagramCanvas.paintEvent = lambda self, event: QGraphicsView.paintEvent(self, event)
    timed(DiagramCanvas, "paintEvent", "paint QtNetworkView")
    timed(MainWindow, "show_snapshot", TOP)
    for cls in (QtBoundaryView, QtNetworkView, QtLossPlot, RunClock):
        timed(cls, "show_snapshot", f"  {cls.__name__}.show_snapshot")
    timed(QtLossPlot, "flush", "QtLossPlot.flush (timer)")
    publish = runner_module.Runner.publish

    def timed_publish(self, force: bool = False):
        before, t = self._last_publish, time.thread_time()
        publish(self, force)
        if self._last_publish != before:
            PROBES.append(time.thread_time() - t)

    runner_module.Runner.publish = timed_publish


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="circle")
    ap.add_argument("--seconds", type=float, default=4.0)
    args = ap.parse_args()
    from engine.train import compile_warmup

    compile_warmup.start()
    compile_warmup.wait(600)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gui_latency import project_for

    instrument()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(project_for(args.preset))
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    frames = [0]
    window.bridge.snapshot.connect(lambda _s: frames.__setitem__(0, frames[0] + 1))
    mark: dict = {}

    def start():
        COST.clear(), CALLS.clear(), PROBES.clear()
        frames[0] = 0
        mark["t"], mark["g"] = time.perf_counter(), time.thread_time()
        QTimer.singleShot(int(args.seconds * 1000), stop)

    def stop():
        mark["wall"], mark["gui"] = time.perf_counter() - mark["t"], time.thread_time() - mark["g"]
        app.quit()

    window.play_action.trigger()
    QTimer.singleShot(1500, start)
    app.exec()
    window.close()
    n, wall = max(frames[0], 1), mark["wall"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{args.preset}: {frames[0] / wall:.1f} frames/s over {wall:.1f} s (load average {load:.1f}); "
        f"GUI thread {mark['gui'] / wall:.0%} of a core = {mark['gui'] / n * 1000:.2f} ms CPU per frame"
    )
    print(
        f"  worker: probes {np.median(PROBES) * 1000:.2f} ms CPU per snapshot (median), "
        f"{len(PROBES) / wall:.1f}/s"
    )
    outer = sum(v for k, v in COST.items() if not k.startswith("  "))
    for key in sorted(COST, key=lambda k: (k.startswith("  "), -COST[k])):
        print(f"  {key:34s} {COST[key] / n * 1000:6.2f} ms/frame  ({CALLS[key] / wall:5.1f}/s)")
    print(f"  {'other':34s} {(mark['gui'] - outer) / n * 1000:6.2f} ms/frame")
    return 0


if __name__ == "__main__":
    sys.exit(main())
