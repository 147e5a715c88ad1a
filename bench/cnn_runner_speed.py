"""CNN training in the app's runner against a plain PyTorch loop on the same model and data.

For each preset (default digits-cnn and shapes-cnn), in one run, alternating, best of
--repeats:

* plain: the loop a PyTorch user writes: the same GraphModule (same seed), the same
  tensors, optimiser (torch's default step), learning rate, batch size and shuffling,
  ``--epochs`` epochs, no figures at all;
* plain fused: the same with torch's fused optimizer step (``fused=True``), which the
  app takes for images (``engine.train.optim``): the loop a PyTorch user who knows
  that flag writes;
* plain+eval: the same, plus the train and test loss and accuracy of the whole sets
  after each epoch (what the app did before S-CNN: a second pass over every
  training image, for the loss plot);
* plain+test: the same, plus the figures the app now records for images
  (``engine.train.epoch_metrics``): the train loss and accuracy as the mean over the
  epoch's mini-batches (kept on the device, one sync per epoch) and the whole test
  set evaluated after each epoch;
* runner: ``engine.train.runner.Runner.serve`` as the GUI's worker runs it (bridge-free,
  on this thread): Play until the project's stop condition (``--epochs``), snapshots
  published with the gallery's probes subscribed, as when the window opens on the
  project.

It prints epochs per wall-clock second and per CPU-second (``time.process_time``, all
threads), the runner's ratio to each plain loop, and what the app's per-epoch test
evaluation costs. Target: runner >= 0.9x plain. Torch threads are pinned (--threads,
default 1: these models are small).

plain+eval and plain+test use the default step, as plain does. The runner's own
overhead (snapshots with probes included) is within noise of plain+test; the test
set's evaluation after each epoch, which the loss plot needs, costs about 4 % of an
epoch on digits-cnn and 9 % on shapes-cnn (a 30 % test split of small images); the
fused step wins about as much back. Measured on a shared 2-core machine, figures move
by several per cent from run to run: run it a few times.

Medians of 5 runs (defaults; 2 shared cores at load ~10, so wall-clock is the weaker
figure), runner / plain per CPU-second (wall): digits-cnn 1.04x (1.06x), shapes-cnn
0.88x (0.82x); runner / plain fused: 0.92x, 0.82x; runner / plain+eval (the app
before): 1.20x, 1.25x. Before S-CNN the runner was 0.77x and 0.64x plain.

    PYTHONPATH=. python bench/cnn_runner_speed.py [--epochs 3] [--repeats 3] [--threads 1] [--device cpu]
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


def plain(
    project, epochs: int, device: str, evaluate: str | None, fused: bool = False
) -> tuple[float, float]:
    """(wall, cpu) seconds of ``epochs`` epochs of the textbook loop; ``evaluate``:
    None, "full" (both whole sets after each epoch) or "test" (the batches' means and
    the whole test set)."""
    s = Session(project, device=device)  # only for its data tensors, on the device
    x, y, xt, yt = s.x_train, s.y_train, s.x_test, s.y_test
    t = project.train
    model = build_model(project.graph, s.dataset.spec, t.seed, seed_global=True).to(s.device)
    opt = make_optimizer(t.optimizer, model.parameters(), t.learning_rate, fused)
    gen = torch.Generator().manual_seed(t.seed)
    n, bs = len(x), min(t.batch_size, len(x))
    loss_fn = torch.nn.CrossEntropyLoss()
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(n, generator=gen).to(s.device)
        loss_sum = torch.zeros((), device=s.device)
        right = torch.zeros((), device=s.device, dtype=torch.long)
        for i in range(0, n, bs):
            idx = order[i : i + bs]
            yb = y[idx]
            out = model(x[idx])
            loss = loss_fn(out, yb)
            if evaluate == "test":  # on the device: no sync per batch
                loss_sum += loss.detach() * len(idx)
                right += (out.detach().argmax(1) == yb).sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        if evaluate:
            with torch.inference_mode():
                rows = [loss_sum / n, right / n] if evaluate == "test" else []
                for a, b in ((x, y), (xt, yt))[len(rows) // 2 :]:
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


def evaluation_cpu(project, device: str, repeats: int = 5) -> tuple[float, float]:
    """Least CPU-seconds of the whole evaluation (both sets) and of the test set's alone."""
    s = Session(project, device=device)
    s.evaluate()
    full = test = float("inf")
    for _ in range(repeats):
        c0 = time.process_time()
        s.evaluate()
        c1 = time.process_time()
        s.model.loss(s.x_test, s.y_test)[0].item()
        full, test = min(full, c1 - c0), min(test, time.process_time() - c1)
    return full, test


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--presets", default="digits-cnn,shapes-cnn")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3)
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
        runs: dict[str, list[tuple[float, float]]] = {
            "plain": [],
            "plain fused": [],
            "plain+eval": [],
            "plain+test": [],
            "runner": [],
        }
        plain(project, 1, a.device, "full")  # warm-up: allocator, kernels
        for _ in range(a.repeats):
            runs["plain"].append(plain(project, a.epochs, a.device, None))
            runs["plain fused"].append(plain(project, a.epochs, a.device, None, fused=True))
            runs["plain+eval"].append(plain(project, a.epochs, a.device, "full"))
            runs["plain+test"].append(plain(project, a.epochs, a.device, "test"))
            runs["runner"].append(runner(project, a.device))
        best = {k: (min(w for w, _ in v), min(c for _, c in v)) for k, v in runs.items()}
        print(f"\n{name}:")
        for k, (w, c) in best.items():
            print(f"  {k:11s} {a.epochs / w:7.2f} epochs/s wall   {a.epochs / c:7.2f} epochs/CPU-s")
        rw, rc = best["runner"]
        full, test = evaluation_cpu(project, a.device)
        epoch = rc / a.epochs
        print(
            f"  evaluation of the whole train and test sets (before S-CNN, every epoch): "
            f"{full * 1000:.1f} CPU-ms, {full / epoch:.0%} of a runner epoch's CPU time"
        )
        print(
            f"  evaluation of the test set (now, every epoch): {test * 1000:.1f} CPU-ms, "
            f"{test / epoch:.0%} of a runner epoch's CPU time"
        )
        for k in ("plain", "plain fused", "plain+eval", "plain+test"):
            w, c = best[k]
            print(f"  runner / {k:11s} {w / rw:5.2f}x wall   {c / rc:5.2f}x per CPU-second")


if __name__ == "__main__":
    main()
