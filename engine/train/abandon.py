"""Abandoning an epoch between mini-batches (issue #14, item 1: stopping is always safe).

A long epoch (a big convolution, a million rows at batch size 1) must not keep a
Shutdown, a new project, a Reset or a Pause waiting until it ends: the runner counts
such commands as they are queued, and its ``between`` hook raises
:class:`EpochAbandoned` after the mini-batch that is running. A mini-batch is never
cut in half, so the model and its optimizer stay consistent; the epoch counter does
not advance (the steps taken are counted).
"""

from __future__ import annotations

from engine.train import commands as cmd

# Commands that end an epoch early: the user asked to stop, leave or start again.
INTERRUPTING = (cmd.Shutdown, cmd.SetProject, cmd.SetTrainer, cmd.Reset, cmd.Pause)


class EpochAbandoned(Exception):  # noqa: N818 - a signal, not an error
    """Raised by the runner's ``between`` hook to leave an epoch between mini-batches;
    ``steps``: those taken before it (set by a trainer that counts them elsewhere)."""

    steps = 0


def interrupts(command: object) -> bool:
    return isinstance(command, INTERRUPTING)
