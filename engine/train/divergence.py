"""Divergence a learner recognises (issue #14, item 2).

Not only a NaN or infinite loss: a loss that explodes far above where it started,
or a classifier stuck at chance with huge weights (a learning rate of 100 does
both without ever reaching NaN), pauses training with a sentence naming the
likely cause: data that is not finite, a weight the user set by hand, weights
saved that way, or else the learning rate. ``Watch`` is a session's record of
what it started from; ``diagnose`` reads it with the epoch's metrics. The window
adds "press Reset"; the command line does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

EXPLODE_FACTOR = 10.0  # a loss this many times above its start (or chance) has exploded
HUGE_WEIGHT = 100.0  # trained weights of these networks stay well below this
CHANCE_MARGIN = 0.05  # accuracy within this of the majority class's share is chance


@dataclass
class Watch:
    """What a session started from since its last reset."""

    start_loss: float | None = None  # the training loss before the first step
    baseline: float = 0.0  # the loss of knowing nothing: chance, or predicting the mean
    majority: float | None = None  # the largest class's share of the training set
    data_finite: bool = True
    loaded_finite: bool = True  # the weights given at reset (a saved project's)
    edits: list[tuple[str, tuple, float]] = field(default_factory=list)  # SetWeight by hand

    @classmethod
    def begin(cls, session, weights: dict | None) -> Watch:
        ds, main = session.dataset, session.model.main
        w = cls()
        w.data_finite = bool(np.isfinite(ds.x_train).all() and np.isfinite(ds.y_train).all())
        w.loaded_finite = weights is None or all(np.isfinite(np.asarray(v)).all() for v in weights.values())
        if ds.classes and main.on_data and main.loss in ("bce", "cross_entropy"):
            y = np.asarray(ds.y_train)
            labels = y.argmax(1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(-1).round()
            if len(labels):
                w.majority = float(np.unique(labels, return_counts=True)[1].max() / len(labels))
            w.baseline = math.log(max(2, ds.classes))
        elif main.on_data and main.loss == "mse" and w.data_finite and len(ds.y_train):
            w.baseline = float(np.var(np.asarray(ds.y_train, np.float64), axis=0).mean())
        return w


def _largest_weight(model) -> float:
    with torch.no_grad():
        peaks = [p.detach().abs().max() for p in model.parameters() if p.numel()]
    return float(torch.stack(peaks).max()) if peaks else 0.0


def diagnose(session, m: dict[str, float], *, window: bool = True) -> str | None:
    """A sentence when the epoch's metrics ``m`` show training diverged, else None."""
    watch: Watch = session.watch
    loss = m["train_loss"]
    peak = _largest_weight(session.model)
    if math.isfinite(loss) and math.isfinite(peak):
        start = watch.start_loss if watch.start_loss is not None and math.isfinite(watch.start_loss) else None
        reference = max(start or 0.0, watch.baseline)
        exploded = start is not None and reference > 0 and loss > EXPLODE_FACTOR * reference
        acc = m.get("train_acc", math.nan)
        stuck = (
            watch.majority is not None
            and math.isfinite(acc)
            and acc <= watch.majority + CHANCE_MARGIN
            and peak > HUGE_WEIGHT
        )
        if not (exploded or stuck):
            return None
        if exploded:
            what = (
                f"the loss rose to {loss:.3g}, more than {EXPLODE_FACTOR:g} times its start ({reference:.3g})"
            )
        else:
            what = f"the accuracy is stuck at chance ({acc:.0%}) with weights as large as {peak:.3g}"
    elif math.isnan(loss) or math.isinf(loss):
        what = f"the loss became {'NaN' if math.isnan(loss) else 'infinite'}"
    else:
        what = "some weights became NaN or infinite"
    when = f"At epoch {session.epoch:,}" if session.epoch > 0 else f"After {session.step:,} training steps"
    return f"{when} training diverged: {what}. {_cause(session, watch, window)}"


def _cause(session, watch: Watch, window: bool) -> str:
    again = " and press Reset" if window else ""
    if not watch.data_finite:
        return "The data holds values that are not finite numbers; fix the data file."
    for key, index, value in reversed(watch.edits):
        if not math.isfinite(value) or abs(value) > HUGE_WEIGHT:
            where = key + ("[" + ", ".join(map(str, index)) + "]" if index else "")
            return (
                f"The weight you set by hand ({where} = {value:g}) is the likely cause; "
                f"set it to a small value{again}."
            )
    if not watch.loaded_finite:
        fresh = "press Reset for fresh weights" if window else "train with --seed N for fresh weights"
        return f"The saved weights hold NaN or infinite values; {fresh}."
    lr = session.optimizer.param_groups[0]["lr"]
    where = " and press Reset" if window else " in the project file (train.learning_rate)"
    return f"The learning rate {lr:g} is too high for this network; lower it{where}."
