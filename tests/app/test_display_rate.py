"""S-GUI: snapshots reach the views at the display rate: the bridge draws the newest
one (older undrawn ones merged into it, never drawn after it), and the network tab
redraws its neuron maps with every snapshot drawn while training."""

import numpy as np

from app.bridge.engine_bridge import EngineBridge
from app.views.network_view import NEURON_MAP_SIZE
from engine.presets import load_preset
from engine.train.events import Metrics, Snapshot
from engine.train.session import Session


def _rows(*epochs):
    e = np.array(epochs, np.int64)
    f = e.astype(float)
    return Metrics(e, f, f, f, f)


def test_the_bridge_draws_the_newest_snapshot_with_the_older_ones_merged(qtbot):
    project = load_preset("circle")
    bridge = EngineBridge(Session(project))
    drawn = []
    bridge.snapshot.connect(drawn.append)
    bridge.start()
    try:
        qtbot.waitUntil(lambda: len(drawn) >= 1, timeout=10_000)  # the worker's first, paused
        first = len(drawn)
        # three snapshots arrive between two frames: the next frame draws the third,
        # with the rows of all three and the probes the third lacks from the older ones
        maps = {"act1": np.zeros((4, 3, 3), np.float32)}
        bridge.mailbox.put(Snapshot(1, 25, True, _rows(1), np.full((3, 3), -1.0, np.float32), neurons=maps))
        bridge.mailbox.put(Snapshot(2, 50, True, _rows(2), np.full((3, 3), 0.0, np.float32)))
        bridge.mailbox.put(Snapshot(3, 75, True, _rows(3), np.full((3, 3), 1.0, np.float32)))
        qtbot.waitUntil(lambda: len(drawn) > first, timeout=5_000)
        qtbot.wait(100)  # several frames later: nothing older is drawn after it
    finally:
        assert bridge.shutdown()
    assert len(drawn) == first + 1
    newest = drawn[-1]
    assert newest.epoch == 3 and newest.metrics.epochs.tolist() == [1, 2, 3]
    assert np.all(newest.boundary == 1.0)
    assert newest.neurons is maps
    assert bridge.epoch == 3


def test_the_network_tab_redraws_its_neuron_maps_with_every_frame(window, qtbot):
    net = window.view_area.views["network"]
    assert window.view_area.tab_view() is net
    column = net.column("act1")
    token = window.bridge._token
    rng = np.random.default_rng(0)
    shapes = {c.node_id: (c.units, NEURON_MAP_SIZE, NEURON_MAP_SIZE) for c in net.columns[1:]}
    # two frames in a row while training (well within the other tabs' 1/12 s): the
    # diagram shows each frame's maps, as the boundary does
    for i, sign in enumerate((1.0, -1.0)):
        maps = {k: (sign * (np.abs(rng.normal(size=n)) + 0.25)).astype(np.float32) for k, n in shapes.items()}
        window.bridge.mailbox.put(
            Snapshot(
                1000 + i, 0, True, _rows(), np.full((100, 100), sign, np.float32), neurons=maps, token=token
            )
        )
        window.bridge._draw()
        assert np.array_equal(column.neurons[0].values, maps["act1"][0])
        assert np.all(window.boundary_view.view_data()["boundary"] == sign)
        # the colours drawn follow: blue (positive) then orange (negative) dominates
        rgb = column.neurons[0].rgb.reshape(-1, 3).astype(int).mean(0)
        assert (rgb[2] > rgb[0]) == (sign > 0)


def test_the_loss_plot_fits_every_row_and_draws_the_last_ones_when_frames_stop(qtbot):
    from PySide6.QtWidgets import QApplication

    from app.views.loss_plot import REDRAW_MS, QtLossPlot

    plot = QtLossPlot()
    qtbot.addWidget(plot)
    plot.resize(700, 420)
    plot.show()
    qtbot.waitExposed(plot)
    n = 0

    def frame(losses, reset=False):
        nonlocal n
        e = np.arange(n + 1, n + 1 + len(losses))
        n += len(losses)
        y = np.array(losses, float)
        plot.show_snapshot(
            Snapshot(n, 0, True, Metrics(e, y, y * 0.5, y * 0 + 0.5, y * 0 + 0.5), reset=reset)
        )

    # frames in quick succession: drawn at most once per REDRAW_MS, rows never dropped
    frame([4.0, 3.0], reset=True)
    frame([np.nan, 7.0])  # a NaN row is skipped by the fit, the 7 is not
    frame([2.0])
    # no frame follows: the timer draws the waiting rows, and the axes hold them all
    qtbot.waitUntil(lambda: len(plot.train_curve.getData()[0]) == 5, timeout=REDRAW_MS * 20)
    # the numbers above the curves (at most 4 changes a second) end on the last row
    qtbot.waitUntil(lambda: plot.summary.text() == "train 2   test 1", timeout=5_000)
    QApplication.processEvents()
    (x0, x1), (y0, y1) = plot.plot.getPlotItem().viewRange()
    assert x1 >= 5 and y0 <= 0 and 7.0 <= y1 < 14
    # a new run forgets the old bounds: its smaller losses get a smaller range
    frame([0.3, 0.2], reset=True)
    plot.flush()
    QApplication.processEvents()
    assert plot.plot.getPlotItem().viewRange()[1][1] < 1.0
    plot.log_y.click()  # the log axis spans the positive rows' decades
    QApplication.processEvents()
    lo, hi = plot.plot.getPlotItem().viewRange()[1]
    assert lo <= np.log10(0.1) + 0.1 and hi >= np.log10(0.3) - 0.1 and hi <= 0.5


def test_a_minimized_window_asks_for_no_view_probes_and_restored_asks_again(window, qtbot):
    seen = []
    window.bridge.snapshot.connect(seen.append)
    window.play_action.trigger()
    qtbot.waitUntil(lambda: any(s.neurons and s.boundary is not None for s in seen), timeout=10_000)
    window.showMinimized()
    assert window.isMinimized()
    # the worker takes the empty subscription: from then on, snapshots carry rows only
    qtbot.waitUntil(lambda: not window.session.runner.subscriptions, timeout=5_000)
    seen.clear()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=10_000)
    assert all(s.boundary is None and s.neurons is None for s in seen[1:])
    assert sum(len(s.metrics) for s in seen) > 0  # training goes on
    window.showNormal()
    seen.clear()
    qtbot.waitUntil(lambda: any(s.neurons and s.boundary is not None for s in seen), timeout=10_000)
    window.play_action.trigger()


def test_the_worker_makes_a_snapshot_only_for_a_frame_the_gui_draws_soon():
    import time

    from app.bridge.worker import FRAME_MS

    session = Session(load_preset("circle"))
    bridge = EngineBridge(session)  # not started: no thread, the GUI side alone
    assert session.runner.ready() is True  # nothing waiting, the next frame due
    bridge._next_draw = time.perf_counter() + 10.0  # an expensive frame is being waited out
    assert session.runner.ready() is False
    bridge._next_draw = time.perf_counter() + FRAME_MS / 1000 / 2  # due within a frame
    assert session.runner.ready() is True
    bridge.mailbox.put(Snapshot(1, 0, True, _rows(1)))  # not taken yet
    assert session.runner.ready() is False
