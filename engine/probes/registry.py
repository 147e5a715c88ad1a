"""The table of probes: named engine functions that compute what views show.

A probe is ``fn(context, args) -> value``: ``context`` is the trainer being run
(``engine.train.trainer.Trainer``; a supervised ``Session`` has ``model``,
``dataset``, ``device``), ``args`` a dict of keyword arguments, the value numpy
arrays (or a dict or dataclass of them), or None for "nothing to show now".
Registering one is all a new view needs on the engine side: the runner computes the
subscribed probes for its snapshots (``commands.Subscribe``) and answers one-off
requests (``commands.Ask``) from this table, with no edit to the runner, the
snapshot type or the bridge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.errors import NodeplayError

CHEAP, COSTLY = "cheap", "costly"
COSTLY_RATE = 4.0  # times a second a costly probe runs at most, unless it says otherwise


def _always(_context) -> bool:
    return True


def _never(_context) -> bool:
    return False


@dataclass(frozen=True)
class Probe:
    """One registered probe. ``max_per_second``: how often snapshots may carry it
    (None: every snapshot). ``applies(context)``: whether it has anything to say for
    this trainer and project (a boundary needs 2-D points). ``args``: the argument
    names it accepts, with their defaults. ``full_rate(context)``: whether it is cheap
    enough for this trainer to ride on every snapshot, ``max_per_second`` aside (the
    neuron maps on the compiled kernel redraw at the display rate)."""

    name: str
    fn: Callable[[Any, dict], Any]
    cost: str = CHEAP
    max_per_second: float | None = None
    applies: Callable[[Any], bool] = _always
    args: dict = field(default_factory=dict)
    full_rate: Callable[[Any], bool] = _never

    def run(self, context, args: dict | None):
        """The probe's value for ``context``; NodeplayError (one sentence) when the
        arguments are wrong or the probe does not apply."""
        args = dict(args or {})
        unknown = sorted(set(args) - set(self.args))
        if unknown:
            takes = ", ".join(self.args) or "no arguments"
            raise NodeplayError(f"The probe '{self.name}' has no argument '{unknown[0]}'; it takes {takes}.")
        if not self.applies(context):
            raise NodeplayError(f"The probe '{self.name}' does not apply to this project.")
        try:
            return self.fn(context, {**self.args, **args})
        except NodeplayError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, RuntimeError) as err:
            raise NodeplayError(f"The probe '{self.name}' could not run with {args!r}: {err}.") from err


PROBES: dict[str, Probe] = {}


def register(
    name: str,
    fn: Callable[[Any, dict], Any],
    *,
    cost: str = CHEAP,
    max_per_second: float | None = None,
    applies: Callable[[Any], bool] | None = None,
    args: dict | None = None,
    full_rate: Callable[[Any], bool] | None = None,
) -> Probe:
    """Add (or replace) the probe ``name``; costly probes run at most COSTLY_RATE
    times a second unless ``max_per_second`` says otherwise."""
    if cost not in (CHEAP, COSTLY):
        raise ValueError(f"cost must be {CHEAP!r} or {COSTLY!r}, not {cost!r}")
    if max_per_second is None and cost == COSTLY:
        max_per_second = COSTLY_RATE
    probe = Probe(name, fn, cost, max_per_second, applies or _always, dict(args or {}), full_rate or _never)
    PROBES[name] = probe
    return probe


def unregister(name: str) -> None:
    PROBES.pop(name, None)


def probe(name: str) -> Probe:
    """The registered probe ``name``, or a sentence naming the known ones."""
    found = PROBES.get(name)
    if found is None:
        raise NodeplayError(
            f"There is no probe named '{name}'; the known probes are {', '.join(sorted(PROBES))}."
        )
    return found
