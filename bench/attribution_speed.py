"""How long one attribution map takes, per method, and how long a view waits for one
while training runs.

1. Idle: one map of one digits-cnn test input per method (engine.probes.attribution,
   through the registered probe as the worker runs it), median over --repeats after a
   warm-up, wall-clock and CPU milliseconds, with torch pinned to --threads threads.
   The same for a 28×28 input on a CNN of the same shape (conv 8, pool, conv 16, pool,
   linear), the size the course uses. Target: under 100 ms for every method.
2. Training: a session serves on a worker thread and plays flat out (as the GUI's
   bridge runs it, bridge-free); this thread sends ``Ask("attribution")`` one after
   another and measures submit -> Answer (p50/p99/max) per method, with the epochs per
   second trained meanwhile.

    PYTHONPATH=. python bench/attribution_speed.py [--repeats 20] [--asks 20] [--threads 1]
"""

from __future__ import annotations

import argparse
import threading
import time

import numpy as np
import torch
from torch import nn

from engine.presets import load_preset
from engine.probes import builtin  # noqa: F401 - registers the probes
from engine.probes.attribution import METHODS, attribute
from engine.probes.registry import probe
from engine.train import Session
from engine.train import commands as cmd
from engine.train.events import Answer


def timed(fn, repeats: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``fn()`` after one warm-up call."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return float(np.median(wall)), float(np.median(cpu))


def cnn28() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 7 * 7, 10),
    )


def idle(repeats: int) -> None:
    s = Session(load_preset("digits-cnn"))
    s.train(epochs=2)
    model28, x28 = cnn28(), torch.rand(1, 1, 28, 28)
    print(f"{'method':22s} {'8×8 digits-cnn (probe)':>26s} {'28×28 CNN':>22s}   (median ms, wall / CPU)")
    for method in METHODS:
        w8, c8 = timed(lambda m=method: probe("attribution").run(s, {"sample": 0, "method": m}), repeats)
        w28, c28 = timed(lambda m=method: attribute(model28, x28, 3, m), repeats)
        flag = "" if max(w8, w28) < 100 else "  over 100 ms"
        print(f"{method:22s} {w8:12.2f} / {c8:9.2f} {w28:11.2f} / {c28:8.2f}{flag}")


def while_training(asks: int, threads: int) -> None:
    project = load_preset("digits-cnn")
    project.train.stop_epochs = project.train.stop_loss = None
    s = Session(project)
    answered: dict[int, tuple[float, str | None]] = {}
    done = threading.Condition()

    def listen(event):
        if isinstance(event, Answer):
            with done:
                answered[event.request_id] = (time.perf_counter(), event.error)
                done.notify_all()

    s.subscribe(listen)

    def serve():
        torch.set_num_threads(threads)
        s.serve()

    worker = threading.Thread(target=serve, daemon=True)
    worker.start()
    s.submit(cmd.Play())
    time.sleep(1.0)  # let training reach its pace
    request = 0
    print(f"\nanswer latency while digits-cnn trains ({asks} asks per method, ms):")
    for method in METHODS:
        latencies, e0, t0 = [], s.epoch, time.perf_counter()
        for i in range(asks):
            request += 1
            sent = time.perf_counter()
            s.submit(cmd.Ask(request, "attribution", {"sample": i, "method": method}))
            with done:
                done.wait_for(lambda r=request: r in answered, timeout=30)
            at, error = answered[request]
            if error:
                raise SystemExit(error)
            latencies.append((at - sent) * 1000)
            time.sleep(0.05)
        rate = (s.epoch - e0) / (time.perf_counter() - t0)
        lat = np.array(latencies)
        print(
            f"{method:22s} p50 {np.percentile(lat, 50):7.2f}  p99 {np.percentile(lat, 99):7.2f}  "
            f"max {lat.max():7.2f}   (training {rate:.1f} epochs/s meanwhile)"
        )
    s.submit(cmd.Shutdown())
    worker.join(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--asks", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (pinned for small models)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s)")
    idle(args.repeats)
    while_training(args.asks, args.threads)


if __name__ == "__main__":
    main()
