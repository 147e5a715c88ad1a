"""Device choice: ``auto`` keeps tiny networks on the CPU.

A 2-4-2-1 network does a few hundred flops per sample; on a GPU every step would
be dominated by kernel launches (tens of microseconds each), so the CPU wins.
Image-sized inputs or large parameter counts go to CUDA when it is there.
"""

from __future__ import annotations

import torch

from engine.errors import NodeplayError

GPU_MIN_PARAMS = 200_000
GPU_MIN_SAMPLE = 256  # values per sample, e.g. a 16x16 image
# Below this, one CPU thread trains fastest: intra-op threads cost more than they share
# (the digits CNN trains in 2 s on one thread, 15 s on two of a busy machine's cores).
ONE_THREAD_PARAMS = 100_000


def cuda_available() -> bool:
    return torch.cuda.is_available()


def choose_device(
    requested: str, param_count: int, sample_numel: int, *, fallback: bool = False
) -> torch.device:
    """``fallback``: ``requested`` is a project's own setting, not the caller's demand;
    "cuda" without a GPU then trains on the CPU (T-OOM: a project saved with Device
    GPU on one machine opens on any other), where ``--device cuda`` is refused."""
    if requested == "cpu":
        return torch.device("cpu")
    if requested == "cuda":
        if fallback and not cuda_available():
            return torch.device("cpu")
        if not cuda_available():
            raise NodeplayError("CUDA was requested but PyTorch sees no CUDA GPU; use --device cpu or auto.")
        return torch.device("cuda")
    if requested != "auto":
        raise NodeplayError(f"Unknown device '{requested}'; use auto, cpu or cuda.")
    big = param_count >= GPU_MIN_PARAMS or sample_numel >= GPU_MIN_SAMPLE
    return torch.device("cuda" if big and cuda_available() else "cpu")


def cpu_threads(param_count: int, available: int) -> int:
    """How many intra-op threads a CPU training process should give torch."""
    return 1 if param_count < ONE_THREAD_PARAMS else max(1, available)


# -- the thread policy for every trainer (issue #13) -------------------------------------
def trainer_threads(trainer, cores: int, *, gui: bool) -> int | None:
    """Intra-op threads for ``trainer`` (a Session or a K-variant trainer) on the CPU:
    one for small models (threads spin against each other on a busy machine: an
    eager step ran 25 times slower on two), every core for large ones, less one for
    the GUI thread in the app. None: not on the CPU, leave torch as it is."""
    device = getattr(trainer, "device", None)
    if getattr(device, "type", "cpu") != "cpu":
        return None
    model = getattr(trainer, "model", None)
    if model is None:  # a GAN trainer: its two networks together
        model = getattr(trainer, "nets", None)
    if model is not None:
        params = sum(p.numel() for p in model.parameters())
    else:  # K variants: their stacked parameters together
        params = sum(p.numel() for p in getattr(trainer, "params", []))
    return cpu_threads(params, max(1, cores - 1) if gui else cores)


def apply_thread_policy(trainer, *, gui: bool) -> int | None:
    """Set torch's intra-op threads for ``trainer`` on the calling thread (OpenMP's
    count is per thread: call it on the thread that trains); returns the count."""
    import os

    threads = trainer_threads(trainer, os.cpu_count() or 1, gui=gui)
    if threads is not None:
        torch.set_num_threads(threads)
    return threads
