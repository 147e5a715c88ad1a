import gc
import os

# Offscreen unless there is a display (a desktop, or Xvfb under `make test`): vispy's GL
# views need a real OpenGL context, which Qt's offscreen platform cannot make.
os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

import pytest  # noqa: E402

from app.bridge.background import wait_for_jobs  # noqa: E402
from app.bridge.engine_bridge import LIVE_THREADS  # noqa: E402
from app.bridge.gui_gc import collect_on_gui_thread  # noqa: E402
from app.bridge.worker import ORPHANS  # noqa: E402
from engine.presets import load_preset  # noqa: E402
from engine.train.commands import Shutdown  # noqa: E402


@pytest.fixture(autouse=True)
def no_thread_left_running(qapp):
    """Fail a test that leaves a session's worker thread running.

    During the test Python's garbage is collected only on the GUI thread, as in the app
    (app.bridge.gui_gc): a collection started by a worker's or a background job's
    allocations would free earlier tests' widgets on that thread, and Qt crashes later."""
    collect_on_gui_thread()
    try:
        yield
        assert wait_for_jobs(60), "a background open or import is still running"  # S-OPEN
        for t in list(ORPHANS):  # told to shut down, finishing a long batch (issue #14)
            t.wait(20_000)
        running = [t for t in list(LIVE_THREADS) if t.isRunning()]
        for t in running:  # stop them so that later tests are not disturbed
            t.session.submit(Shutdown())
            t.wait(5000)
        assert not running, f"{len(running)} session thread(s) left running"
    finally:
        gc.collect()  # this test's garbage, on this thread, before the next test's workers run
        gc.enable()  # the engine's tests (no event loop, no widgets) collect as usual


def shown_window(qtbot, preset: str):
    """The main window on a preset, shown, with its worker running; close it after."""
    from app.shell.main_window import MainWindow

    w = MainWindow(load_preset(preset))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def window(qtbot):
    """The main window on the circle preset, with its worker running."""
    w = shown_window(qtbot, "circle")
    yield w
    w.close()
    assert not w.bridge or not w.bridge.running


def hidden_snapshot(session, node: str):
    """A Snapshot carrying the session's hidden-space probe of ``node``, as the worker sends it."""
    from engine.probes.neurons import hidden_space
    from engine.train.events import Snapshot

    h = hidden_space(session.model, node, session.dataset.x_train, session.dataset.extent)
    return Snapshot(session.epoch, session.step, False, None, hidden=h)
