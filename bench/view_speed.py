"""What drawing costs in the views, with a baseline measured in the same run (figures that
tests used to assert and now only print):

- the network diagram taking a snapshot in place, against building the diagram afresh;
- spiral-deep's weight lines taking new weights (one numpy pass, ``setPen`` only where
  the quantized pen changed), against the per-line way they used to be drawn (one
  ``np.clip``, QColor, QPen and ``setPen`` per line);
- the loss plot's frame (append one row, flush, draw) holding 2,000,010 rows, against the
  same frame holding 10 rows (clipping and downsampling keep the ratio near 1).

Wall-clock and CPU time per call, torch on one thread. A script, not a test.

    .venv/bin/python bench/view_speed.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import time

# figures come from a real X server (xcb, e.g. under xvfb-run): offscreen skips the paint path
os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.views.loss_plot import QtLossPlot  # noqa: E402
from app.views.network_view import NEURON_MAP_SIZE, QtNetworkView  # noqa: E402
from engine.presets import load_preset  # noqa: E402
from engine.train import Session  # noqa: E402
from engine.train.events import Metrics, Snapshot  # noqa: E402


def per_call(fn, repeat: int) -> tuple[float, float]:
    """Seconds of wall-clock and of this process's CPU per call."""
    w, c = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - w) / repeat, (time.process_time() - c) / repeat


def rows(start: int, n: int) -> Metrics:
    e = np.arange(start, start + n, dtype=np.int64)
    loss = 1.0 / (1 + e)
    return Metrics(e, loss, loss * 1.1, np.full(n, 0.9), np.full(n, 0.8))


def line(what: str, t: tuple[float, float], base: tuple[float, float]) -> str:
    return (
        f"{what}: {t[0] * 1e3:7.2f} ms wall, {t[1] * 1e3:7.2f} ms CPU per call; "
        f"{t[0] / base[0]:.2f}x the baseline"
    )


def network(app: QApplication, repeat: int) -> None:
    p = load_preset("circle")
    s = Session(p)
    s.neuron_size = NEURON_MAP_SIZE
    s._make_grids()
    s.hidden_node = "act2"
    s.train(epochs=5)
    got: list = []
    s.subscribe(lambda e: got.append(e) if isinstance(e, Snapshot) else None)
    s.publish(force=True)
    snap = got[-1]
    view = QtNetworkView()
    view.resize(760, 420)
    view.show()

    def rebuild():
        view.set_graph(p.graph)
        view.show_snapshot(snap)
        app.processEvents()

    def update():
        view.show_snapshot(snap)
        app.processEvents()

    base = per_call(rebuild, max(1, repeat // 4))
    print(
        f"network diagram, circle: rebuild (baseline) {base[0] * 1e3:.2f} ms wall, {base[1] * 1e3:.2f} ms CPU"
    )
    print(line("network diagram, snapshot in place", per_call(update, repeat), base))


def old_way(view, weights: dict) -> None:
    """The baseline: every line's pen computed and compared on its own."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QPen

    from app.look.colours import BLUE, ORANGE
    from app.views.weight_lines import MAX_PEN, MIN_PEN, PEN_PER_UNIT

    for key, lines in view.weights.items():
        for line, w in zip(lines, np.asarray(weights[key]).reshape(-1), strict=True):
            pen = QPen(
                QColor(*(BLUE if w >= 0 else ORANGE)), float(np.clip(abs(w) * PEN_PER_UNIT, MIN_PEN, MAX_PEN))
            )
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if pen != line.pen():
                line.setPen(pen)


def weight_lines(app: QApplication, repeat: int) -> None:
    p = load_preset("spiral-deep")
    view = QtNetworkView(p.graph)
    view.resize(1000, 700)
    view.show()
    app.processEvents()
    rng = np.random.default_rng(0)
    frames = []  # weights drifting a little each frame, as training moves them
    w = {k: rng.normal(0, 0.7, (len(v),)) for k, v in view.weights.items()}
    for _ in range(8):
        w = {k: v + rng.normal(0, 0.02, v.shape) for k, v in w.items()}
        frames.append(w)
    n = sum(len(v) for v in view.weights.values())
    i = [0]

    def new():
        view.set_weights(frames[i[0] % len(frames)])
        i[0] += 1

    def old():
        old_way(view, frames[i[0] % len(frames)])
        i[0] += 1

    base = per_call(old, repeat)
    print(
        f"weight lines, spiral-deep ({n} lines): per-line pens (baseline) {base[0] * 1e3:.2f} ms wall, "
        f"{base[1] * 1e3:.2f} ms CPU"
    )
    print(line("weight lines, one numpy pass", per_call(new, repeat), base))


def loss_plot(app: QApplication, repeat: int) -> None:
    plot = QtLossPlot()
    plot.resize(700, 450)
    plot.show()
    plot.show_snapshot(Snapshot(10, 0, True, rows(1, 10), reset=True))
    epoch = [3_000_000]

    def frame():
        plot.append(rows(epoch[0], 1))
        epoch[0] += 1
        plot.flush()
        plot.plot.grab()

    base = per_call(frame, repeat)
    print(
        f"loss plot frame, {len(plot)} rows (baseline) {base[0] * 1e3:.2f} ms wall, "
        f"{base[1] * 1e3:.2f} ms CPU"
    )
    for start in range(11, 2_000_000, 200_000):
        plot.append(rows(start, 200_000))
    plot.flush()
    print(line(f"loss plot frame, {len(plot):,} rows", per_call(frame, repeat), base))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(1)
    app = QApplication.instance() or QApplication([])
    network(app, args.repeat)
    weight_lines(app, args.repeat)
    loss_plot(app, args.repeat)


if __name__ == "__main__":
    main()
