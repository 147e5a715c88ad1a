"""Compare mode's cost: K variants trained together against one and K separate runs.

All runs train TF Playground's default network (circle, 2-4-2-1 tanh, SGD 0.03,
batch 10, 250 training points) on the CPU, one torch thread, on the compiled kernel
(compiled or loaded from numba's cache first), and evaluate train and test metrics
after every epoch. Measured, in epochs per CPU-second (load from other jobs cancels
out) and per wall-second of the whole thing:

* one variant through ``engine.train.Session`` (the per-lane kernel);
* ``CompareSession`` with one variant, and with eight: eight learning rates (the
  SIMD kernel, ``engine.train.compiled_lanes``), eight mixing four activations and
  sgd/momentum (the same kernel: one pass, sigmoid and tanh sharing one exp), eight with
  adam and eight mixing every optimizer, through ``make_compare`` as the app
  builds them (the same kernel once compiled: a select per distinct optimizer);
* eight separate ``Session`` runs one after the other (an "epoch" is one epoch of each).

Rounds alternate so that machine noise hits every configuration; medians are shown,
and the ratios are medians of each round's own ratios (a round's runs are seconds
apart, so they share the machine's load of the moment).

    PYTHONPATH=. python bench/compare_speed.py [--seconds 1] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

torch.set_num_threads(1)  # small models: pinned, as the app and the CLI train them

from engine.presets import load_preset  # noqa: E402
from engine.train import Session, compile_warmup  # noqa: E402
from engine.train.compare import CompareSession, make_compare  # noqa: E402

RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
MIXED = [
    {"activation": act, "learning_rate": lr, "optimizer": opt}
    for act in ("tanh", "relu", "sigmoid", "linear")
    for lr, opt in ((0.03, "sgd"), (0.01, "momentum"))
]
OPTIMIZERS = [  # every optimizer, at rates that train
    {"optimizer": opt, "learning_rate": lr}
    for opt, lr in (
        ("sgd", 0.03), ("momentum", 0.01), ("rmsprop", 0.003), ("adam", 0.01),
        ("adagrad", 0.1), ("adadelta", 1.0), ("rprop", 0.01), ("adam", 0.001),
    )
]  # fmt: skip


def rate(step, seconds: float) -> tuple[float, float]:
    """(epochs per CPU-second, per wall-second) of calling ``step``."""
    epochs, c0, t0 = 0, time.process_time(), time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        step()
        epochs += 1
    return epochs / (time.process_time() - c0), epochs / (time.perf_counter() - t0)


def make_runs():
    """Fresh runs for every measurement, so that all of them train from the start."""

    def session():
        s = Session(load_preset("circle"), device="cpu")
        return s.train_epoch

    def compare(variants, batched=True):
        make = CompareSession if batched else make_compare
        c = make(load_preset("circle"), variants, device="cpu")
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
        "CompareSession, 1 variant": lambda: compare([{"learning_rate": 0.03}]),
        "CompareSession, 8 rates": lambda: compare([{"learning_rate": lr} for lr in RATES]),
        "CompareSession, 8 mixed": lambda: compare(MIXED),
        "make_compare, 8 adam": lambda: compare(
            [{"optimizer": "adam", "learning_rate": lr / 10} for lr in RATES], False
        ),
        "make_compare, 8 optimizers": lambda: compare(OPTIMIZERS, False),
        "8 separate Sessions": sequential,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="per measurement")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    compile_warmup.start()
    assert compile_warmup.wait(900), compile_warmup.state.error
    runs = make_runs()
    for make in runs.values():  # warm-up
        rate(make(), 0.2)
    for name in ("make_compare, 8 adam", "make_compare, 8 optimizers"):
        trainer = runs[name]().__self__  # type: ignore[attr-defined]  # the trainer the app gets
        print(f"{name}: {type(trainer).__name__} on {type(getattr(trainer, '_fast', None)).__name__}")
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(args.rounds):
        for name, make in runs.items():
            results[name].append(rate(make(), args.seconds))
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread, circle preset, CPU, compiled kernel, "
        f"{args.rounds} rounds of {args.seconds:g} s; epochs per CPU-second (wall-second)"
    )
    for name, v in results.items():
        cpu, wall = (statistics.median(x[i] for x in v) for i in (0, 1))
        print(f"{name:28s}: {cpu:7.0f}/CPU-s ({wall:7.0f}/s)  rounds {[round(x[0]) for x in v]}")

    def ratio(a: str, b: str, i: int = 0) -> float:
        return statistics.median(x[i] / y[i] for x, y in zip(results[a], results[b]))

    one, c1, rates, mixed, adam, optimizers, seq = runs  # the names, in order
    for name in (rates, mixed, adam, optimizers):
        r, w = ratio(one, name), ratio(one, name, 1)
        print(
            f"{name} cost {r:.2f}x one variant per CPU-second ({w:.2f}x wall; target <= 3x)  "
            f"{'PASS' if r <= 3 else 'FAIL'}"
        )
    print(f"8 rates cost {ratio(c1, rates):.2f}x one CompareSession variant")
    print(
        f"8 separate Session runs cost {ratio(one, seq):.2f}x one variant; "
        f"compare mode (8 rates) is {ratio(rates, seq):.2f}x faster than them"
    )


if __name__ == "__main__":
    main()
