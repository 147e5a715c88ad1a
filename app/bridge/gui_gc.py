"""Python's cyclic garbage collector, run only on the GUI thread.

Left automatic, a collection starts in whichever thread happens to allocate (most often
a training worker or a background open) and frees the Qt objects in the cycles it finds
there. A widget or graphics item destroyed off the GUI thread corrupts Qt's state, and
the app crashes later somewhere unrelated: in our test suite, a right-click on a plot.
pyqtgraph's GarbageCollector exists for exactly this: it turns automatic collection off
and collects, by the same generation thresholds, from a timer on the GUI thread. Its
full collections come more often than CPython's own (which skips most of them), so what
is alive at start-up is frozen out of them first.
"""

from __future__ import annotations

import gc

from pyqtgraph.util.garbage_collector import GarbageCollector

INTERVAL_S = 1.0  # between checks; a check collects only when a generation is due
_collector: GarbageCollector | None = None


def collect_on_gui_thread() -> GarbageCollector:
    """Turn automatic collection off; collect from a GUI-thread timer. Call it on the GUI
    thread once the QApplication exists; later calls only turn collection off again."""
    global _collector
    if _collector is None:
        # what is alive now (modules, classes, torch) is never garbage: frozen, it is
        # left out of every later collection, which keeps those on the GUI thread short
        gc.collect()
        gc.freeze()
        _collector = GarbageCollector(interval=INTERVAL_S)
    gc.disable()
    return _collector
