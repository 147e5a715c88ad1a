"""A handle on a worker QThread that serves a queue of commands and reports through
a single-slot mailbox: the pattern that both the training bridge and the compare
window use.

The worker's runner has ``submit(command)`` (thread-safe) and ``serve()`` (blocks
until a Shutdown command). It puts results into a :class:`Mailbox`, which merges an
undrawn result into the next (``result.after(older)``), so no backlog is ever queued
and nothing is lost. A QTimer on the GUI thread takes the latest result.
"""

from __future__ import annotations

import atexit
import sys
import threading
import weakref

from PySide6.QtCore import QObject, QThread, QTimer, Slot

from engine.train import commands as cmd

FRAME_MS = 16  # the GUI takes the latest result at most this often
# The numpy training paths run Python for long stretches; a waiting GUI thread would
# get the GIL only every 5 ms (CPython's default) and stutter.
GIL_SWITCH_INTERVAL = 0.001  # seconds

# Every worker thread ever started; tests check that none is left running.
LIVE_THREADS: weakref.WeakSet[QThread] = weakref.WeakSet()
# Workers told to shut down that were still inside a long mini-batch when their owner
# let go: destroying a running QThread aborts the process, so they are kept here until
# they end (the runner leaves at the next batch; issue #14, item 1).
ORPHANS: set[QThread] = set()
SHUTDOWN_WAIT_MS = 1_000  # how long closing waits for the worker before letting it finish alone


def _keep_until_finished(thread: QThread) -> None:
    ORPHANS.difference_update([t for t in list(ORPHANS) if t.isFinished()])
    ORPHANS.add(thread)


@atexit.register
def wait_for_orphans() -> None:
    """Before the interpreter tears down: let every orphaned worker end its batch."""
    for thread in list(ORPHANS):
        thread.wait()
    ORPHANS.clear()


class Mailbox:
    """A single slot shared by the worker (``put``) and the GUI thread (``take``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slot = None

    def put(self, result) -> None:
        with self._lock:
            self._slot = result if self._slot is None else result.after(self._slot)

    def take(self):
        with self._lock:
            result, self._slot = self._slot, None
        return result

    def empty(self) -> bool:
        """Whether the GUI has taken the last result (the worker may make the next)."""
        return self._slot is None


class _ServeThread(QThread):
    """Runs ``runner.serve()``; runners report their own crashes (Failed events)."""

    def __init__(self, runner, on_start, name: str) -> None:
        super().__init__()
        self.session = runner  # tests stop a leaked thread with session.submit(Shutdown())
        self._on_start = on_start
        self.setObjectName(name)

    def run(self) -> None:
        self._on_start()
        try:
            self.session.serve()
        except Exception:  # noqa: BLE001 - reported by the runner; never take the app down
            pass


class WorkerHandle(QObject):
    """Owns the worker thread, the mailbox and the GUI-side timer; subclasses add
    their signals (in ``_drain``) and their own commands (through ``_submit``)."""

    thread_name = "nodeplay-worker"

    def __init__(self, runner, mailbox: Mailbox, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner, self.mailbox = runner, mailbox
        self.playing = False  # what the GUI last asked for or was told
        self._thread: _ServeThread | None = None
        self._shut = False
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._drain)

    def _on_worker_start(self) -> None:
        """Runs on the worker thread before it serves."""

    @Slot()
    def _drain(self) -> None:
        raise NotImplementedError

    # -- life cycle ----------------------------------------------------------------
    def start(self) -> None:
        """Start the worker thread (idempotent)."""
        if self._thread is not None or self._shut:
            return
        sys.setswitchinterval(GIL_SWITCH_INTERVAL)
        self._thread = _ServeThread(self.runner, self._on_worker_start, self.thread_name)
        LIVE_THREADS.add(self._thread)
        self._thread.start()
        self._timer.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def shutdown(self, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Stop the worker and wait for it a moment; True when no thread is left running.
        A worker still inside a long mini-batch ends on its own later (``ORPHANS``)."""
        self._shut = True
        self._timer.stop()
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        self.runner.submit(cmd.Shutdown())
        done = thread.wait(timeout_ms)
        self.mailbox.take()
        if not done:
            _keep_until_finished(thread)
        return bool(done)

    # -- commands --------------------------------------------------------------------
    def _submit(self, command) -> None:
        if not self._shut:
            self.runner.submit(command)

    def play(self) -> None:
        self.playing = True
        self._submit(cmd.Play())

    def pause(self) -> None:
        self.playing = False
        self._submit(cmd.Pause())

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def step(self, epochs: int = 1) -> None:
        self.playing = False
        self._submit(cmd.Step(epochs))
