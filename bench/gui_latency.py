"""How responsive the GUI stays, and how often the views repaint, while the worker trains.

Opens the main window (xcb under xvfb-run; offscreen without a display) on a preset
with no stop condition, presses Play, and for ``--seconds`` records when a 1 ms precise
QTimer fires on the GUI thread: the gaps between firings are the event loop's latency
(a p99 under 33 ms keeps at least ~30 frames a second). Each round is a fresh window;
per round and as the median of ``--rounds`` it prints:

* epochs per CPU-second of the whole process (GUI included) and per wall second,
* snapshots per second the GUI received (``bridge.snapshot``),
* repaints per second of the boundary plot and of the network diagram (paint events
  on their viewports: what reached the screen),
* the GUI thread's CPU per drawn frame (what 60 Hz costs, whatever else the machine
  runs: on a busy machine the frame rate falls with the GUI's share of a core),
* the GUI p50/p99 gap,
* beside it, the baseline measured in the same run (alternating rounds): headless
  epochs per CPU-second of the same project, and the window's ratio to it.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python bench/gui_latency.py \
        [--seconds 5] [--rounds 3] [--presets circle,heavy] [--no-kernel]

``heavy`` is issue #13's heavy case (spiral, 7 features, six layers of 8; as
bench/kernel_speed.py builds it). With the compiled kernel (the default: compiled or
loaded before the window opens) it also names the training path.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

# figures come from a real X server (xcb, e.g. under xvfb-run): offscreen skips the paint path
os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's code, not another

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.shell.main_window import MainWindow  # noqa: E402
from engine.presets import load_preset  # noqa: E402

TARGETS = {"circle": 2000, "heavy": 400}  # epochs per CPU-second in the window (issue #13)


class PaintCounter(QObject):
    """Counts paint events on the widgets it filters."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def project_for(name: str):
    if name == "heavy":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from kernel_speed import heavy_project

        project = heavy_project()
    else:
        project = load_preset(name)
    project.train.stop_epochs = None
    project.train.stop_loss = None
    return project


def one_round(app: QApplication, name: str, seconds: float) -> dict:
    window = MainWindow(project_for(name))
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    boundary, network = PaintCounter(), PaintCounter()
    window.view_area.views["boundary"].plot.viewport().installEventFilter(boundary)
    net = window.view_area.views.get("network")
    if net is not None and window.view_area.tab_view() is net:
        net.canvas.viewport().installEventFilter(network)

    stamps: list[float] = []
    frames = [0]
    window.bridge.snapshot.connect(lambda _s: frames.__setitem__(0, frames[0] + 1))
    tick = QTimer()
    tick.setTimerType(Qt.TimerType.PreciseTimer)
    tick.setInterval(1)
    tick.timeout.connect(lambda: stamps.append(time.perf_counter()))
    s: dict = {}

    def mark() -> tuple:
        return window.bridge.epoch, time.perf_counter(), time.process_time(), time.thread_time()

    def start():
        s["0"] = mark()
        frames[0] = boundary.count = network.count = 0
        stamps.clear()
        tick.start()
        QTimer.singleShot(int(seconds * 1000), stop)

    def stop():
        tick.stop()
        s["1"] = mark()
        s["path"] = window.session.training_path
        s["probes"] = sorted(window.view_area.subscriptions())
        app.quit()

    window.play_action.trigger()
    QTimer.singleShot(1500, start)  # let training reach its pace first
    app.exec()
    window.close()
    (e0, t0, c0, g0), (e1, t1, c1, g1) = s["0"], s["1"]
    wall, epochs = t1 - t0, e1 - e0
    gaps = np.diff(np.array(stamps)) * 1000
    return {
        "per_cpu": epochs / (c1 - c0),
        "per_wall": epochs / wall,
        "snapshots": frames[0] / wall,
        "boundary": boundary.count / wall,
        "network": network.count / wall,
        "gui_ms": (g1 - g0) / max(frames[0], 1) * 1000,
        "gui_share": (g1 - g0) / wall,
        "p50": float(np.percentile(gaps, 50)),
        "p99": float(np.percentile(gaps, 99)),
        "path": s["path"],
        "probes": s["probes"],
    }


def headless(name: str, seconds: float) -> float:
    """The baseline, in the same run: epochs per CPU-second of the same project trained
    on this thread without a window (threads as the window's worker sets them)."""
    import torch

    from engine.train import Session
    from engine.train.device import apply_thread_policy

    default = torch.get_num_threads()
    session = Session(project_for(name))
    apply_thread_policy(session, gui=True)
    try:
        for _ in range(20):
            session.train_epoch()
        e0, t0, c0 = session.epoch, time.perf_counter(), time.process_time()
        while time.perf_counter() - t0 < seconds:
            session.train_epoch()
        return (session.epoch - e0) / (time.process_time() - c0)
    finally:
        torch.set_num_threads(default)


def line(r: dict) -> str:
    return (
        f"{r['per_cpu']:6.0f} epochs/CPU-s {r['per_wall']:6.0f} epochs/s | "
        f"snapshots {r['snapshots']:4.1f}/s | "
        f"repaints boundary {r['boundary']:4.1f}/s network {r['network']:4.1f}/s | "
        f"GUI {r['gui_ms']:4.1f} ms CPU/frame ({r['gui_share']:.0%} of a core) | "
        f"gap p50 {r['p50']:.1f} ms p99 {r['p99']:.1f} ms"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--presets", "--preset", default="circle,heavy")
    ap.add_argument("--no-kernel", action="store_true", help="train on the numpy path (N1)")
    args = ap.parse_args()
    if not args.no_kernel:  # N1: as the app starts it, but finished before measuring
        from engine.train import compile_warmup

        compile_warmup.start()
        compile_warmup.wait(600)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{os.cpu_count()} CPUs, load average {load:.1f}, Qt platform {QApplication.platformName()}, "
        f"{args.rounds} rounds of {args.seconds:g} s per preset"
    )
    for name in args.presets.split(","):
        rows, bases = [], []
        for _ in range(args.rounds):  # alternated, so that the machine's load hits both alike
            bases.append(headless(name, min(args.seconds, 3.0)))
            rows.append(one_round(app, name, args.seconds))
            rows[-1]["ratio"] = rows[-1]["per_cpu"] / bases[-1]
            print(f"  {name:7s} round  {line(rows[-1])}", flush=True)
        med = {k: statistics.median(r[k] for r in rows) for k in rows[0] if k not in ("path", "probes")}
        print(f"{name:7s} median {line(med)}")
        print(
            f"        headless baseline {statistics.median(bases):.0f} epochs/CPU-s; in the window "
            f"{med['ratio']:.2f} of it (median of each round's ratio)"
        )
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else f"; target {target} epochs/CPU-s: {'met' if med['per_cpu'] >= target else 'NOT met'}"
        )
        print(
            f"        path '{rows[0]['path']}', probes in sight {rows[0]['probes']}; "
            f"p99 < 33 ms: {'yes' if med['p99'] < 33 else 'NO'}{verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
