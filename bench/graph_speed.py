"""What the node editor and the image presets cost: validating and building a 200-node
graph (the editor re-validates after every edit) and training each image preset to its
stop condition on the CPU with a given number of torch threads (one by default, as
``nodeplay train`` and the GUI give these small models; on a busy two-core machine two
threads ran them 10 to 30 times slower).

    python bench/graph_speed.py [--repeat 20] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from engine.builder import build_model
from engine.graph import DataSpec, validate
from engine.graph.mlp import mlp_graph
from engine.presets import load_preset
from engine.train import Session

IMAGE_PRESETS = ("digits-cnn", "shapes-cnn", "autoencoder", "vae")


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    g = mlp_graph([8] * 66, "relu", residual=[False] + [True] * 65)
    spec = DataSpec((2,), (), 2)
    runs = [timed(lambda: validate(g, spec)) for _ in range(args.repeat)]
    print(
        f"validate, {len(g.nodes)} nodes / {len(g.edges)} edges: median "
        f"{statistics.median(runs) * 1e3:.2f} ms, best {min(runs) * 1e3:.2f} ms"
    )
    runs = [timed(lambda: build_model(g, spec)) for _ in range(max(1, args.repeat // 4))]
    print(f"build_model, same graph: median {statistics.median(runs) * 1e3:.1f} ms")
    torch.set_num_threads(args.threads)
    for name in IMAGE_PRESETS:
        s = Session(load_preset(name), device="cpu")
        r = s.train()
        acc = f", test accuracy {r['test_acc']:.1%}" if r["test_acc"] == r["test_acc"] else ""
        print(
            f"{name:12s} {args.threads} thread(s): {r['epoch']} epochs in {r['seconds']:.2f} s, "
            f"test loss {r['test_loss']:.4f}{acc}"
        )


if __name__ == "__main__":
    main()
