"""Plain events the session reports through: copied numpy arrays and scalars.

Every event fires on the thread that runs the session (the worker thread in the
GUI, the main thread headless); listeners that touch widgets must hop threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

METRIC_NAMES = ("train_loss", "test_loss", "train_acc", "test_acc")


@dataclass(frozen=True)
class Metrics:
    """Per-epoch figures, one row per finished epoch. Accuracy is NaN for regression."""

    epochs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    train_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    test_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    train_acc: np.ndarray = field(default_factory=lambda: np.zeros(0))
    test_acc: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __len__(self) -> int:
        return len(self.epochs)

    def then(self, later: Metrics) -> Metrics:
        """These rows followed by ``later``'s."""
        return Metrics(*(np.concatenate([getattr(self, f), getattr(later, f)])
                         for f in ("epochs", *METRIC_NAMES)))

    def last(self) -> dict[str, float]:
        return {f: float(getattr(self, f)[-1]) for f in METRIC_NAMES} if len(self) else {}


@dataclass(frozen=True)
class Snapshot:
    """The latest state for the views. ``metrics`` holds only the rows added since
    the previous snapshot; ``after`` merges a snapshot that was never drawn."""

    epoch: int
    step: int
    playing: bool
    metrics: Metrics
    boundary: np.ndarray | None = None  # (H, W) in [-1, 1], or (H, W, K) class probabilities
    extent: float = 6.0
    epochs_per_second: float = 0.0
    reset: bool = False  # history starts again from this snapshot
    neurons: dict[str, np.ndarray] | None = None  # node id -> (units, h, w) maps, when asked
    weights: dict[str, np.ndarray] | None = None  # state-dict copy, for small networks
    hidden: dict | None = None  # engine.probes.neurons.hidden_space of the asked layer
    thumbnails: dict | None = None  # node id -> engine.probes.thumbnails.Thumb, when asked
    # the main head's class for the first test samples of data off the plane (images)
    predictions: np.ndarray | None = None

    def after(self, older: Snapshot) -> Snapshot:
        if self.reset:
            return self
        # thumbnails come a few times a second: keep the last ones until newer arrive
        thumbs = self.thumbnails if self.thumbnails is not None else older.thumbnails
        preds = self.predictions if self.predictions is not None else older.predictions
        return replace(self, metrics=older.metrics.then(self.metrics), reset=older.reset,
                       thumbnails=thumbs, predictions=preds)


@dataclass(frozen=True)
class StateChanged:
    playing: bool


@dataclass(frozen=True)
class Diverged:
    epoch: int
    message: str


@dataclass(frozen=True)
class Finished:
    """The project's stop condition was reached; training paused."""

    epoch: int
    message: str


@dataclass(frozen=True)
class Failed:
    """Something went wrong on the worker. ``stopped``: training stopped; otherwise a
    command was refused (e.g. an invalid edited graph) and training goes on."""

    message: str
    stopped: bool = True


@dataclass(frozen=True)
class StateCaptured:
    """Trained weights copied out on request (for saving)."""

    epoch: int
    weights: dict[str, np.ndarray]
