"""Runs a CompareSession on a worker QThread for the compare window.

The same pattern as ``app.bridge``: commands go to the worker through a thread-safe
queue; results come back through a :class:`app.worker.Mailbox`, a lock-protected single slot
that merges an undrawn frame into the next one (no backlog, no rows lost), drained
by a ~16 ms QTimer on the GUI thread. The worker never touches a widget and the GUI
thread never touches the session while the worker is alive (except to hand it a new
session through the queue).
"""

from __future__ import annotations

import math
import queue
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from app.worker import Mailbox, WorkerHandle
from engine.train import commands as cmd
from engine.train.compare import CompareSession
from engine.train.events import METRIC_NAMES, Metrics

BOUNDARY_SIZE = 64     # resolution of each small boundary map
BOUNDARY_EVERY_S = 0.03  # while playing, boundaries are computed at most this often
RATE_WINDOW_S = 0.5


@dataclass(frozen=True)
class SetSession:
    """Replace the session being trained (the worker pauses)."""

    session: CompareSession


@dataclass
class Frame:
    """What the worker reports: the state after the latest epoch, and the metric rows
    (one :class:`Metrics` per variant) added since the previous frame."""

    session_id: int
    epoch: int
    playing: bool
    rows: list[Metrics]
    latest: list[dict] = field(default_factory=list)   # CompareSession.evaluate() rows
    boundaries: np.ndarray | None = None               # (K, s, s) or (K, s, s, C)
    diverged_at: list[int | None] = field(default_factory=list)
    rate: float = 0.0                                  # epochs per second
    reset: bool = False                                # the rows start afresh
    error: str | None = None

    def after(self, older: Frame) -> Frame:
        """This frame, with the rows of an undrawn ``older`` one put first."""
        if self.reset or older.session_id != self.session_id:
            return self
        rows = [a.then(b) for a, b in zip(older.rows, self.rows, strict=True)]
        return Frame(self.session_id, self.epoch, self.playing, rows, self.latest or older.latest,
                     self.boundaries if self.boundaries is not None else older.boundaries,
                     self.diverged_at, self.rate, older.reset, self.error or older.error)


FrameMailbox = Mailbox  # frames merge with Frame.after


class CompareRunner:
    """The worker-side loop around a CompareSession: ``submit`` from any thread,
    ``serve`` on the worker until Shutdown."""

    def __init__(self, session: CompareSession, mailbox: FrameMailbox) -> None:
        self._commands: queue.Queue = queue.Queue()
        self.mailbox = mailbox
        self.session = session
        self.session_id = 0
        self.playing = False
        self._pending: list[list[tuple]] = [[] for _ in range(session.k)]
        self._diverged_at: list[int | None] = [None] * session.k
        self._reset = True
        self._rate = 0.0
        self._last_boundary = 0.0

    def submit(self, command) -> None:
        self._commands.put(command)

    # -- worker side ---------------------------------------------------------------
    def serve(self) -> None:
        if self.session.device.type == "cpu":
            import torch
            torch.set_num_threads(1)  # tiny models; intra-op threads fight the GUI
        self._publish(boundaries=True)
        window_start, window_epochs = time.perf_counter(), 0
        while True:
            try:
                c = self._commands.get(block=not self.playing)
                while c is not None:
                    if not self._apply(c):
                        return
                    c = self._commands.get_nowait()
            except queue.Empty:
                pass
            if not self.playing:
                window_start, window_epochs = time.perf_counter(), 0
                continue
            try:
                self._epoch()
            except Exception as err:  # noqa: BLE001 - report, never die silently
                self.playing = False
                self._publish(boundaries=False, error=f"Training stopped: "
                                                      f"{type(err).__name__}: {err}")
                continue
            window_epochs += 1
            now = time.perf_counter()
            if now - window_start >= RATE_WINDOW_S:
                self._rate = window_epochs / (now - window_start)
                window_start, window_epochs = now, 0
            due = now - self._last_boundary >= BOUNDARY_EVERY_S
            self._publish(boundaries=due)
            if all(d is not None for d in self.session.diverged):
                self.playing = False  # nothing left to train
                self._publish(boundaries=True)
            time.sleep(0)  # let the GUI thread have the interpreter

    def _apply(self, c) -> bool:
        if isinstance(c, cmd.Shutdown):
            return False
        if isinstance(c, cmd.Play):
            self.playing = True
            self._publish(boundaries=False)
        elif isinstance(c, cmd.Pause):
            self.playing = False
            self._publish(boundaries=True)
        elif isinstance(c, cmd.Step):
            self.playing = False
            for _ in range(max(1, c.epochs)):
                self._epoch()
            self._publish(boundaries=True)
        elif isinstance(c, cmd.Reset):
            self.playing = False
            self.session.reset()
            self._start_rows()
            self._publish(boundaries=True)
        elif isinstance(c, SetSession):
            self.playing = False
            self.session = c.session
            self.session_id += 1
            self._start_rows()
            self._publish(boundaries=True)
        return True

    def _start_rows(self) -> None:
        k = self.session.k
        self._pending = [[] for _ in range(k)]
        self._diverged_at = [None] * k
        self._reset = True
        self._rate = 0.0

    def _epoch(self) -> None:
        cs = self.session
        ms = cs.train_epoch()
        for k, m in enumerate(ms):
            self._pending[k].append((cs.epoch, *(m[f] for f in METRIC_NAMES)))
            if m["diverged"] is not None and self._diverged_at[k] is None:
                self._diverged_at[k] = cs.epoch

    def _publish(self, boundaries: bool, error: str | None = None) -> None:
        cs = self.session
        rows = []
        for pending in self._pending:
            if pending:
                cols = list(zip(*pending))
                rows.append(Metrics(np.array(cols[0], np.int64),
                                    *(np.array(c, np.float64) for c in cols[1:])))
            else:
                rows.append(Metrics())
        self._pending = [[] for _ in range(cs.k)]
        b = None
        if boundaries:
            b = cs.boundaries(BOUNDARY_SIZE)
            self._last_boundary = time.perf_counter()
        latest = ms_latest(cs, rows)
        self.mailbox.put(Frame(self.session_id, cs.epoch, self.playing, rows, latest, b,
                               list(self._diverged_at), self._rate if self.playing else 0.0,
                               self._reset, error))
        self._reset = False


def ms_latest(cs: CompareSession, rows: list[Metrics]) -> list[dict]:
    """Each variant's latest metrics: its newest row, or an evaluation at the start."""
    if all(len(r) for r in rows):
        return [{"label": label, **r.last(), "diverged": d}
                for label, r, d in zip(cs.labels, rows, cs.diverged, strict=True)]
    if cs.epoch == 0:
        return cs.evaluate()
    return []  # unchanged since the previous frame


class CompareWorker(WorkerHandle):
    """Owns the worker thread and the mailbox; emits ``frame`` on the GUI thread."""

    frame = Signal(object)  # Frame, at most every FRAME_MS
    thread_name = "nodeplay-compare"

    def __init__(self, session: CompareSession, parent: QObject | None = None) -> None:
        mailbox = FrameMailbox()
        super().__init__(CompareRunner(session, mailbox), mailbox, parent)
        self.session = session  # the newest session handed to the worker

    @Slot()
    def _drain(self) -> None:
        frame = self.mailbox.take()
        if frame is not None:
            self.frame.emit(frame)

    drain = _drain  # the window draws a pending frame before reporting an event

    def reset(self) -> None:
        self.playing = False
        self._submit(cmd.Reset())

    def set_session(self, session: CompareSession) -> None:
        self.playing = False
        self.session = session
        self._submit(SetSession(session))


def finite_or_nan(values: np.ndarray) -> np.ndarray:
    out = np.asarray(values, np.float64).copy()
    out[~np.isfinite(out)] = math.nan
    return out


