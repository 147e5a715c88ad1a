"""Plain events the session reports through: copied numpy arrays and scalars.

Every event fires on the thread that runs the session (the worker thread in the
GUI, the main thread headless); listeners that touch widgets must hop threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    # more named curves, one value per row (a VAE's "recon" and "kl": engine.train.loss_terms)
    extra: dict[str, np.ndarray] = field(default_factory=dict, kw_only=True)

    def __len__(self) -> int:
        return len(self.epochs)

    def then(self, later: Metrics) -> Metrics:
        """These rows followed by ``later``'s; an extra curve one side lacks is NaN there."""
        extra = {
            k: np.concatenate(
                [
                    self.extra.get(k, np.full(len(self), np.nan)),
                    later.extra.get(k, np.full(len(later), np.nan)),
                ]
            )
            for k in {**self.extra, **later.extra}
        }
        return Metrics(
            *(np.concatenate([getattr(self, f), getattr(later, f)]) for f in ("epochs", *METRIC_NAMES)),
            extra=extra,
        )

    def last(self) -> dict[str, float]:
        return {f: float(getattr(self, f)[-1]) for f in METRIC_NAMES} if len(self) else {}


# Probes whose last value a merged snapshot keeps until a newer one arrives: they
# come only a few times a second, or only when asked for.
_SHOWN_PROBES = ("boundary", "neurons", "hidden", "thumbnails", "predictions", "weights")


class Snapshot:
    """The latest state for the views. ``metrics`` holds only the rows added since
    the previous snapshot; ``after`` merges a snapshot that was never drawn.

    ``probes`` maps a probe name (``engine.probes.registry``) to its value, for the
    probes computed for this snapshot only; ``after`` keeps an older snapshot's value
    for a name the newer one lacks. The read-only properties ``boundary``,
    ``neurons``, ``hidden``, ``thumbnails``, ``predictions`` and ``weights`` are
    ``probes.get(name)``; the constructor still takes them by keyword (and the
    boundary as its fifth argument) for callers that build a snapshot by hand.
    """

    __slots__ = (
        "epoch",
        "step",
        "playing",
        "metrics",
        "extent",
        "epochs_per_second",
        "reset",
        "probes",
        "token",
    )

    def __init__(
        self,
        epoch: int,
        step: int,
        playing: bool,
        metrics: Metrics | None,
        boundary: np.ndarray | None = None,
        extent: float = 6.0,
        epochs_per_second: float = 0.0,
        reset: bool = False,
        *,
        probes: dict | None = None,
        token: int = 0,
        **named,
    ):
        unknown = set(named) - set(_SHOWN_PROBES)
        if unknown:
            raise TypeError(f"Snapshot() got unexpected keyword {sorted(unknown)[0]!r}")
        values = dict(probes or {})
        if boundary is not None:
            values["boundary"] = boundary
        values.update({k: v for k, v in named.items() if v is not None})
        self.epoch, self.step, self.playing, self.metrics = epoch, step, playing, metrics
        self.extent, self.epochs_per_second, self.reset = extent, epochs_per_second, reset
        self.probes = values
        self.token = token  # the SetProject this snapshot follows (engine.train.commands)

    boundary = property(
        lambda s: s.probes.get("boundary"), doc="(H, W) in [-1, 1], or (H, W, K) class probabilities"
    )
    neurons = property(lambda s: s.probes.get("neurons"), doc="node id -> (units, h, w) maps, when asked")
    weights = property(lambda s: s.probes.get("weights"), doc="state-dict copy, for small networks")
    hidden = property(
        lambda s: s.probes.get("hidden"), doc="engine.probes.neurons.hidden_space of the asked layer"
    )
    thumbnails = property(
        lambda s: s.probes.get("thumbnails"), doc="node id -> engine.probes.thumbnails.Thumb, when asked"
    )
    predictions = property(
        lambda s: s.probes.get("predictions"), doc="the main head's class for the first test samples (images)"
    )

    def after(self, older: Snapshot) -> Snapshot:
        if self.reset or older.token != self.token:  # nothing of another project carries over
            return self
        metrics = (
            self.metrics
            if older.metrics is None
            else (older.metrics if self.metrics is None else older.metrics.then(self.metrics))
        )
        return Snapshot(
            self.epoch,
            self.step,
            self.playing,
            metrics,
            None,
            self.extent,
            self.epochs_per_second,
            older.reset,
            probes={**older.probes, **self.probes},
            token=self.token,
        )

    def __repr__(self) -> str:
        return (
            f"Snapshot(epoch={self.epoch}, step={self.step}, playing={self.playing}, "
            f"rows={0 if self.metrics is None else len(self.metrics)}, "
            f"reset={self.reset}, probes={sorted(self.probes)})"
        )


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
class OutOfMemory(Failed):
    """Training ran out of memory on ``device`` ("cuda" or "cpu") during the epoch after
    ``epoch`` and paused; the weights, optimizer state and curves are as they were after
    the steps taken, and Play trains that epoch again (T-OOM: on "cuda" the window
    offers to continue on the CPU). A Failed, so listeners that know only that still
    see a pause with a sentence."""

    device: str = "cpu"
    epoch: int = 0


@dataclass(frozen=True)
class DeviceChanged:
    """The trainer moved (``commands.SetDevice``): it trains on ``device`` ("cpu",
    "cuda"), as the setting ``requested`` ("auto", "cpu", "cuda") chose."""

    device: str
    requested: str


@dataclass(frozen=True)
class StateCaptured:
    """Trained weights copied out on request (for saving)."""

    epoch: int
    weights: dict[str, np.ndarray]


@dataclass(frozen=True)
class Answer:
    """The answer to ``commands.Ask``: the probe's value, or ``error``, one sentence
    saying why there is none (an unknown probe, bad arguments, a failing probe)."""

    request_id: int
    probe: str
    value: object
    error: str | None = None
