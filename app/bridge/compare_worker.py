"""Runs compare mode's K-variant trainer on a worker QThread for the compare window.

The same runner and the same pattern as ``app.bridge.engine_bridge``: commands go to the worker
through the runner's thread-safe queue; snapshots come back through a
:class:`app.bridge.worker.Mailbox` (an undrawn snapshot merges into the next, so no backlog
and no rows lost), drained by a ~16 ms QTimer on the GUI thread; discrete events
cross through a queued signal. The worker never touches a widget and the GUI
thread never touches the trainer while the worker is alive (except to hand it a
new one through the queue).

Compare snapshots carry one metrics column per variant ((n, K) arrays) and the
probes "variants" (labels, latest figures, divergence epochs, the trainer's token)
and, for 2-D points, "variant_boundaries" ((K, s, s) or (K, s, s, C)).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.bridge.worker import Mailbox, WorkerHandle
from engine.train import commands as cmd
from engine.train.events import DeviceChanged, Diverged, Failed, OutOfMemory, Snapshot, StateChanged
from engine.train.runner import Runner

BOUNDARY_SIZE = 64  # resolution of each small boundary map
SUBSCRIPTIONS = {"variants": {}, "variant_boundaries": {"size": BOUNDARY_SIZE}}


class CompareWorker(WorkerHandle):
    """Owns the worker thread, the runner and the mailbox; emits on the GUI thread."""

    snapshot = Signal(object)  # Snapshot, at most every FRAME_MS
    stateChanged = Signal(bool)  # noqa: N815 - Qt's naming
    failed = Signal(str)
    outOfMemory = Signal(str)  # noqa: N815 - the GPU ran out: the window offers the CPU
    deviceChanged = Signal(str)  # noqa: N815 - the device the variants train on now
    _event = Signal(object)
    thread_name = "nodeplay-compare"

    def __init__(self, trainer, parent: QObject | None = None) -> None:
        runner = Runner(trainer, subscriptions=SUBSCRIPTIONS)
        super().__init__(runner, Mailbox(), parent)
        runner.ready = self.mailbox.empty  # no snapshot (nor probes) the GUI would not take
        self.session = trainer  # the newest trainer handed to the worker
        self._event.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        runner.subscribe(self._listen)

    def _on_worker_start(self) -> None:
        from engine.train.device import apply_thread_policy

        apply_thread_policy(self.runner.trainer, gui=True)  # small models: one thread

    def _listen(self, event) -> None:  # on the worker
        if isinstance(event, Snapshot):
            self.mailbox.put(event)
        elif isinstance(event, StateChanged | Diverged | Failed | DeviceChanged):
            self._event.emit(event)

    @Slot()
    def _drain(self) -> None:
        snap = self.mailbox.take()
        if snap is not None:
            self.snapshot.emit(snap)

    drain = _drain  # the window draws a pending snapshot before reporting an event

    @Slot(object)
    def _dispatch(self, event) -> None:
        self._drain()
        if isinstance(event, StateChanged):
            self.playing = event.playing
            self.stateChanged.emit(event.playing)
        elif isinstance(event, Diverged):
            self.failed.emit(event.message)
        elif isinstance(event, DeviceChanged):
            self.deviceChanged.emit(event.device)
        elif isinstance(event, OutOfMemory):
            self.playing = False
            self.outOfMemory.emit(event.message)
        elif isinstance(event, Failed):
            if event.stopped:
                self.playing = False
            self.failed.emit(event.message)

    def reset(self) -> None:
        self.playing = False
        self._submit(cmd.Pause())
        self._submit(cmd.Reset())

    def set_device(self, requested: str) -> None:
        """Train on ``requested`` from now on (the runner answers DeviceChanged or Failed)."""
        self._submit(cmd.SetDevice(requested))

    def set_session(self, trainer) -> None:
        self.playing = False
        self.session = trainer
        self._submit(cmd.SetTrainer(trainer))


def finite_or_nan(values: np.ndarray) -> np.ndarray:
    out = np.asarray(values, np.float64).copy()
    out[~np.isfinite(out)] = math.nan
    return out
