"""In-window training speed against headless training of the same project, in one run.

For each preset (autograd projects: spiral-deep, digits-cnn) it alternates rounds of
(a) a headless ``Session`` training epoch after epoch on this thread, as
``nodeplay train`` does, and (b) the main window (a real QApplication and
``MainWindow`` with its ``EngineBridge`` worker, drawing every snapshot) playing
the same project. Each figure is epochs per second of wall-clock time, and per
CPU-second of the whole process beside it, with the GUI thread's own CPU time per
second (drawing holds the GIL the worker needs: the less, the faster it trains);
the ratio in-window / headless is the median of each round's own ratio, so machine
noise hits both sides alike. The headless baseline runs on one torch thread
(``--threads``), as the window's worker runs small models; ``--threads 0`` keeps
torch's default.
Run it under Xvfb with Qt's xcb platform, as the tests do:

    QT_QPA_PLATFORM=xcb xvfb-run -a python bench/window_speed.py [--seconds 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.shell.main_window import MainWindow  # noqa: E402
from engine.presets import load_preset  # noqa: E402
from engine.train import Session  # noqa: E402


def endless(name: str):
    project = load_preset(name)
    project.train.stop_epochs = project.train.stop_loss = None
    return project


def headless(name: str, seconds: float, threads: int) -> tuple[float, float]:
    import torch

    default = torch.get_num_threads()
    torch.set_num_threads(threads or default)  # the worker trains tiny models on one
    try:
        return _headless(name, seconds)
    finally:
        torch.set_num_threads(default)


def _headless(name: str, seconds: float) -> tuple[float, float]:
    s = Session(endless(name))
    s.train_epoch()  # warm up
    e0, t0, c0 = s.epoch, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        s.train_epoch()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return (s.epoch - e0) / wall, (s.epoch - e0) / cpu


def in_window(app: QApplication, name: str, seconds: float) -> tuple[float, float]:
    window = MainWindow(endless(name))
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    state: dict = {}

    def start():
        state["e0"], state["t0"], state["c0"] = (
            window.session.epoch,
            time.perf_counter(),
            time.process_time(),
        )
        state["g0"] = time.thread_time()  # this (the GUI) thread's own CPU
        QTimer.singleShot(int(seconds * 1000), stop)

    def stop():
        state["e1"], state["t1"], state["c1"] = (
            window.session.epoch,
            time.perf_counter(),
            time.process_time(),
        )
        state["g1"] = time.thread_time()
        app.quit()

    window.play_action.trigger()
    QTimer.singleShot(1500, start)  # let training reach its pace first
    app.exec()
    window.close()
    epochs = state["e1"] - state["e0"]
    wall = state["t1"] - state["t0"]
    gui = (state["g1"] - state["g0"]) / wall  # the GUI thread's share of a CPU
    return epochs / wall, epochs / (state["c1"] - state["c0"]), gui


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0, help="per measurement")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--presets", default="spiral-deep,digits-cnn")
    ap.add_argument(
        "--threads", type=int, default=1, help="torch threads of the headless baseline (0: torch's default)"
    )
    args = ap.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    print(
        f"{os.cpu_count()} CPUs, {args.rounds} rounds of {args.seconds:g} s each side, "
        f"headless on {args.threads or 'default'} torch thread(s)"
    )
    for name in args.presets.split(","):
        rows = []
        for _ in range(args.rounds):
            h = headless(name, args.seconds, args.threads)
            w = in_window(app, name, args.seconds)
            rows.append((h, w))
            print(
                f"  round: headless {h[0]:.2f}/s ({h[1]:.2f}/CPU-s), in window {w[0]:.2f}/s "
                f"({w[1]:.2f}/CPU-s), GUI thread {w[2]:.0%} of a CPU",
                flush=True,
            )
        h_wall = statistics.median(r[0][0] for r in rows)
        w_wall = statistics.median(r[1][0] for r in rows)
        h_cpu = statistics.median(r[0][1] for r in rows)
        w_cpu = statistics.median(r[1][1] for r in rows)
        ratio = statistics.median(r[1][0] / r[0][0] for r in rows)
        gui = statistics.median(r[1][2] for r in rows)
        print(
            f"{name:12s} headless {h_wall:7.2f} epochs/s ({h_cpu:6.2f}/CPU-s)   "
            f"in window {w_wall:7.2f} epochs/s ({w_cpu:6.2f}/CPU-s)   "
            f"ratio {ratio:.2f} {'ok' if ratio >= 0.8 else 'UNDER 0.8'}   GUI thread {gui:.0%} of a CPU"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
