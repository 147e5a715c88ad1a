"""How long the activation-max and receptive-field views wait while a CNN trains.

digits-cnn plays flat out on a worker thread (the runner as the GUI's bridge runs it,
bridge-free); this thread asks as the views do, one ask out at a time:

* activation_max (classes, then conv2 units 0-7): asks until the pictures are done,
  back to back (as the view does while paused) and --gap seconds apart (as the view
  does while training plays, app.views.activation_max.PLAYING_GAP_MS); per ask the
  submit -> answer latency (target ~200 ms: each ask optimises for
  engine.probes.activation_max.BUDGET_S), the number of asks, the seconds to a
  finished grid and the epochs per second trained meanwhile;
* receptive_field (pool2, a unit of each channel in turn): submit -> answer latency.

It prints p50 / p99 / max in ms, wall-clock and the worker's epochs per second
meanwhile. Torch threads pinned (--threads, default 1).

    PYTHONPATH=. python bench/unit_probe_speed.py [--asks 20] [--threads 1]
"""

from __future__ import annotations

import argparse
import threading
import time

import numpy as np
import torch

from engine.presets import load_preset
from engine.probes import builtin  # noqa: F401 - registers the probes
from engine.probes.activation_max import BUDGET_S
from engine.train import Session
from engine.train import commands as cmd
from engine.train.events import Answer


class Asker:
    def __init__(self, session: Session) -> None:
        self.s, self.request = session, 0
        self.answers: dict[int, tuple[float, object, str | None]] = {}
        self.done = threading.Condition()
        session.subscribe(self._listen)

    def _listen(self, event) -> None:
        if isinstance(event, Answer):
            with self.done:
                self.answers[event.request_id] = (time.perf_counter(), event.value, event.error)
                self.done.notify_all()

    def ask(self, probe: str, args: dict) -> tuple[float, object]:
        """(ms from submit to answer, the value)."""
        self.request += 1
        r, sent = self.request, time.perf_counter()
        self.s.submit(cmd.Ask(r, probe, args))
        with self.done:
            self.done.wait_for(lambda: r in self.answers, timeout=60)
        at, value, error = self.answers[r]
        if error:
            raise SystemExit(error)
        return (at - sent) * 1000, value


def _line(name: str, lat: list[float], extra: str) -> None:
    a = np.array(lat)
    print(
        f"{name:34s} p50 {np.percentile(a, 50):7.1f}  p99 {np.percentile(a, 99):7.1f}  "
        f"max {a.max():7.1f}  {extra}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--asks", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--gap", type=float, default=0.15, help="seconds between asks while playing")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    project = load_preset("digits-cnn")
    project.train.stop_epochs = project.train.stop_loss = None
    s = Session(project, device="cpu")
    asker = Asker(s)

    def serve() -> None:
        torch.set_num_threads(a.threads)
        s.serve()

    worker = threading.Thread(target=serve, daemon=True)
    worker.start()
    s.submit(cmd.Play())
    time.sleep(1.0)  # training at its pace
    print(f"torch {torch.__version__}, {a.threads} thread(s); ask budget {BUDGET_S * 1000:.0f} ms")
    print("latency while digits-cnn trains (ms, submit -> answer):")
    for (layer, units), gap in (
        (("classes", None), 0.0),
        (("conv2", list(range(8))), 0.0),
        (("classes", None), a.gap),
        (("conv2", list(range(8))), a.gap),
    ):
        lat, e0, t0 = [], s.epoch, time.perf_counter()
        args = {"layer": layer, "units": units, "restart": True}
        while True:
            ms, value = asker.ask("activation_max", args)
            lat.append(ms)
            args["restart"] = False
            if value["done"]:
                break
            time.sleep(gap)
        took = time.perf_counter() - t0
        rate = (s.epoch - e0) / took
        _line(
            f"activation_max {layer}, gap {gap * 1000:.0f} ms",
            lat,
            f"{len(lat)} asks, done in {took:.1f} s, {rate:.2f} epochs/s",
        )
    lat, e0, t0 = [], s.epoch, time.perf_counter()
    for i in range(a.asks):
        ms, _ = asker.ask(
            "receptive_field", {"layer": "pool2", "channel": i % 16, "position": [1, 0], "sample": i}
        )
        lat.append(ms)
        time.sleep(0.05)
    rate = (s.epoch - e0) / (time.perf_counter() - t0)
    _line("receptive_field pool2", lat, f"{rate:.2f} epochs/s")
    s.submit(cmd.Shutdown())
    worker.join(30)


if __name__ == "__main__":
    main()
