"""Garbage cycles are freed on the GUI thread, never by a worker's allocations
(app.bridge.gui_gc): a Qt object freed off the GUI thread crashes the app later."""

import gc
import threading

from app.bridge.gui_gc import INTERVAL_S, collect_on_gui_thread


class _Cycle:
    freed_on: list[str] = []

    def __init__(self) -> None:
        self.me = self  # only the cyclic collector can free it

    def __del__(self) -> None:
        _Cycle.freed_on.append(threading.current_thread().name)


def test_a_cycle_left_by_the_gui_is_freed_on_the_gui_thread_not_by_a_busy_worker(qtbot):
    collect_on_gui_thread()
    assert not gc.isenabled()
    _Cycle.freed_on.clear()
    _Cycle()  # garbage now, in a cycle
    kept: list = []
    worker = threading.Thread(target=lambda: kept.extend([{}] for _ in range(50_000)), name="worker")
    worker.start()  # allocates (and keeps) far past every generation's threshold
    worker.join()
    assert _Cycle.freed_on == []  # automatic collection would have run on the worker
    qtbot.waitUntil(lambda: _Cycle.freed_on != [], timeout=int(4_000 * INTERVAL_S))
    assert _Cycle.freed_on == [threading.main_thread().name]
