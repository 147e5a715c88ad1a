"""GAN iterations per second: gan-2d headless and in the window while its views redraw,
and the gan preset's trainer against a plain PyTorch DCGAN loop on the same model.

Figures, not tests: every ratio compares two measurements of the same run. Torch runs
on one thread (small models train fastest there, and the baseline gets the same).
Goals (issue 11): gan-2d in the window ≥ 300 iterations/s (aim 600); the gan preset's
trainer ≥ 0.9× the plain loop.

    xvfb-run -a -s "-screen 0 1920x1080x24" python bench/gan_speed.py [--seconds 4]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine.presets import load_preset  # noqa: E402
from engine.train.adversarial import GanTrainer  # noqa: E402


def headless(preset: str, seconds: float) -> tuple[float, float]:
    """(iterations per wall second, per CPU second) of the trainer alone."""
    t = GanTrainer(load_preset(preset), "cpu")
    t.train_epoch()  # warm up
    step0, t0, c0 = t.step, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        t.train_epoch()
    n = t.step - step0
    return n / (time.perf_counter() - t0), n / max(time.process_time() - c0, 1e-9)


def plain_loop(preset: str, seconds: float) -> tuple[float, float]:
    """The same networks (built by the trainer, then used bare) in a textbook DCGAN loop."""
    t = GanTrainer(load_preset(preset), "cpu")
    g, d = t.nets.generator, t.nets.discriminator
    real_all = t.real
    bs, latent = t._batch_size(), t.nets.latent
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-3, betas=(0.5, 0.999))

    def iteration():
        real = real_all[torch.randint(0, len(real_all), (bs,))]
        with torch.no_grad():
            fake = g(torch.randn(bs, latent))
        lr, lf = d(torch.cat([real, fake])).reshape(2, bs)
        loss_d = F.softplus(-lr).mean() + F.softplus(lf).mean()
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        loss_g = F.softplus(-d(g(torch.randn(bs, latent)))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()

    iteration()
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds:
        iteration()
        n += 1
    return n / (time.perf_counter() - t0), n / max(time.process_time() - c0, 1e-9)


def in_window(seconds: float) -> float:
    """gan-2d iterations per second while the window shows the GAN plane and the loss."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    w = MainWindow(load_preset("gan-2d"))
    w.resize(1280, 800)
    w.show()
    assert w.view_area.plane_view().view_name == "gan-2d"  # drawn beside the controls
    state: dict = {}

    def start():
        w.play_action.trigger()
        QTimer.singleShot(1000, begin)  # past the first snapshots and the thread's start

    def begin():
        state["t0"], state["s0"] = time.perf_counter(), w.bridge.session.runner.trainer.step
        QTimer.singleShot(int(seconds * 1000), end)

    def end():
        state["rate"] = (w.bridge.session.runner.trainer.step - state["s0"]) / (
            time.perf_counter() - state["t0"]
        )
        app.exit()

    QTimer.singleShot(500, start)
    app.exec()
    w.close()
    return state["rate"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0)
    a = ap.parse_args()
    torch.set_num_threads(1)
    wall, cpu = headless("gan-2d", a.seconds)
    print(f"gan-2d headless: {wall:.0f} iterations/s ({cpu:.0f} per CPU second)")
    window = in_window(a.seconds)
    print(
        f"gan-2d in the window, GAN plane and loss drawing: {window:.0f} iterations/s (goal >= 300, aim 600)"
    )
    ours, ours_cpu = headless("gan", a.seconds)
    plain, plain_cpu = plain_loop("gan", a.seconds)
    print(
        f"gan preset: trainer {ours:.1f} iterations/s ({ours_cpu:.1f}/CPU s), plain PyTorch loop "
        f"{plain:.1f} ({plain_cpu:.1f}/CPU s): ratio {ours / plain:.2f} (per CPU second "
        f"{ours_cpu / plain_cpu:.2f}; goal >= 0.9)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
