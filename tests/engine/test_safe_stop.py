"""Stopping is always safe (issue #14, item 1): a stop, a new project, a reset or a
shutdown queued during a long epoch is taken after the running mini-batch."""

import math

import pytest

from engine.presets import load_preset
from engine.train import commands as cmd
from engine.train.events import Snapshot
from engine.train.session import FAST_CHUNK, Session


def long_epoch_session(fast: bool) -> Session:
    p = load_preset("circle")
    p.data.samples = 6000  # 3,000 training points at batch size 1: 3,000 steps an epoch
    p.train.batch_size = 1
    return Session(p, snapshot_interval=0.0, fast=fast)


def send_during_epoch(s: Session, after: int, *commands, then: tuple = (0, ())) -> list[int]:
    """Queue ``commands`` from the worker's between-batch hook once it has run
    ``after`` times (as a GUI thread would mid-epoch), and ``then[1]`` after ``then[0]``
    calls; returns the hook's calls."""
    runner, calls = s.runner, []
    hook = runner._between

    def between():
        calls.append(1)
        for n, cs in ((after, commands), then):
            if len(calls) == n:
                for c in cs:
                    runner.submit(c)
        hook()

    runner._between = between
    return calls


@pytest.mark.parametrize("fast", [False, True])
def test_shutdown_mid_epoch_leaves_after_the_running_batch(fast):
    s = long_epoch_session(fast)
    steps_per_epoch = len(s.x_train)
    calls = send_during_epoch(s, 3, cmd.Shutdown())
    s.submit(cmd.Step())
    s.serve()  # returns once Shutdown is taken
    assert len(calls) == 3
    assert s.epoch == 0  # the epoch was not finished, so not counted
    per_call = FAST_CHUNK if fast else 1
    assert s.step == 3 * per_call < steps_per_epoch


def test_a_new_project_or_a_reset_is_taken_mid_epoch_and_the_model_trains_on():
    s = long_epoch_session(False)
    xor = load_preset("xor")
    xor_steps = 25  # 250 training points at batch size 10
    calls = send_during_epoch(s, 5, cmd.SetProject(xor, 7), cmd.Reset(3), cmd.Step())
    s.subscribe(lambda e: s.submit(cmd.Shutdown()) if isinstance(e, Snapshot) and e.epoch == 1 else None)
    s.submit(cmd.Play())
    s.serve()
    # abandoned after 5 batches of circle, then the Step trained xor's whole epoch
    assert s.project.data.name == "xor" and s.seed == 3
    assert len(s.x_train) == 10 * xor_steps and len(calls) == 5 + xor_steps - 1  # none after the last batch
    assert s.epoch == 1 and math.isfinite(s.evaluate()["train_loss"])


def test_pause_mid_epoch_then_step_finishes_a_whole_epoch():
    s = long_epoch_session(False)
    calls = send_during_epoch(s, 2, cmd.Pause(), cmd.Shutdown())
    s.submit(cmd.Play())
    s.serve()
    assert s.epoch == 0 and s.step == 2 and len(calls) == 2
    s.runner._between = lambda: None
    m = s.train_epoch(between=s.runner._between)  # the optimizer state is consistent
    assert s.epoch == 1 and math.isfinite(m["train_loss"])
