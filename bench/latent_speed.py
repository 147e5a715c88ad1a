"""Slider to decoded image: how long a latent slider's move waits for its picture.

Opens the main window on a VAE preset, shows the Latent sliders tab and presses Page
Up / Page Down on the first slider every ``--every`` ms; each press asks the worker to
decode the new point, and the view records the time from the slider's move to the
repainted picture (``QtLatentSliders.latencies``), counted from just before the key
event is delivered (event to pixels). Measured paused first (the baseline, same run),
then while training plays flat out. Goal: p99 under 33 ms. Runs on xcb (under
xvfb-run) unless QT_QPA_PLATFORM says otherwise; ``--preset`` takes any VAE or
autoencoder preset (vae, autoencoder-2d, autoencoder, ...).

    xvfb-run -a python bench/latent_speed.py [--moves 150] [--every 40] [--preset vae]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from app.shell.main_window import MainWindow  # noqa: E402
from engine.presets import load_preset  # noqa: E402


def measure(app, window, view, moves: int, every: int) -> tuple[np.ndarray, float, float, float]:
    """(latencies in ms, seconds, CPU seconds, epochs trained) for ``moves`` presses."""
    view.latencies.clear()
    slider = view.sliders[0]
    slider.setFocus()
    state = {"n": 0}
    epoch0, t0, cpu0 = window.bridge.epoch, time.perf_counter(), time.process_time()

    def press():
        if state["n"] >= moves:
            QTimer.singleShot(300, finish)  # let the last answer arrive
            return
        key = Qt.Key.Key_PageUp if (state["n"] // 4) % 2 == 0 else Qt.Key.Key_PageDown
        pressed = time.perf_counter()
        QTest.keyClick(slider, key)
        if view._moved_at is not None:  # the move asked for a picture: time it from the event
            view._moved_at = pressed
        state["n"] += 1
        QTimer.singleShot(every, press)

    def finish():
        state["end"] = (time.perf_counter() - t0, time.process_time() - cpu0, window.bridge.epoch - epoch0)
        app.exit()

    QTimer.singleShot(every, press)
    app.exec()
    seconds, cpu, epochs = state["end"]
    return np.array(view.latencies) * 1000, seconds, cpu, epochs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=150)
    ap.add_argument("--every", type=int, default=40, help="ms between presses")
    ap.add_argument("--preset", default="vae")
    args = ap.parse_args()
    torch.set_num_threads(1)  # a small model: pinned, so that figures compare across runs
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

    app = QApplication.instance() or QApplication(sys.argv[:1])
    project = load_preset(args.preset)
    project.train.stop_epochs = project.train.stop_loss = None
    window = MainWindow(project)
    window.show()
    tabs = window.view_area.tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == "Latent sliders"))
    view = tabs.currentWidget().view
    while not view.sliders or view.image is None:
        app.processEvents()
    print(
        f"preset {args.preset}, device {window.session.device}, platform {app.platformName()}, "
        f"a press every {args.every} ms"
    )
    rows = []
    for label, playing in (("paused", False), ("training", True)):
        if playing:
            window.play_action.trigger()
        ms, seconds, cpu, epochs = measure(app, window, view, args.moves, args.every)
        rows.append(ms)
        print(
            f"{label:9s} {len(ms):4d} pictures  p50 {np.percentile(ms, 50):6.2f} ms  "
            f"p99 {np.percentile(ms, 99):6.2f} ms  max {ms.max():6.2f} ms  "
            f"{epochs / seconds:6.1f} epochs/s  {epochs / max(cpu, 1e-9):6.1f} epochs per CPU-s"
        )
    window.play_action.trigger()
    window.close()
    ratio = np.percentile(rows[1], 50) / np.percentile(rows[0], 50)
    fast = "yes" if np.percentile(rows[1], 99) < 33 else "NO"
    print(f"training / paused p50: {ratio:.2f}x;  p99 < 33 ms while training: {fast}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
