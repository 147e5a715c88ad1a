"""Runs an engine Session on a worker QThread and turns its events into Qt signals.

The session's listener runs on the worker and never touches a widget:

* Snapshots go into a :class:`SnapshotMailbox`, a lock-protected single slot that
  merges an undrawn snapshot into the next one (``Snapshot.after``), so no backlog is
  ever queued and no loss rows are lost. A QTimer on the GUI thread (~60 Hz) takes
  the latest one and emits :attr:`EngineBridge.snapshot`.
* Discrete events (StateChanged, Diverged, Finished, Failed, StateCaptured, Answer)
  cross to the GUI thread through a queued signal and come out as their own signals.

Views subscribe to probes by name (``subscribe``) and ask one-off questions
(``ask`` -> ``answered``); see ``engine.probes.registry``.
"""

from __future__ import annotations

import itertools
import time

from PySide6.QtCore import QObject, Qt, Signal, Slot

from app.bridge.worker import FRAME_MS, LIVE_THREADS, Mailbox, WorkerHandle
from engine.train import commands as cmd
from engine.train.device import apply_thread_policy
from engine.train.events import (
    Answer,
    DeviceChanged,
    Diverged,
    Failed,
    Finished,
    OutOfMemory,
    Snapshot,
    StateCaptured,
    StateChanged,
)
from engine.train.session import Session

# Drawing a snapshot (and painting what changed) holds the GIL that the worker's
# training needs: the next one is drawn no sooner than DRAW_SHARE times the GUI
# thread's CPU time since the previous one, so the GUI takes at most about
# 1/(1 + DRAW_SHARE) of a core (and the worker, which publishes only once a snapshot
# was taken, computes probes no faster than they are drawn). S-GUI: 1, not 4: a frame
# of the playground costs ~3-6 ms of GUI CPU, so views follow the display (60 Hz,
# FRAME_MS) and the GUI still leaves most of a core to the worker, whose compiled
# kernel trains without the GIL. Views still move at least MIN_FPS times a second,
# however much a frame costs: a training run that stutters reads as a frozen app.
DRAW_SHARE = 1
MIN_FPS = 20
SnapshotMailbox = Mailbox  # snapshots merge with Snapshot.after

__all__ = ["FRAME_MS", "LIVE_THREADS", "EngineBridge", "SnapshotMailbox"]


def _limit_cpu_threads(session: Session) -> None:
    """On the worker: keep a core free for the GUI, and train tiny CPU models on one
    thread (intra-op threads spin against the GUI thread and run 10x slower).

    Called on the worker thread itself, where OpenMP's thread count is per thread.
    """
    apply_thread_policy(session, gui=True)  # engine.train.device's policy (issue #13)


class EngineBridge(WorkerHandle):
    snapshot = Signal(object)  # Snapshot, on the GUI thread, at most ~60/s
    stateChanged = Signal(bool)  # playing
    diverged = Signal(int, str)  # epoch, message
    finished = Signal(int, str)  # epoch, message (stop condition reached)
    failed = Signal(str)
    captured = Signal(object)  # StateCaptured
    answered = Signal(int, str, object, object)  # request id, probe, value, error (str or None)
    # T-OOM (issue #14): a GPU out of memory (sentence; not also ``failed``), and a move
    outOfMemory = Signal(str)
    deviceChanged = Signal(str, str)  # the device it trains on, the setting that chose it

    _event = Signal(object)  # worker -> GUI thread, queued
    thread_name = "nodeplay-session"

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(session, SnapshotMailbox(), parent)
        self.session = session
        session.thread_policy = "gui"  # projects swapped in later set their threads too
        self.epoch = session.epoch
        self._requests = itertools.count(1)
        self._token = 0  # the last set_project's: older snapshots are not drawn
        self._next_draw = 0.0
        self._gui_cpu = time.thread_time()  # the GUI thread's CPU time at the last draw
        runner = getattr(session, "runner", None)
        if runner is not None:
            runner.ready = self._ready
        self._event.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        session.subscribe(self._listen)

    def _on_worker_start(self) -> None:
        _limit_cpu_threads(self.session)

    # -- worker side: never touches a widget ------------------------------------
    def _ready(self) -> bool:
        """Whether the worker may make the next snapshot: the GUI took the last one and
        draws again within a frame (S-GUI: while the GUI waits out an expensive frame,
        the worker trains on rather than make a snapshot that would age in the mailbox)."""
        return self.mailbox.empty() and time.perf_counter() >= self._next_draw - FRAME_MS / 1000

    def _listen(self, event) -> None:
        if self._shut:  # a worker finishing its last batch after the window let go
            return
        if isinstance(event, Snapshot):
            self.mailbox.put(event)
        else:
            self._event.emit(event)

    # -- GUI side ----------------------------------------------------------------
    @Slot()
    def _drain(self) -> None:
        if time.perf_counter() >= self._next_draw:
            self._draw()

    def _draw(self) -> None:
        snap = self.mailbox.take()
        if snap is not None and snap.token != self._token:
            return  # the previous project's, sent before the worker took the new one
        if snap is not None:
            self.epoch = snap.epoch
            self.snapshot.emit(snap)  # the views draw it now (direct connections)
            cpu = time.thread_time()  # includes painting the previous frame's changes
            wait = min(DRAW_SHARE * (cpu - self._gui_cpu), 1 / MIN_FPS)
            self._next_draw = time.perf_counter() + wait
            self._gui_cpu = cpu

    @Slot(object)
    def _dispatch(self, event) -> None:
        self._draw()  # draw the state an event refers to before reporting it
        if isinstance(event, StateChanged):
            self.playing = event.playing
            self.stateChanged.emit(event.playing)
        elif isinstance(event, Diverged):
            self.playing = False
            self.diverged.emit(event.epoch, event.message)
        elif isinstance(event, Finished):
            self.playing = False
            self.finished.emit(event.epoch, event.message)
        elif isinstance(event, OutOfMemory) and event.device == "cuda":  # T-OOM: a Failed too
            self.playing = False
            self.outOfMemory.emit(event.message)
        elif isinstance(event, DeviceChanged):
            self.deviceChanged.emit(event.device, event.requested)
        elif isinstance(event, Failed):
            if event.stopped:
                self.playing = False
            self.failed.emit(event.message)
        elif isinstance(event, StateCaptured):
            self.captured.emit(event)
        elif isinstance(event, Answer):
            self.answered.emit(event.request_id, event.probe, event.value, event.error)

    # -- commands of a training session ----------------------------------------------
    def reset(self, seed: int | None = None) -> None:
        self.playing = False
        self._submit(cmd.Pause())
        self._submit(cmd.Reset(seed))

    def set_learning_rate(self, value: float) -> None:
        self._submit(cmd.SetLearningRate(float(value)))

    def set_speed(self, epochs_per_second: float | None) -> None:
        self._submit(cmd.SetSpeed(epochs_per_second))

    def set_stop(self, epochs: int | None, loss: float | None = None) -> None:
        self._submit(cmd.SetStop(epochs, loss))

    def set_weight(self, key: str, index: tuple, value: float) -> None:
        self._submit(cmd.SetWeight(key, tuple(index), float(value)))

    def set_device(self, device: str) -> None:
        """T-OOM: train on ``device`` ("auto", "cpu", "cuda") from now on, nothing lost;
        ``deviceChanged`` follows, or ``failed`` with why not."""
        self._submit(cmd.SetDevice(device))

    def capture(self) -> None:
        """Ask for the weights; answered by ``captured`` after earlier commands apply."""
        self._submit(cmd.Capture())

    def subscribe(self, subscriptions: dict[str, dict]) -> None:
        """The probes snapshots carry from now on (name -> arguments; the full set,
        replacing the previous); a snapshot with them follows at once."""
        self._submit(cmd.Subscribe({k: dict(v or {}) for k, v in subscriptions.items()}))

    def ask(self, probe: str, args: dict | None = None) -> int:
        """Ask for one value of ``probe``; ``answered`` brings it back on the GUI thread
        with the returned request id (between training steps, while training runs)."""
        request_id = next(self._requests)
        self._submit(cmd.Ask(request_id, probe, dict(args or {})))
        return request_id

    def set_project(self, project) -> None:
        """Train ``project`` from now on in the same worker (a copy: the caller keeps
        editing its own); a project that cannot train comes back as ``failed``."""
        self.playing = False
        self._token += 1
        self._submit(cmd.SetProject(project.copy(), self._token))

    def set_graph(self, graph, structural: bool = True) -> None:
        """Train an edited graph from now on (a copy: the window keeps editing its own);
        a refusal comes back as ``failed`` and the old graph trains on."""
        self._submit(cmd.SetGraph(graph.copy(), bool(structural)))
