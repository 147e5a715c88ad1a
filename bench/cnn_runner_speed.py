"""CNN training in the app's runner against a plain PyTorch loop on the same model and data.

For each preset (default digits-cnn and shapes-cnn), in one run, alternating, best of
--repeats:

* plain: the loop a PyTorch user writes: the same GraphModule (same seed), the same
  tensors, optimiser, learning rate, batch size and shuffling, ``--epochs`` epochs;
* plain+eval: the same, plus the train and test loss and accuracy after each epoch,
  as the app shows them;
* runner: ``engine.train.runner.Runner.serve`` as the GUI's worker runs it (bridge-free,
  on this thread): Play until the project's stop condition (``--epochs``), snapshots
  published with the gallery's probes subscribed, as when the window opens on the
  project.

It prints epochs per wall-clock second and per CPU-second (``time.process_time``, all
threads), the runner's ratio to each plain loop, and what the app's per-epoch
evaluation (loss and accuracy of the whole train and test sets, for the loss plot)
costs. Target: runner ≥ 0.9× plain. Torch threads are pinned (--threads, default 1:
these models are small).

The runner matches plain+eval (its own overhead, snapshots with probes included, is
within noise); what it trails plain by is that evaluation pass. Taking the train
metrics from the mini-batches instead would remove most of it but change what
"train loss" means, and the exported train.py reproduces today's curve.

    PYTHONPATH=. python bench/cnn_runner_speed.py [--epochs 2] [--repeats 2] [--threads 1] [--device cpu]
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import torch

from engine.builder import build_model
from engine.presets import load_preset
from engine.train import Session
from engine.train import commands as cmd
from engine.train.events import Failed, Finished
from engine.train.metrics import accuracy
from engine.train.optim import make_optimizer

GALLERY = {"class_probabilities": {"count": 48}, "predictions": {}}  # the window's first view


def _project(name: str, epochs: int, device: str):
    p = load_preset(name)
    return dataclasses.replace(
        p, train=dataclasses.replace(p.train, stop_epochs=epochs, stop_loss=None, device=device)
    )


def plain(project, epochs: int, device: str, evaluate: bool) -> tuple[float, float]:
    """(wall, cpu) seconds of ``epochs`` epochs of the textbook loop."""
    s = Session(project, device=device)  # only for its data tensors, on the device
    x, y, xt, yt = s.x_train, s.y_train, s.x_test, s.y_test
    t = project.train
    model = build_model(project.graph, s.dataset.spec, t.seed, seed_global=True).to(s.device)
    opt = make_optimizer(t.optimizer, model.parameters(), t.learning_rate)
    gen = torch.Generator().manual_seed(t.seed)
    n, bs = len(x), min(t.batch_size, len(x))
    loss_fn = torch.nn.CrossEntropyLoss()
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(n, generator=gen).to(s.device)
        for i in range(0, n, bs):
            idx = order[i : i + bs]
            loss = loss_fn(model(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        if evaluate:
            with torch.inference_mode():
                rows = []
                for a, b in ((x, y), (xt, yt)):
                    out = model(a)
                    rows += [loss_fn(out, b), accuracy("cross_entropy", out, b)]
                torch.stack(rows).tolist()
    if device == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - w0, time.process_time() - c0


def runner(project, device: str) -> tuple[float, float]:
    """(wall, cpu) seconds the runner takes from Play to its stop condition."""
    s = Session(project, device=device)
    r = s.runner
    snapshots = []

    def listen(event) -> None:
        if isinstance(event, Finished | Failed):
            r.submit(cmd.Shutdown())
        elif type(event).__name__ == "Snapshot":
            snapshots.append(event.epoch)

    r.subscribe(listen)
    r.submit(cmd.Subscribe(GALLERY))
    r.submit(cmd.Play())
    w0, c0 = time.perf_counter(), time.process_time()
    r.serve()
    if device == "cuda":
        torch.cuda.synchronize()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    assert s.epoch == project.train.stop_epochs, (s.epoch, project.train.stop_epochs)
    assert snapshots, "the runner published no snapshot"
    return wall, cpu


def evaluation_cpu(project, device: str, repeats: int = 5) -> float:
    """Least CPU-seconds of one ``Session.evaluate`` (train and test loss and accuracy)."""
    s = Session(project, device=device)
    s.evaluate()
    best = float("inf")
    for _ in range(repeats):
        c0 = time.process_time()
        s.evaluate()
        best = min(best, time.process_time() - c0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--presets", default="digits-cnn,shapes-cnn")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(
        f"torch {torch.__version__}, {a.threads} thread(s), {a.device}, "
        f"{a.epochs} epochs, best of {a.repeats}"
    )
    for name in a.presets.split(","):
        project = _project(name, a.epochs, a.device)
        runs: dict[str, list[tuple[float, float]]] = {"plain": [], "plain+eval": [], "runner": []}
        plain(project, 1, a.device, True)  # warm-up: allocator, kernels
        for _ in range(a.repeats):
            runs["plain"].append(plain(project, a.epochs, a.device, False))
            runs["plain+eval"].append(plain(project, a.epochs, a.device, True))
            runs["runner"].append(runner(project, a.device))
        best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in runs.items()}
        print(f"\n{name}:")
        for k, (w, c) in best.items():
            print(f"  {k:11s} {a.epochs / w:7.2f} epochs/s wall   {a.epochs / c:7.2f} epochs/CPU-s")
        rw, rc = best["runner"]
        e = evaluation_cpu(project, a.device)
        print(f"  the app's per-epoch evaluation (train and test sets): {e * 1000:.1f} CPU-ms, ")
        print(f"  {e / (rc / a.epochs):.0%} of a runner epoch's CPU time")
        for k in ("plain", "plain+eval"):
            w, c = best[k]
            print(f"  runner / {k:11s} {w / rw:5.2f}x wall   {c / rc:5.2f}x per CPU-second")


if __name__ == "__main__":
    main()
