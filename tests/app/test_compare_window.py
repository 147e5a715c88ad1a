"""Compare mode's window: K variants trained on a worker, shown as small multiples."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.bridge.engine_bridge import LIVE_THREADS
from app.shell.compare_window import CompareWindow
from engine.presets import load_preset

TIMEOUT = 15_000


@pytest.fixture
def open_window(qtbot):
    made = []

    def make(project, mode=None, values=None):
        w = CompareWindow(project)
        qtbot.addWidget(w)
        if mode is not None:
            w.set_mode(mode, values)
        w.resize(1200, 800)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


def images(w):
    return [None if t.image.image is None else t.image.image.copy() for t in w.tiles]


def pause_and_settle(qtbot, w):
    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
    assert not w.playing
    qtbot.waitUntil(lambda: not w.training, timeout=TIMEOUT)


def test_play_trains_every_tile_and_pause_stops(qtbot, open_window):
    w = open_window(load_preset("circle"))
    assert [t.label for t in w.tiles] == ["linear", "sigmoid", "tanh", "relu"]
    qtbot.waitUntil(lambda: all(t.image.image is not None for t in w.tiles), timeout=TIMEOUT)
    before = images(w)
    assert w.epoch == 0 and w.play_button.isEnabled()

    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
    assert w.playing and "Pause" in w.play_button.text()
    qtbot.waitUntil(lambda: w.epoch >= 20, timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: all(not np.array_equal(a, t.image.image) for a, t in zip(before, w.tiles)), timeout=TIMEOUT
    )
    assert w.epoch_label.text().startswith("Epoch")
    qtbot.waitUntil(lambda: "epochs/s" in w.rate_label.text(), timeout=TIMEOUT)

    pause_and_settle(qtbot, w)
    stopped = w.epoch
    qtbot.wait(300)
    assert w.epoch == stopped and w.worker.runner.trainer.epoch == stopped
    assert "Play" in w.play_button.text()

    # the chart holds exactly the session's test-loss history, one curve per variant
    history = w.session.history
    assert len(w.curves) == 4
    for k, curve in enumerate(w.curves):
        x, y = curve.getData()
        np.testing.assert_array_equal(x, history[k].epochs)
        np.testing.assert_array_equal(y, history[k].test_loss)
        ex, ey = w.test_loss(k)
        np.testing.assert_array_equal(ey, history[k].test_loss)
    assert [item[1].text for item in w.legend.items] == ["linear", "sigmoid", "tanh", "relu"]
    for tile in w.tiles:
        assert "test loss" in tile.title_text and "acc" in tile.title_text

    # Step trains exactly one more epoch for every variant
    qtbot.mouseClick(w.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.epoch == stopped + 1, timeout=TIMEOUT)
    # Reset starts afresh
    qtbot.mouseClick(w.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.epoch == 0, timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: all(len(c.getData()[0] if c.getData()[0] is not None else []) == 0 for c in w.curves),
        timeout=TIMEOUT,
    )


def test_learning_rate_choice_gives_one_tile_per_ticked_value(qtbot, open_window):
    w = open_window(load_preset("circle"))
    w.mode.setCurrentIndex(1)  # "Learning rate", the defaults ticked
    assert len(w.tiles) == 8
    boxes = w.pickers["learning_rate"]
    for value, box in boxes.items():
        if box.isChecked() and value not in (0.01, 0.1, 1):
            box.setChecked(False)
    assert [t.label for t in w.tiles] == ["lr 0.01", "lr 0.1", "lr 1"]
    assert [v["learning_rate"] for v in w.variants()] == [0.01, 0.1, 1.0]
    assert w.session.k == 3 and len(w.curves) == 3
    qtbot.mouseClick(w.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.epoch == 1, timeout=TIMEOUT)
    assert all(t.title_text.startswith(t.label + " — test loss") for t in w.tiles)

    w.set_mode("seed", 3)
    assert [t.label for t in w.tiles] == ["seed 0", "seed 1", "seed 2"]
    assert w.epoch == 0


def test_a_diverging_learning_rate_greys_out_only_its_tile(qtbot, open_window):
    w = open_window(load_preset("reg-plane"), "learning_rate", [0.03, 1e6, 0.01])
    assert [t.label for t in w.tiles] == ["lr 0.01", "lr 0.03", "lr 1e+06"]
    assert "1e+06" in [b.text() for b in w.pickers["learning_rate"].values()]
    w.play()
    qtbot.waitUntil(lambda: w.tiles[2].diverged_at is not None, timeout=TIMEOUT)
    marked = w.epoch
    qtbot.waitUntil(lambda: w.epoch >= marked + 10, timeout=TIMEOUT)
    pause_and_settle(qtbot, w)
    bad = w.tiles[2]
    assert f"diverged at epoch {bad.diverged_at}" in bad.title_text
    assert bad.points.opacity() < 1
    for k in (0, 1):
        tile = w.tiles[k]
        assert tile.diverged_at is None and "diverged" not in tile.title_text
        assert tile.points.opacity() == 1
        assert np.isfinite(w.session.history[k].test_loss).all()
        assert len(w.session.history[k]) == w.epoch > bad.diverged_at
        _, y = w.curves[k].getData()
        assert len(y) == w.epoch
    # the chart's y range follows the variants still training, not the runaway one
    top = w.chart_plot.viewRange()[1][1]
    assert top < 10


def test_a_graph_beyond_the_batched_kernel_still_compares(qtbot, open_window):
    project = load_preset("circle")
    g = project.graph
    edge = g.incoming("act1", "x")
    g.disconnect(edge)
    g.add_node("Dropout", {"p": 0.2}, id="drop")
    g.connect("dense1", "out", "drop", "x")
    g.connect("drop", "out", "act1", "x")
    project.train.optimizer = "adam"
    w = open_window(project, "learning_rate", [0.01, 0.03])
    assert w.error is None and not w.message.isVisible() and w.grid.isVisible()
    qtbot.mouseClick(w.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.epoch == 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: all(t.image.image is not None for t in w.tiles), timeout=TIMEOUT)
    assert all(len(w.test_loss(k)[1]) == 1 for k in range(2))
    assert all("test loss" in t.title_text and "acc" in t.title_text for t in w.tiles)


def test_an_image_project_compares_with_accuracy_curves_in_its_tiles(qtbot, open_window):
    w = open_window(load_preset("digits-cnn"), "learning_rate", [0.01, 0.03])
    assert [t.label for t in w.tiles] == ["lr 0.01", "lr 0.03"]
    qtbot.mouseClick(w.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.epoch == 1, timeout=60_000)
    for k, tile in enumerate(w.tiles):
        x, y = tile.curve.getData()
        assert x.tolist() == [1.0] and 0 < y[0] <= 1  # accuracy after one epoch
        assert "acc" in tile.title_text and len(w.test_loss(k)[1]) == 1


def test_no_ticked_value_is_explained_then_recovers(qtbot, open_window):
    w = open_window(load_preset("circle"), "activation", [])
    assert "at least one variant" in w.message.text() and not w.play_button.isEnabled()
    w.pickers["activation"]["relu"].setChecked(True)
    assert w.error is None and w.play_button.isEnabled() and len(w.tiles) == 1


def test_closing_stops_and_joins_the_worker(qtbot, open_window):
    w = open_window(load_preset("circle"))
    w.play()
    qtbot.waitUntil(lambda: w.epoch >= 2, timeout=TIMEOUT)
    thread = w.worker._thread
    assert thread in LIVE_THREADS and thread.isRunning()
    w.close()
    assert not thread.isRunning() and not w.worker.running
    assert not any(t.isRunning() for t in LIVE_THREADS)


def test_main_window_opens_compare_on_its_project(window, qtbot):
    compare = window.open_compare()
    qtbot.waitExposed(compare)
    assert len(compare.tiles) == len(compare.variants()) >= 2
    compare.play()
    qtbot.waitUntil(lambda: compare.epoch >= 2, timeout=10_000)
    window.close()  # closing the main window closes its compare windows and their threads
    assert not compare.worker.running


def test_a_gpu_out_of_memory_offers_the_cpu_and_the_variants_go_on(qtbot, open_window, monkeypatch):
    """Issue #14: the trainer believes it trained on CUDA when the allocator fails (no
    GPU here); the button moves every variant to the CPU and Play goes on."""
    import torch

    import app.shell.compare_window as cw
    from engine.train.compare import CompareSession

    made = []

    def make_compare(project, variants):
        c = CompareSession(project, variants, fast=False)  # the torch path, as on CUDA
        real, calls = c._forward, []

        def forward(x, *a):
            calls.append(1)
            if len(calls) == 60:
                c.device = torch.device("cuda")
                raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB")
            return real(x, *a)

        c._forward = forward
        made.append(c)
        return c

    monkeypatch.setattr(cw, "make_compare", make_compare)
    w = open_window(load_preset("circle"))
    assert not w.cpu_button.isVisible()
    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(w.cpu_button.isVisible, timeout=TIMEOUT)
    assert "GPU ran out of memory" in w.summary.text() and not w.playing
    stopped = w.epoch
    qtbot.mouseClick(w.cpu_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.epoch >= stopped + 5, timeout=TIMEOUT)
    assert w.playing and not w.cpu_button.isVisible()
    assert made[-1].device.type == "cpu" and w.project.train.device == "cpu"
    pause_and_settle(qtbot, w)
