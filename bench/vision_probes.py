"""What the vision views' probes cost the worker, beside one training epoch measured in
the same run: per call (wall and CPU milliseconds) and as a share of a second of
training at the rate the runner allows each probe.

    python bench/vision_probes.py [--calls 20]
"""

from __future__ import annotations

import argparse
import time

import torch

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.presets import load_preset
from engine.probes.registry import probe
from engine.train.session import Session

PROBES = (("class_probabilities", {}), ("confusion", {}), ("kernels", {}), ("feature_maps", {"sample": 3}))


def _timed(fn, n: int) -> tuple[float, float]:
    """(wall, CPU) seconds per call: the mean over ``n`` calls."""
    fn()  # warm up
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        fn()
    return (time.perf_counter() - w0) / n, (time.process_time() - c0) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)  # small models: one thread, as the baseline epoch
    for preset in ("digits-cnn", "shapes-cnn"):
        s = Session(load_preset(preset))
        epoch_wall, epoch_cpu = _timed(lambda s=s: s.train(epochs=1), 3)
        print(f"{preset}: one epoch {epoch_wall * 1e3:.0f} ms wall, {epoch_cpu * 1e3:.0f} ms CPU")
        for name, a in PROBES:
            p = probe(name)
            wall, cpu = _timed(lambda p=p, a=a, s=s: p.run(s, a), args.calls)
            rate = p.max_per_second or 60.0  # a cheap probe with no cap: every frame at most
            print(
                f"  {name:20s} {wall * 1e3:6.2f} ms wall {cpu * 1e3:6.2f} ms CPU; "
                f"{cpu / epoch_cpu:.3f} epochs of CPU per call; at {rate:g}/s {cpu * rate:.1%} of a CPU-s"
            )


if __name__ == "__main__":
    main()
