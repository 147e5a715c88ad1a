"""How long a probe request waits for its answer while training runs.

For each preset a session serves on a worker thread (as the GUI's bridge runs it),
plays flat out, and this thread sends ``Ask`` requests (``--probe``, default the
cheap "weights" probe for the MLP and "predictions" for the CNN) one after another,
pausing a little between them; the time from ``submit`` to the ``Answer`` event is
the latency. Prints p50/p99/max and the epochs per second trained meanwhile. The
goal: answered within one frame (~16 ms) for small models.

    python bench/probe_latency.py [--asks 200] [--presets circle,digits-cnn]
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

import numpy as np
import torch

from engine.presets import load_preset
from engine.train import Session
from engine.train import commands as cmd
from engine.train.events import Answer

PROBES = {"circle": ("boundary", {"size": 50}), "digits-cnn": ("predictions", {})}


def measure(name: str, asks: int, gap: float) -> None:
    project = load_preset(name)
    project.train.stop_epochs = project.train.stop_loss = None
    s = Session(project)
    probe, args = PROBES.get(name, ("weights", {}))
    answered: dict[int, float] = {}
    done = threading.Condition()

    def listen(event):
        if isinstance(event, Answer):
            with done:
                answered[event.request_id] = time.perf_counter()
                done.notify_all()

    s.subscribe(listen)

    def serve():
        torch.set_num_threads(1)  # as the bridge's worker trains small models
        s.serve()

    worker = threading.Thread(target=serve, daemon=True)
    worker.start()
    s.submit(cmd.Play())
    time.sleep(1.0)  # let training reach its pace
    latencies, e0, t0 = [], s.epoch, time.perf_counter()
    for i in range(asks):
        sent = time.perf_counter()
        s.submit(cmd.Ask(i, probe, args))
        with done:
            done.wait_for(lambda i=i: i in answered, timeout=30)
        latencies.append((answered[i] - sent) * 1000)
        time.sleep(gap)
    rate = (s.epoch - e0) / (time.perf_counter() - t0)
    s.submit(cmd.Shutdown())
    worker.join(30)
    lat = np.array(latencies)
    print(
        f"{name:12s} probe {probe!r:14s} {asks} asks  p50 {np.percentile(lat, 50):6.2f} ms  "
        f"p99 {np.percentile(lat, 99):6.2f} ms  max {lat.max():6.2f} ms  "
        f"(mean {statistics.fmean(latencies):.2f} ms; training {rate:.1f} epochs/s)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--asks", type=int, default=200)
    ap.add_argument("--gap", type=float, default=0.01, help="seconds between two asks")
    ap.add_argument("--presets", default="circle,digits-cnn")
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs; worker on one torch thread")
    for name in args.presets.split(","):
        measure(name, args.asks, args.gap)


if __name__ == "__main__":
    main()
