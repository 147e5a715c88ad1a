"""Compare mode's variants, and the part of the Trainer protocol all K-variant
trainers share.

A variant may change the learning rate, the activation (of every Activation node),
the seed, the weight initializer, the regularization rate or the optimizer.
``engine.train.compare.make_compare`` trains the K variants as one batched
computation where the kernel allows (``CompareSession``), else as K separate
supervised sessions stepped in turn (``SteppedCompare``, any graph, any optimizer).

Both report to the runner the same way (``VariantTrainer``): a metrics row per
epoch whose columns hold one value per variant ((n, K) arrays), a "variants" probe
with each variant's label, latest figures and divergence, "variant_boundaries"
with their boundary maps. A variant whose loss becomes NaN or infinite is frozen;
the runner pauses only when every variant has diverged.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable

import numpy as np

from engine.errors import NodeplayError
from engine.graph.catalogue import ACTIVATIONS, INITS
from engine.probes.builtin import boundary as boundary_probe
from engine.probes.registry import register
from engine.project import Project
from engine.train.events import METRIC_NAMES, Metrics
from engine.train.optim import OPTIMIZER_NAMES
from engine.train.session import Session

VARIANT_KEYS = ("learning_rate", "activation", "seed", "init", "reg_rate", "optimizer", "label")
_TOKENS = itertools.count(1)


def _number(value, key: str, label: str) -> float:
    if not _at_least_zero(value):
        raise NodeplayError(f"Variant '{label}': '{key}' must be a number of at least 0, not {value!r}.")
    return float(value)


def _whole(value, key: str, label: str) -> int:
    if not _at_least_zero(value) or int(value) != value:
        raise NodeplayError(
            f"Variant '{label}': '{key}' must be a whole number of at least 0, not {value!r}."
        )
    return int(value)


def _at_least_zero(value) -> bool:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    return ok and value >= 0


def _default_label(v: dict, index: int) -> str:
    parts = []
    if "activation" in v:
        parts.append(str(v["activation"]))
    if "learning_rate" in v:
        parts.append(f"lr {v['learning_rate']:g}")
    if "optimizer" in v:
        parts.append(str(v["optimizer"]))
    if "init" in v:
        parts.append(f"init {v['init']}")
    if "reg_rate" in v:
        parts.append(f"reg {v['reg_rate']:g}")
    if "seed" in v:
        parts.append(f"seed {v['seed']}")
    return ", ".join(parts) or f"variant {index + 1}"


class Variant:
    """One variant's settings, checked and completed from the project's."""

    def __init__(self, project: Project, overrides: dict, index: int):
        if not isinstance(overrides, dict):
            raise NodeplayError(
                f"Variant {index + 1} must be a set of overrides (a dict), not {overrides!r}."
            )
        unknown = sorted(set(overrides) - set(VARIANT_KEYS))
        label = str(overrides.get("label") or _default_label(overrides, index))
        if unknown:
            raise NodeplayError(
                f"Variant '{label}': unknown setting '{unknown[0]}'; a variant "
                f"may set {', '.join(VARIANT_KEYS)}."
            )
        t = project.train
        self.label = label
        self.learning_rate = _number(overrides.get("learning_rate", t.learning_rate), "learning_rate", label)
        self.seed = _whole(overrides.get("seed", t.seed), "seed", label)
        self.reg_rate = _number(overrides.get("reg_rate", t.reg_rate), "reg_rate", label)
        if "reg_rate" in overrides and self.reg_rate > 0 and t.regularization == "none":
            raise NodeplayError(
                f"Variant '{label}' sets a regularization rate but the project "
                "has no regularization; choose L1 or L2 first."
            )
        self.optimizer = overrides.get("optimizer", t.optimizer)
        if self.optimizer not in OPTIMIZER_NAMES:
            raise NodeplayError(
                f"Variant '{label}': optimizer must be one of "
                f"{', '.join(OPTIMIZER_NAMES)}, not {self.optimizer!r}."
            )
        self.activation = overrides.get("activation")
        if self.activation is not None and self.activation not in ACTIVATIONS:
            raise NodeplayError(
                f"Variant '{label}': activation must be one of "
                f"{', '.join(ACTIVATIONS)}, not {self.activation!r}."
            )
        self.init = overrides.get("init")
        if self.init is not None and self.init not in INITS:
            raise NodeplayError(
                f"Variant '{label}': init must be one of {', '.join(INITS)}, not {self.init!r}."
            )

    def project(self, base: Project) -> Project:
        """The project with this variant's settings, to train on its own."""
        p = base.copy()
        p.graph = self.graph(base.graph)
        t = p.train
        t.learning_rate, t.seed, t.reg_rate = self.learning_rate, self.seed, self.reg_rate
        t.optimizer = self.optimizer
        p.weights, p.epoch = None, 0
        return p

    def graph(self, base):
        """The project's graph with this variant's activation and initializer."""
        g = copy.deepcopy(base)
        for node in g.nodes.values():
            if node.type == "Activation" and self.activation is not None:
                node.params = {**node.params, "fn": self.activation}
            if node.type == "Dense" and self.init is not None:
                node.params = {**node.params, "init": self.init}
        return g


def diverged_message(v: Variant, loss: float, epoch: int) -> str:
    what = "NaN" if math.isnan(loss) else "infinite"
    return (
        f"{v.label}: loss became {what} at epoch {epoch}: the learning rate "
        f"{v.learning_rate:g} is too high for this network; this variant is stopped."
    )


class VariantTrainer:
    """The Trainer protocol for K variants (``engine.train.trainer``); subclasses keep
    ``k``, ``labels``, ``variants``, ``epoch``, ``step``, ``diverged`` and call
    ``_start`` on reset and ``_note`` with each epoch's rows."""

    generation = 0
    token = 0  # tells this trainer's snapshots from an older one's
    k: int
    labels: list[str]
    variants: list[Variant]
    epoch: int
    step: int
    diverged: list[str | None]

    def evaluate(self) -> list[dict]:
        """Every variant's metrics now, with its label and divergence message."""
        raise NotImplementedError

    def train_epoch(
        self, max_steps: int | None = None, *, between: Callable[[], None] | None = None
    ) -> list[dict]:
        """One epoch of every variant still training; their rows."""
        raise NotImplementedError

    def _start(self) -> None:
        self.generation += 1
        if not self.token:
            self.token = next(_TOKENS)
        self.diverged_at: list[int | None] = [None] * self.k
        self._pending: list[tuple] = []
        self.latest = self.evaluate()

    def _note(self, ms: list[dict]) -> None:
        self.latest = ms
        for k, m in enumerate(ms):
            if m["diverged"] is not None and self.diverged_at[k] is None:
                self.diverged_at[k] = self.epoch
        self._pending.append((self.epoch, *([m[f] for m in ms] for f in METRIC_NAMES)))

    def take_rows(self) -> Metrics:
        """Rows since the last call: ``epochs`` (n,), every other column (n, K)."""
        rows, self._pending = self._pending, []
        if not rows:
            return Metrics(np.zeros(0, np.int64), *(np.zeros((0, self.k)) for _ in METRIC_NAMES))
        cols = list(zip(*rows))
        return Metrics(
            np.array(cols[0], np.int64),
            *(np.array(c, np.float64).reshape(len(rows), self.k) for c in cols[1:]),
        )

    def divergence(self, ms: list[dict]) -> str | None:
        if all(d is not None for d in self.diverged):
            return "Every variant diverged; lower the learning rates and press Reset."
        return None

    def stop_reason(self, ms) -> str | None:
        return None  # compare runs until paused

    def apply(self, command) -> bool | None:
        return None

    def train(self, epochs: int) -> list[dict]:
        """Train headless for ``epochs``; the last epoch's rows."""
        m = self.evaluate()
        for _ in range(epochs):
            m = self.train_epoch()
        return m

    def summary(self) -> dict:
        """The "variants" probe: what each tile's title says."""
        return {
            "token": self.token,
            "labels": list(self.labels),
            "latest": self.latest,
            "diverged_at": list(self.diverged_at),
        }


class SteppedCompare(VariantTrainer):
    """K variants as K supervised sessions, one epoch of each in turn: any graph and
    any optimizer a single session trains. Each variant trains exactly as a Session
    of its own settings would, on the batches the project's seed shuffles (every
    variant sees the same mini-batches, as in ``CompareSession``)."""

    def __init__(self, project: Project, variants: list[dict], device: str | None = None):
        if not variants:
            raise NodeplayError("Compare mode needs at least one variant.")
        self.project = project
        self.variants = [Variant(project, v, i) for i, v in enumerate(variants)]
        self.labels = [v.label for v in self.variants]
        self.k = len(self.variants)
        self.sessions = [Session(v.project(project), device, fast=True) for v in self.variants]
        first = self.sessions[0]
        self.dataset, self.device = first.dataset, first.device
        self.reset()

    def reset(self, seed: int | None = None) -> None:
        import torch

        for s in self.sessions:
            s.reset(s.project.train.seed)
            s.generator = torch.Generator().manual_seed(self.project.train.seed)
        self.epoch, self.step = 0, 0
        self.diverged: list[str | None] = [None] * self.k
        self._rows: list[list[dict]] = [[] for _ in range(self.k)]
        self._start()

    def move_to(self, requested: str):
        from engine.train.compare_device import move_stepped

        return move_stepped(self, requested)

    def train_epoch(self, max_steps: int | None = None, *, between=None) -> list[dict]:
        for k, s in enumerate(self.sessions):
            if self.diverged[k] is None:
                s.train_epoch(between=between)
        self.epoch += 1
        self.step = max(s.step for s in self.sessions)
        ms = self.evaluate()
        for k, m in enumerate(ms):
            if self.diverged[k] is None and not math.isfinite(m["train_loss"]):
                self.diverged[k] = m["diverged"] = diverged_message(
                    self.variants[k], m["train_loss"], self.epoch
                )
            if self.diverged[k] is not None:
                ms[k] = {**m, **dict.fromkeys(METRIC_NAMES, math.nan)}
            self._rows[k].append(ms[k])
        self._note(ms)
        return ms

    def evaluate(self) -> list[dict]:
        return [
            {"label": label, **s.evaluate(), "diverged": d}
            for label, s, d in zip(self.labels, self.sessions, self.diverged, strict=True)
        ]

    @property
    def history(self) -> list[Metrics]:
        return [
            Metrics(
                np.array([self.epoch - len(rows) + i + 1 for i in range(len(rows))], np.int64),
                *(np.array([r[f] for r in rows], np.float64) for f in METRIC_NAMES),
            )
            for rows in self._rows
        ]

    def weights(self, k: int | None = None) -> dict[str, np.ndarray]:
        """Variant k's weights (all variants', keyed "k/name", without k)."""
        if k is not None:
            return self.sessions[k].weights()
        return {f"{i}/{key}": v for i, s in enumerate(self.sessions) for key, v in s.weights().items()}

    def boundaries(self, size: int = 100) -> np.ndarray | None:
        if not self.dataset.is_2d:
            return None
        return np.stack([boundary_probe(s, {"size": size}) for s in self.sessions])


register("variants", lambda ctx, _a: ctx.summary(), applies=lambda ctx: isinstance(ctx, VariantTrainer))
