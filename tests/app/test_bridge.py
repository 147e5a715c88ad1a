"""The bridge alone: the mailbox, and a session on a worker thread."""

import numpy as np
from PySide6.QtCore import QThread

from app.bridge.engine_bridge import EngineBridge, SnapshotMailbox
from engine.presets import load_preset
from engine.train import commands as cmd
from engine.train.events import Metrics, Snapshot
from engine.train.session import Session


def _snap(epochs, reset=False):
    e = np.array(epochs, np.int64)
    f = e.astype(float)
    return Snapshot(int(e[-1]) if len(e) else 0, 0, True, Metrics(e, f, f, f, f), reset=reset)


def test_mailbox_merges_without_losing_rows():
    box = SnapshotMailbox()
    assert box.take() is None
    box.put(_snap([1, 2], reset=True))
    box.put(_snap([3]))
    box.put(_snap([4, 5, 6]))
    got = box.take()
    assert got.epoch == 6 and got.reset  # the reset of an undrawn older one is kept
    assert got.metrics.epochs.tolist() == [1, 2, 3, 4, 5, 6]
    assert box.take() is None
    box.put(_snap([7]))
    assert box.take().metrics.epochs.tolist() == [7]


def test_mailbox_reset_drops_older_rows():
    box = SnapshotMailbox()
    box.put(_snap([1, 2]))
    box.put(_snap([1], reset=True))
    got = box.take()
    assert got.reset and got.metrics.epochs.tolist() == [1]


def test_mailbox_under_threads_keeps_every_row():
    import threading

    box, seen, n = SnapshotMailbox(), [], 20_000

    def produce():
        for i in range(1, n + 1):
            box.put(_snap([i]))

    t = threading.Thread(target=produce)
    t.start()
    while t.is_alive() or (s := box.take()) is not None:
        s = box.take() if t.is_alive() else s
        if s is not None:
            seen.extend(s.metrics.epochs.tolist())
    t.join()
    if (s := box.take()) is not None:
        seen.extend(s.metrics.epochs.tolist())
    assert seen == list(range(1, n + 1))


def test_bridge_delivers_every_row_on_the_gui_thread(qtbot):
    project = load_preset("circle")
    project.train.stop_epochs = None  # trains until paused: the stop could pause it first
    session = Session(project)
    bridge = EngineBridge(session)
    rows, threads = [], set()
    main = QThread.currentThread()

    def on_snapshot(s):
        threads.add(QThread.currentThread() is main)
        rows.extend(s.metrics.epochs.tolist())

    bridge.snapshot.connect(on_snapshot)
    bridge.start()
    try:
        with qtbot.waitSignal(bridge.stateChanged, timeout=5000):
            bridge.play()
        qtbot.waitUntil(lambda: len(rows) >= 40, timeout=10_000)
        with qtbot.waitSignal(bridge.stateChanged, timeout=5000):
            bridge.pause()
        qtbot.waitUntil(lambda: rows and rows[-1] == bridge.epoch, timeout=5000)
    finally:
        assert bridge.shutdown()
    assert rows == list(range(1, rows[-1] + 1))
    assert threads == {True}


def test_bridge_answers_an_ask_on_the_gui_thread_while_playing(qtbot):
    from engine.train import commands as cmd

    session = Session(load_preset("circle"))
    bridge = EngineBridge(session)
    main, answers = QThread.currentThread(), []
    bridge.answered.connect(lambda *a: answers.append((QThread.currentThread() is main, *a)))
    bridge.start()
    try:
        with qtbot.waitSignal(bridge.stateChanged, timeout=5000):
            bridge.play()
        first = bridge.ask("boundary", {"size": 16})
        second = bridge.ask("no-such-probe")
        qtbot.waitUntil(lambda: len(answers) == 2, timeout=10_000)
        assert session.playing and first != second
        (on_gui, rid, probe, value, error), (on_gui2, rid2, _, none, why) = answers
        assert on_gui and on_gui2 and (rid, rid2) == (first, second)
        assert probe == "boundary" and value.shape == (16, 16) and error is None
        assert none is None and why.startswith("There is no probe named 'no-such-probe'")
        bridge.runner.submit(cmd.Pause())
    finally:
        assert bridge.shutdown()


def test_bridge_subscribes_to_a_registered_probe_and_swaps_projects(qtbot):
    from engine.probes.registry import register, unregister

    register("test-epoch", lambda ctx, args: np.array([ctx.epoch]))
    session = Session(load_preset("circle"))
    bridge = EngineBridge(session)
    seen, failures = [], []
    bridge.snapshot.connect(seen.append)
    bridge.failed.connect(failures.append)
    bridge.start()
    try:
        bridge.subscribe({"test-epoch": {}})
        bridge.step(2)
        qtbot.waitUntil(lambda: bool(seen) and seen[-1].epoch == 2, timeout=10_000)
        assert seen[-1].probes["test-epoch"].tolist() == [2]
        bridge.subscribe(cmd.probe_subscriptions(32, 8))  # the playground's set
        qtbot.waitUntil(lambda: seen[-1].neurons is not None, timeout=10_000)
        assert seen[-1].boundary.shape == (32, 32) and seen[-1].neurons["dense1"].shape[1:] == (8, 8)
        bridge.set_project(load_preset("xor"))
        qtbot.waitUntil(lambda: seen[-1].reset and seen[-1].epoch == 0, timeout=10_000)
        assert session.dataset.name == "xor" and bridge.running and not failures
    finally:
        unregister("test-epoch")
        assert bridge.shutdown()


def test_after_a_project_change_the_old_projects_snapshots_are_not_drawn(qtbot):
    """Snapshots the worker made before it took the new project (still in the mailbox or
    on their way) would show one project's numbers in views set up for another."""
    bridge = EngineBridge(Session(load_preset("digits-cnn")))
    drawn = []
    bridge.snapshot.connect(drawn.append)
    bridge.set_project(load_preset("shapes-cnn"))  # not served yet: the worker has not taken it
    old = Snapshot(3, 0, True, Metrics(), token=0)
    bridge.mailbox.put(old)
    bridge._draw()
    assert drawn == []
    new = Snapshot(0, 0, False, Metrics(), reset=True, token=1)
    bridge.mailbox.put(old)
    bridge.mailbox.put(new)  # a merged pair keeps nothing of the older project
    bridge._draw()
    assert drawn == [new]
    bridge.shutdown()


def test_the_runner_stamps_snapshots_with_the_last_project_token():
    from engine.train import commands as cmd

    session = Session(load_preset("circle"))
    seen = []
    session.subscribe(seen.append)
    session._apply(cmd.SetProject(load_preset("xor"), token=7))
    snaps = [e for e in seen if isinstance(e, Snapshot)]
    assert snaps and snaps[-1].token == 7 and snaps[-1].reset
    assert session.project.data.name == "xor"
