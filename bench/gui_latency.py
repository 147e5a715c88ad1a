"""How responsive the GUI stays while the worker trains flat out.

Opens the main window (xcb under xvfb-run; offscreen without a display) on the circle
preset (no stop condition), presses
Play, and for ``--seconds`` records when a 1 ms precise QTimer actually fires on the
GUI thread. The gaps between firings are the event loop's latency: a p99 under 33 ms
means the window keeps at least ~30 frames a second while training. Prints p50/p99/max
gap and the epochs per second trained meanwhile. A script, not a test.

    .venv/bin/python bench/gui_latency.py [--seconds 10] [--preset circle] [--no-kernel]

With the compiled kernel (issue #13, the default: compiled or loaded before the window
opens) it also prints the training path and epochs per CPU-second of the process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

# figures come from a real X server (xcb, e.g. under xvfb-run): offscreen skips the paint path
os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.shell.main_window import MainWindow  # noqa: E402
from engine.presets import load_preset  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--preset", default="circle")
    ap.add_argument("--no-kernel", action="store_true", help="train on the numpy path (N1)")
    args = ap.parse_args()
    if not args.no_kernel:  # N1: as the app starts it, but finished before measuring
        from engine.train import compile_warmup

        compile_warmup.start()
        compile_warmup.wait(600)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    project = load_preset(args.preset)
    project.train.stop_epochs = None
    project.train.stop_loss = None
    window = MainWindow(project)
    window.show()
    app.processEvents()

    stamps: list[float] = []
    frames = [0]
    window.bridge.snapshot.connect(lambda _s: frames.__setitem__(0, frames[0] + 1))
    tick = QTimer()
    tick.setTimerType(Qt.TimerType.PreciseTimer)
    tick.setInterval(1)
    tick.timeout.connect(lambda: stamps.append(time.perf_counter()))
    state = {}

    def start():
        state["epoch0"], state["t0"] = window.bridge.epoch, time.perf_counter()
        state["cpu0"] = time.process_time()
        frames[0] = 0
        stamps.clear()
        tick.start()
        QTimer.singleShot(int(args.seconds * 1000), stop)

    def stop():
        tick.stop()
        state["epoch1"], state["t1"] = window.bridge.epoch, time.perf_counter()
        state["cpu1"], state["path"] = time.process_time(), window.session.training_path
        state["probes"] = sorted(window.view_area.subscriptions())
        app.quit()

    window.play_action.trigger()
    QTimer.singleShot(1000, start)  # let training reach its pace first
    app.exec()
    window.close()

    gaps = np.diff(np.array(stamps)) * 1000
    seconds = state["t1"] - state["t0"]
    rate = (state["epoch1"] - state["epoch0"]) / seconds
    p50, p99, worst = np.percentile(gaps, 50), np.percentile(gaps, 99), gaps.max()
    print(
        f"preset {args.preset}, {seconds:.1f} s measured, {len(gaps)} timer gaps, "
        f"device {window.session.device}, Qt platform {QApplication.platformName()}"
    )
    print(f"event-loop gap  p50 {p50:.2f} ms   p99 {p99:.2f} ms   max {worst:.2f} ms")
    print(
        f"trained {rate:.0f} epochs/s, drew {frames[0] / seconds:.0f} snapshots/s, "
        f"loss plot holds {len(window.loss_plot)} rows"
    )
    cpu = state["cpu1"] - state["cpu0"]
    print(
        f"path '{state['path']}': {(state['epoch1'] - state['epoch0']) / cpu:.0f} epochs per CPU-second "
        f"of the whole process (GUI included); probes in sight {state['probes']}"
    )
    print(f"p99 < 33 ms: {'yes' if p99 < 33 else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
