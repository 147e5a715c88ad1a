"""Compare mode's cost: K variants trained together against one and K separate runs.

All runs train TF Playground's default network (circle, 2-4-2-1 tanh, SGD 0.03,
batch 10, 250 training points) on the CPU and evaluate train and test metrics after
every epoch. Measured, in epochs per second of the whole thing:

* one variant through ``engine.train.Session``;
* ``CompareSession`` with one variant and with eight (eight learning rates);
* eight separate ``Session`` runs one after the other (an "epoch" is one epoch of each).

Rounds alternate so that machine noise hits every configuration; medians are shown,
and the ratios are medians of each round's own ratios (a round's runs are seconds
apart, so they share the machine's load of the moment).

    python bench/compare_speed.py [--seconds 1] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from engine.presets import load_preset
from engine.train import Session
from engine.train.compare import CompareSession

RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def rate(step, seconds: float) -> float:
    epochs, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step()
        epochs += 1
    return epochs / (time.perf_counter() - t0)


def make_runs():
    """Fresh runs for every measurement, so that all of them train from the start."""

    def session():
        s = Session(load_preset("circle"), device="cpu")
        return s.train_epoch

    def compare(k):
        c = CompareSession(load_preset("circle"), [{"learning_rate": lr} for lr in RATES[:k]], device="cpu")
        return c.train_epoch

    def sequential():
        runs = []
        for lr in RATES:
            p = load_preset("circle")
            p.train.learning_rate = lr
            runs.append(Session(p, device="cpu"))

        def step():
            for s in runs:
                s.train_epoch()

        return step

    return {
        "Session, 1 variant": session,
        "CompareSession, 1 variant": lambda: compare(1),
        "CompareSession, 8 variants": lambda: compare(8),
        "8 separate Sessions": sequential,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="per measurement")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    runs = make_runs()
    for make in runs.values():  # warm-up
        rate(make(), 0.2)
    results: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.rounds):
        for name, make in runs.items():
            results[name].append(rate(make(), args.seconds))
    med = {name: statistics.median(v) for name, v in results.items()}
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, circle preset, CPU, "
        f"{args.rounds} rounds of {args.seconds:g} s"
    )
    for name, v in results.items():
        print(f"{name:27s}: {med[name]:7.1f} epochs/s  rounds {[round(x) for x in v]}")

    def ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(results[a], results[b]))

    one, c1, c8, seq = runs  # the names, in order
    r = ratio(one, c8)
    print(f"8 variants cost {r:.2f}x one variant (target < 3x)  {'PASS' if r < 3 else 'FAIL'}")
    print(f"8 variants cost {ratio(c1, c8):.2f}x one CompareSession variant")
    print(
        f"8 separate Session runs cost {ratio(one, seq):.2f}x one variant; "
        f"compare mode is {ratio(c8, seq):.2f}x faster than them"
    )


if __name__ == "__main__":
    main()
