"""The out-of-memory round trip the device tests share (issue #14): Play until the
runner's OutOfMemory event pauses training, check the pause, then SetDevice("cpu")
and Play until the trainer has moved and trained on."""

from __future__ import annotations

import threading
from collections.abc import Callable

from engine.train import commands as cmd
from engine.train.events import DeviceChanged, OutOfMemory


def out_of_memory_then_cpu(
    runner, paused_check: Callable[[OutOfMemory, list], None], trained_on: Callable[[], bool]
) -> list:
    """Every event the runner sent; ``paused_check(event, events)`` runs at the pause,
    ``trained_on()`` says when training after the move went far enough."""
    events: list = []
    paused, moved, later = threading.Event(), threading.Event(), threading.Event()

    def listen(e):
        events.append(e)
        if isinstance(e, OutOfMemory):
            paused.set()
        if isinstance(e, DeviceChanged):
            moved.set()
        if moved.is_set() and trained_on():
            later.set()

    runner.subscribe(listen)
    worker = threading.Thread(target=runner.serve)
    worker.start()
    try:
        runner.submit(cmd.Play())
        assert paused.wait(30)
        paused_check(next(e for e in events if isinstance(e, OutOfMemory)), events)
        runner.submit(cmd.SetDevice("cpu"))
        runner.submit(cmd.Play())
        assert moved.wait(30) and later.wait(60)
    finally:
        runner.submit(cmd.Shutdown())
        worker.join(30)
    return events
