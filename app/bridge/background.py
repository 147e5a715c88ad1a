"""One-off jobs off the GUI thread (issue #14, item 3): reading a project file or a CSV
and building its dataset, which takes seconds for the largest legal sizes.

``run(owner, work, done)`` calls ``work()`` on a pool thread and later ``done(result,
error)`` on the GUI thread, unless ``owner`` (a QObject) was deleted or ``cancel`` was
called first. ``work`` must never touch a widget. The result crosses threads through
one relay QObject that lives as long as the process, so a job that ends after its
window closed has nothing destroyed under it; its result is dropped.

No QThread is created (nothing can be destroyed while running); ``wait_for_jobs``
(tests, and at exit) lets running jobs end.
"""

from __future__ import annotations

import atexit
import itertools
import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

# Two threads: a stale job still building a large dataset does not hold up the next one.
POOL_THREADS = 2


class _Relay(QObject):
    """Lives on the GUI thread; the pool threads emit ``delivered`` (queued across)."""

    delivered = Signal(int, object, object)  # job id, result, error

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, tuple[QObject, Callable]] = {}
        self.delivered.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(int, object, object)
    def _deliver(self, job: int, result, error) -> None:
        owner, done = self.waiting.pop(job, (None, None))
        if done is not None and shiboken6.isValid(owner):
            done(result, error)


_relay: _Relay | None = None
_pool: QThreadPool | None = None
_ids = itertools.count(1)
_running = 0
_lock = threading.Lock()
_idle = threading.Condition(_lock)


def _setup() -> tuple[_Relay, QThreadPool]:
    global _relay, _pool
    if _relay is None or _pool is None:  # first use, on the GUI thread
        _relay, _pool = _Relay(), QThreadPool()
        _pool.setMaxThreadCount(POOL_THREADS)
    return _relay, _pool


def run(
    owner: QObject, work: Callable[[], object], done: Callable[[object, BaseException | None], None]
) -> int:
    """Start ``work`` on a pool thread; its result or exception reaches ``done`` on the
    GUI thread. Returns the job's id (for ``cancel``). Call on the GUI thread."""
    global _running
    relay, pool = _setup()
    job = next(_ids)
    relay.waiting[job] = (owner, done)
    with _lock:
        _running += 1

    def task() -> None:
        global _running
        try:
            if job not in relay.waiting:  # cancelled before it started (a slider dragged on)
                return
            try:
                result, error = work(), None
            except Exception as err:  # noqa: BLE001 - handed to the GUI thread, which reports it
                result, error = None, err
            relay.delivered.emit(job, result, error)
        finally:
            with _lock:
                _running -= 1
                _idle.notify_all()

    pool.start(task)
    return job


def cancel(job: int | None) -> None:
    """Drop job ``job``'s result (it still runs to its end, on its own thread)."""
    if _relay is not None and job is not None:
        _relay.waiting.pop(job, None)


def running() -> int:
    """How many jobs are running now."""
    return _running


def pending(job: int | None) -> bool:
    """Whether job ``job``'s result has not reached its ``done`` yet (nor was cancelled)."""
    return _relay is not None and job in _relay.waiting


@atexit.register
def wait_for_jobs(timeout_s: float | None = None) -> bool:
    """Wait for every running job to end (their results are not delivered here); True
    when none is left."""
    with _lock:
        return _idle.wait_for(lambda: _running == 0, timeout_s)
