"""The headless training loop (``nodeplay train``, tests, benches) shared by trainers."""

from __future__ import annotations

import time
from collections.abc import Callable

from engine.errors import NodeplayError


def run_until(
    trainer,
    epochs: int | None,
    steps: int | None,
    *,
    first: Callable[[], dict],
    diverged: Callable[[dict], str | None],
    finish: Callable[[], object],
) -> dict:
    """Train ``trainer`` until ``epochs``, ``steps`` or its stop condition; ``first``
    measures the metrics before training, ``diverged`` gives the sentence that stops
    it, ``finish`` publishes the recorded rows. Returns the summary the CLI prints."""
    start, step0, t0 = trainer.epoch, trainer.step, time.perf_counter()
    m, reason = first(), None
    while True:
        if epochs is not None and trainer.epoch - start >= epochs:
            reason = f"{epochs} epochs"
            break
        if steps is not None and trainer.step - step0 >= steps:
            reason = f"{steps} steps"
            break
        left = None if steps is None else steps - (trainer.step - step0)
        m = trainer.train_epoch(left)
        if (bad := diverged(m)) is not None:
            raise NodeplayError(bad)
        if epochs is None and steps is None and (reason := trainer.stop_reason(m)):
            break
    finish()
    return {
        "epoch": trainer.epoch,
        "steps": trainer.step,
        **m,
        "stopped_by": reason,
        "device": str(trainer.device),
        "seconds": round(time.perf_counter() - t0, 3),
    }
