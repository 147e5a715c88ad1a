"""The checks a lesson step may carry, registered by name like probes
(``engine.probes.registry``): ``fn(ctx, args, memory) -> Outcome``, where ``ctx`` is the
running trainer (a supervised ``Session``), ``args`` the step's arguments over the
declared defaults, and ``memory`` the values earlier steps remembered (``remember``).
They run on the worker between batches (the ``lesson-check`` probe, for the window's
lesson panel) or after a headless run (``engine.lessons.runner``).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.errors import NodeplayError
from engine.lessons.formula import evaluate, names_in
from engine.probes.registry import probe as find_probe

OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
SIGNS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}
METRICS = ("train_loss", "test_loss", "train_acc", "test_acc")


@dataclass(frozen=True)
class Outcome:
    met: bool
    measured: float  # the value compared (kept by ``remember``)
    text: str  # what was measured, in words: "test accuracy 96.1% ≥ 95%"


@dataclass(frozen=True)
class Check:
    name: str
    fn: Callable[[Any, dict, dict], Outcome]
    args: dict = field(default_factory=dict)  # the arguments it takes, with defaults
    required: tuple[str, ...] = ()  # arguments a step must give
    about: str = ""  # one sentence for lesson writers

    def arguments(self, args: dict, where: str) -> dict:
        """``args`` over the defaults; NodeplayError naming a wrong or missing one."""
        unknown = sorted(set(args) - set(self.args))
        if unknown:
            raise NodeplayError(
                f"{where}: the check '{self.name}' has no argument '{unknown[0]}'; "
                f"it takes {', '.join(self.args)}."
            )
        missing = [a for a in self.required if a not in args]
        if missing:
            raise NodeplayError(f"{where}: the check '{self.name}' needs the argument '{missing[0]}'.")
        full = {**self.args, **args}
        if "op" in full and full["op"] not in OPS:
            raise NodeplayError(f"{where}: 'op' must be one of {', '.join(OPS)}, not {full['op']!r}.")
        for key in ("value", "than"):
            if isinstance(full.get(key), str):
                try:  # a formula that cannot parse is refused at the door
                    names_in(full[key])
                except NodeplayError as err:
                    raise NodeplayError(f"{where}: {err}") from None
        return full

    def run(self, ctx, args: dict, memory: dict | None = None) -> Outcome:
        return self.fn(ctx, self.arguments(args, "The step"), dict(memory or {}))


CHECKS: dict[str, Check] = {}


def register_check(
    name: str,
    fn: Callable[[Any, dict, dict], Outcome],
    *,
    args: dict | None = None,
    required: tuple[str, ...] = (),
    about: str = "",
) -> Check:
    check = Check(name, fn, dict(args or {}), required, about)
    CHECKS[name] = check
    return check


def find_check(name: str) -> Check:
    found = CHECKS.get(name)
    if found is None:
        raise NodeplayError(f"There is no check named '{name}'; the checks are {', '.join(sorted(CHECKS))}.")
    return found


# -- what checks measure -------------------------------------------------------------------
def measured_names(ctx) -> dict[str, float]:
    """The numbers every check may read: the metrics of the model as it is now, the
    epoch and the optimizer steps taken."""
    evaluate_now = getattr(ctx, "evaluate", None)
    if evaluate_now is None and getattr(ctx, "nets", None) is not None:
        return {"epoch": ctx.epoch, "step": ctx.step}  # a GAN: its probes say the rest (S-L2)
    if evaluate_now is None:
        raise NodeplayError("Lesson checks measure a supervised network; this trainer is not one.")
    return {
        **{k: float(v) for k, v in evaluate_now().items() if k in METRICS},
        "epoch": ctx.epoch,
        "step": ctx.step,
    }


def _compare(value: float, op: str, than: float, what: str, fmt: Callable[[float], str]) -> Outcome:
    met = math.isfinite(value) and OPS[op](value, than)
    return Outcome(bool(met), float(value), f"{what} {fmt(value)} {SIGNS[op]} {fmt(than)}")


def _number(v: float) -> str:
    return f"{v:.4g}"


def _percent(v: float) -> str:
    return f"{v:.1%}"


def test_accuracy(ctx, args, _memory) -> Outcome:
    acc = measured_names(ctx)["test_acc"]
    return _compare(acc, args["op"], float(args["than"]), "test accuracy", _percent)


def loss(ctx, args, memory) -> Outcome:
    names = measured_names(ctx) | memory
    split = args["split"]
    if split not in ("train", "test"):
        raise NodeplayError(f"'split' must be train or test, not {split!r}.")
    return _compare(
        names[f"{split}_loss"], args["op"], evaluate(args["than"], names), f"{split} loss", _number
    )


def compare(ctx, args, memory) -> Outcome:
    names = measured_names(ctx) | memory
    value = evaluate(args["value"], names)
    return _compare(value, args["op"], evaluate(args["than"], names), str(args["value"]), _number)


def probe_value(ctx, args, memory) -> Outcome:
    """A registered probe's scalar values (a dict of them) read by formulas."""
    import engine.probes.builtin  # noqa: F401 - registers the probes (it imports this module)

    value = find_probe(args["probe"]).run(ctx, args["args"] or {})
    if not isinstance(value, dict):
        raise NodeplayError(f"The probe '{args['probe']}' gives no named values for a check to read.")
    scalars = {k: float(v) for k, v in value.items() if np.ndim(v) == 0 and not isinstance(v, str)}
    names = measured_names(ctx) | memory | scalars
    measured = evaluate(args["value"], names)
    return _compare(measured, args["op"], evaluate(args["than"], names), str(args["value"]), _number)


register_check(
    "test_accuracy",
    test_accuracy,
    args={"op": ">=", "than": 0.9},
    about="The accuracy on the test set against a number from 0 to 1.",
)
register_check(
    "loss",
    loss,
    args={"split": "test", "op": "<=", "than": 0.1},
    about="The train or test loss against a number or a formula of remembered values.",
)
register_check(
    "compare",
    compare,
    args={"value": None, "op": "<=", "than": None},
    required=("value", "than"),
    about="A formula of train_loss, test_loss, train_acc, test_acc, epoch, step and "
    "remembered values against another.",
)
register_check(
    "probe",
    probe_value,
    args={"probe": None, "args": {}, "value": None, "op": "<=", "than": None},
    required=("probe", "value", "than"),
    about="A formula of a probe's named values (and the metrics) against another.",
)


# -- the window measures a step's check as a probe, on the worker --------------------------
def lesson_check_probe(ctx, args) -> dict | None:
    """The current step's check for the lesson panel: ``check`` and ``args`` as in the
    lesson file, ``memory`` the values remembered so far, ``token`` echoed back so the
    panel knows which step the answer is for."""
    if args["check"] is None:
        return None
    outcome = find_check(args["check"]).run(ctx, args["args"] or {}, args["memory"] or {})
    return {
        "met": np.bool_(outcome.met),
        "measured": np.float64(outcome.measured),
        "epoch": np.int64(ctx.epoch),
        "text": outcome.text,
        "token": str(args["token"]),
    }
