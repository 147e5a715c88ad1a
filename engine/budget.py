"""A memory budget before building (issue #14, item 3).

Legal settings can ask for more memory than the machine has (a million samples
through 4,096-unit layers needs tens of gigabytes): torch's allocator would die
mid-way, or the machine would swap. ``check_fits`` estimates what training the
project will hold at its peak and refuses, with the figure and the limit in one
sentence, what would not fit in the memory available now:

* parameters, their gradients and the optimizer's state per parameter;
* one mini-batch's activations, kept for the backward pass and their gradients;
* an evaluation over the whole training or test set (one forward, in full);
* the data itself, once on the host and once more on a GPU.

On CUDA an out-of-memory error that slips through pauses training instead
(``out_of_memory``): the sentence offers the CPU.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import torch

from engine.errors import NodeplayError, OutOfMemory
from engine.graph import validate

FLOAT_BYTES = 4
# Tensors per parameter besides the weight itself: its gradient and the optimizer's buffers.
OPTIMIZER_STATE = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2, "adagrad": 1, "adadelta": 2, "rprop": 2}
# A batch's outputs are kept for backward, get a gradient each, and nodes hold temporaries.
ACTIVATION_FACTOR = 3
USABLE_SHARE = 0.9  # leave the rest of what is available to the window and the system


@dataclass(frozen=True)
class Estimate:
    parameters: int  # bytes of weights, gradients and optimizer state
    activations: int  # bytes of one training mini-batch, forward and backward
    evaluation: int  # bytes of one forward pass over the largest split
    data: int  # bytes of the dataset (twice when it is copied to a GPU)

    @property
    def total(self) -> int:
        return self.parameters + max(self.activations, self.evaluation) + self.data


def estimate(project, dataset, device: torch.device | None = None) -> Estimate:
    """What training ``project`` on ``dataset`` will hold at its peak, in bytes."""
    check = validate(project.graph, dataset.spec)
    t = project.train
    per_param = 2 + OPTIMIZER_STATE.get(t.optimizer, 2)
    params = check.total_params * per_param * FLOAT_BYTES
    tensors = [math.prod(v.shape) for v in check.values.values() if v.kind == "tensor"]
    per_sample = sum(tensors)
    widest = max(tensors, default=0)
    n = max(len(dataset.x_train), len(dataset.x_test))
    batch = min(t.batch_size, len(dataset.x_train))
    activations = batch * per_sample * ACTIVATION_FACTOR * FLOAT_BYTES
    evaluation = n * 2 * widest * FLOAT_BYTES  # a layer's input and output, every sample
    data = sum(a.nbytes for a in (dataset.x_train, dataset.y_train, dataset.x_test, dataset.y_test))
    if device is not None and device.type == "cuda":
        data *= 2
    return Estimate(params, activations, evaluation, data)


def available_bytes(device: torch.device | None = None) -> int:
    """Memory free for training now: the GPU's free memory, or the host's available
    memory (/proc/meminfo's MemAvailable, else the free physical pages)."""
    if device is not None and device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(device)
        return int(free)
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 1 << 62  # unknown: do not refuse


def size_text(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} TB"


def check_fits(
    project, dataset, device: torch.device | None = None, available: int | None = None
) -> Estimate:
    """The estimate, or NodeplayError with the figure and the limit when it would not fit."""
    if device is None:
        from engine.train.device import choose_device  # engine.train imports this module

        check = validate(project.graph, dataset.spec)
        sample = math.prod(dataset.spec.x_shape)
        device = choose_device(project.train.device, check.total_params, sample, fallback=True)
    need = estimate(project, dataset, device)
    free = available_bytes(device) if available is None else available
    limit = int(free * USABLE_SHARE)
    if need.total > limit:
        where = "the GPU's free memory" if device.type == "cuda" else "the memory available on this machine"
        biggest = max(
            ("the weights and optimizer state", need.parameters),
            ("one batch's activations", need.activations),
            ("evaluating every sample at once", need.evaluation),
            ("the data", need.data),
            key=lambda kv: kv[1],
        )[0]
        raise NodeplayError(
            f"This project would need about {size_text(need.total)} to train, more than the "
            f"{size_text(limit)} of {where} it may use (most of it for {biggest}); "
            "use fewer samples, smaller layers or a smaller batch."
        )
    return need


def out_of_memory(session, err: BaseException) -> OutOfMemory:
    """The sentence for an out-of-memory error in training, after freeing the cache;
    on a GPU it offers the CPU (the window's message bar adds "Continue on the CPU")."""
    if session.device.type == "cuda":
        torch.cuda.empty_cache()
        return OutOfMemory(
            "Training paused: the GPU ran out of memory. Set Device to CPU in the settings "
            "(the weights so far are kept), or use a smaller batch or smaller layers.",
            "cuda",
        )
    return OutOfMemory(
        "Training paused: the machine ran out of memory; use a smaller batch or smaller layers.",
        session.device.type,
    )
