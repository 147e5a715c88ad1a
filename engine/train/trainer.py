"""What the runner (``engine.train.runner.Runner``) needs from a trainer.

The runner owns the serve loop: commands in, events out, play/pause/step/reset,
speed, the stop condition, divergence, the epochs/s rate, snapshots and their
probes, one-off probe requests. A trainer owns the model(s), the optimizer(s) and
the data, and knows how to run one epoch. Implementations: the supervised
``engine.train.session.Session`` and the K-variant ``engine.train.compare``
trainers.

An adversarial (GAN) trainer with two optimizers fits as it is:

* ``train_epoch(between=...)`` runs the epoch's mini-batches, each one a
  discriminator step with its optimizer and then a generator step with the other,
  calling ``between()`` after each mini-batch (the runner answers probe requests
  there);
* it returns a row with ``train_loss``/``test_loss`` (say the generator's loss and a
  held-out one) and ``train_acc``/``test_acc`` (the discriminator's accuracy, or
  NaN), plus any extra keys of its own;
* ``divergence`` checks both losses, ``apply`` takes ``SetLearningRate`` for both
  optimizers (or its own commands: a per-network rate), and its probes (a grid of
  generated samples, the discriminator's field) are registered in
  ``engine.probes.registry`` with ``applies`` testing for its context.

``tests/engine/test_runner.py`` drives such a two-optimizer trainer through the runner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

from engine.train.events import Metrics


@runtime_checkable
class Trainer(Protocol):
    epoch: int  # whole passes over the training data so far
    step: int  # optimizer steps (mini-batches) so far
    generation: int  # grows at every reset: the next snapshot starts the history again
    dataset: object  # engine.data dataset: extent, is_2d, ... (probes read it)
    device: object  # torch.device

    def train_epoch(
        self, max_steps: int | None = None, *, between: Callable[[], None] | None = None
    ) -> dict[str, float]:
        """One epoch; returns its metrics row (``events.METRIC_NAMES`` at least).
        ``between`` is called after each mini-batch of a long epoch."""

    def take_rows(self) -> Metrics:
        """The metric rows recorded since the last call (they join the history)."""

    def divergence(self, m: dict[str, float]) -> str | None:
        """A sentence when the row shows training diverged, else None."""

    def stop_reason(self, m: dict[str, float]) -> str | None:
        """A sentence when the project's stop condition is reached, else None."""

    def reset(self, seed: int | None = None) -> None:
        """Fresh weights and an empty history; ``generation`` grows."""

    def weights(self) -> dict[str, np.ndarray]:
        """A copy of the trained state, for Capture."""

    def apply(self, command) -> bool | None:
        """A trainer-specific command (SetLearningRate, SetGraph, SetWeight, ...):
        None when the trainer does not know it, else whether a snapshot should follow
        at once. Raises NodeplayError (one sentence) to refuse it."""
