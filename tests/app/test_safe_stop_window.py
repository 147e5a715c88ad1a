"""Stopping is always safe in the window (issue #14, item 1): Pause, opening another
project, Reset and closing during a long epoch are taken after the running
mini-batch, and a worker stuck in a long batch is never destroyed while it runs."""

import gc
import threading

import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from app.bridge.worker import ORPHANS, Mailbox, WorkerHandle
from engine.presets import load_preset
from engine.train import commands as cmd


def epoch_of(window):
    return int(window.epoch_label.text().split()[-1].replace(",", ""))


def long_epoch_window(qtbot):
    """Circle with 20,000 points at batch size 1 on the autograd path (Adam): an
    epoch of 10,000 steps, seconds long."""
    from app.shell.main_window import MainWindow

    p = load_preset("circle")
    p.data.samples, p.train.batch_size, p.train.optimizer = 20_000, 1, "adam"
    w = MainWindow(p)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def first_weight(window) -> torch.Tensor:
    return next(window.session.model.parameters()).detach().clone()


def wait_mid_epoch(window, qtbot, before: torch.Tensor) -> None:
    """Until the worker has taken some steps of the epoch (the weights moved)."""
    qtbot.waitUntil(lambda: not torch.equal(first_weight(window), before), timeout=10_000)
    assert window.session.epoch == 0


def preset_action(window, name: str) -> QAction:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    presets = next(a.menu() for a in menu.actions() if a.text() == "&New from preset")
    return next(a for a in presets.actions() if a.text() == name)


def test_pause_during_a_long_epoch_stops_at_the_next_batch(qtbot):
    w = long_epoch_window(qtbot)
    before = first_weight(w)
    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
    wait_mid_epoch(w, qtbot, before)
    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)  # Pause
    qtbot.waitUntil(lambda: not w.session.runner.playing and w.session.step > 0, timeout=5000)
    assert w.session.epoch == 0 and epoch_of(w) == 0  # the epoch was left, not finished
    assert 0 < w.session.step < 10_000
    w.close()
    assert not w.bridge or not w.bridge.running


def test_open_another_preset_reset_and_close_during_a_long_epoch(qtbot):
    w = long_epoch_window(qtbot)
    before = first_weight(w)
    w.step_action.trigger()
    wait_mid_epoch(w, qtbot, before)
    preset_action(w, "xor").trigger()  # File › New from preset › xor
    qtbot.waitUntil(lambda: w.session.project.data.name == "xor", timeout=5000)
    assert w.windowTitle().startswith("Nodeplay — xor")
    w.step_action.trigger()  # the new project trains
    qtbot.waitUntil(lambda: epoch_of(w) == 1, timeout=10_000)
    w.reset_action.trigger()
    qtbot.waitUntil(lambda: epoch_of(w) == 0 and w.session.epoch == 0, timeout=5000)
    # back to a long epoch, then close the window in the middle of it
    w.open_project(long_epoch_window_project())
    qtbot.waitUntil(lambda: w.session.project.data.samples == 20_000, timeout=5000)
    before = first_weight(w)
    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
    wait_mid_epoch(w, qtbot, before)
    bridge = w.bridge
    w.close()
    assert not bridge.running  # stopped at the next batch, within the wait


def long_epoch_window_project():
    p = load_preset("circle")
    p.data.samples, p.train.batch_size, p.train.optimizer = 20_000, 1, "adam"
    return p


class BlockingRunner:
    """A runner inside one very long mini-batch: ``serve`` ends only once released."""

    def __init__(self):
        self.release, self.served = threading.Event(), threading.Event()

    def submit(self, command):
        assert isinstance(command, cmd.Shutdown)

    def serve(self):
        self.served.set()
        self.release.wait(30)


class Handle(WorkerHandle):
    def _drain(self):
        pass


def test_a_worker_inside_a_long_batch_is_kept_until_it_ends(qtbot):
    runner = BlockingRunner()
    handle = Handle(runner, Mailbox())
    handle.start()
    assert runner.served.wait(10)
    assert not handle.shutdown(timeout_ms=50)  # still in its batch: let go, not destroyed
    (thread,) = [t for t in ORPHANS if t.isRunning()]
    del handle
    gc.collect()  # dropping every other reference must not destroy the running QThread
    assert thread.isRunning()
    runner.release.set()
    assert thread.wait(10_000)
