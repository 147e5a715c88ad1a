"""Engine training speed against a plain eager PyTorch loop, in one run.

Both train TF Playground's default network (circle, 2-4-2-1 tanh, SGD 0.03, batch
10, 250 training points) on the CPU. The plain loop is what a user would write by
hand; the engine additionally evaluates train and test loss and accuracy after each
epoch, as the GUI shows them. Rounds alternate so that machine noise hits both.

    python bench/engine_speed.py [--seconds 2] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn

from engine.presets import load_preset
from engine.train import Session


def plain_loop(x, y, seconds: float) -> float:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2), nn.Tanh(), nn.Linear(2, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.03)
    loss_fn = nn.BCEWithLogitsLoss()
    yf = y.float().view(-1, 1)
    epochs, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        order = torch.randperm(len(x))
        for i in range(0, len(x), 10):
            idx = order[i : i + 10]
            loss = loss_fn(model(x[idx]), yf[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        epochs += 1
    return epochs / (time.perf_counter() - t0)


def engine_loop(seconds: float) -> float:
    session = Session(load_preset("circle"), device="cpu")
    epochs, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        session.train_epoch()
        epochs += 1
    return epochs / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0, help="per measurement")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    s = Session(load_preset("circle"), device="cpu")
    x, y = s.x_train, s.y_train
    plain_loop(x, y, 0.3), engine_loop(0.3)  # warm-up
    plain, engine = [], []
    for _ in range(args.rounds):
        plain.append(plain_loop(x, y, args.seconds))
        engine.append(engine_loop(args.seconds))
    p, e = statistics.median(plain), statistics.median(engine)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, circle preset, CPU")
    for label, med, runs in (("plain eager loop", p, plain), ("nodeplay engine ", e, engine)):
        print(f"{label}: {med:7.1f} epochs/s  ({med * 25:,.0f} steps/s)  rounds {[round(v) for v in runs]}")
    print(f"ratio engine/plain: {e / p:.2f}x  (target >= 0.90x)  {'PASS' if e / p >= 0.9 else 'FAIL'}")


if __name__ == "__main__":
    main()
