"""L3 (issue #12): two saved runs (nodeplay train --metrics) on one chart, against
wall-clock seconds or epochs, loss or accuracy."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.shell.runs_window import open_runs
from engine.train.run_log import COLUMNS, read_run
from nodeplay.cli import main
from tests.app.conftest import shown_window


def _runs(tmp_path):
    src = tmp_path / "p.json"
    assert main(["new", "xor", "--out", str(src)]) == 0
    paths = []
    for seed in (1, 2):
        path = tmp_path / f"seed{seed}.csv"
        assert main(["train", str(src), "--epochs", "5", "--seed", str(seed), "--metrics", str(path)]) == 0
        paths.append(str(path))
    return paths


def test_train_writes_a_run_with_wall_clock_time(tmp_path):
    run = read_run(_runs(tmp_path)[0])
    assert set(run) == set(COLUMNS)
    assert list(run["epoch"]) == [0, 1, 2, 3, 4, 5]
    assert run["seconds"][0] == 0 and (np.diff(run["seconds"]) > 0).all()
    assert np.isfinite(run["test_acc"]).all()


def test_two_runs_on_one_chart(qtbot, tmp_path):
    paths = _runs(tmp_path)
    window = shown_window(qtbot, "xor")
    runs = open_runs(window, paths)
    qtbot.addWidget(runs)
    items = runs.plot.getPlotItem().listDataItems()
    assert len(items) == 4  # each run's train and test
    first = read_run(paths[0])
    assert np.allclose(items[0].xData, first["seconds"]) and np.allclose(items[0].yData, first["train_loss"])
    assert "seed1: 5 epochs in" in runs.summary.text() and "seed2" in runs.summary.text()
    runs.axis.setFocus()
    QTest.keyClick(runs.axis, Qt.Key.Key_Down)  # seconds -> epoch
    runs.quantity.setFocus()
    QTest.keyClick(runs.quantity, Qt.Key.Key_Down)  # loss -> accuracy
    items = runs.plot.getPlotItem().listDataItems()
    assert np.allclose(items[1].xData, first["epoch"]) and np.allclose(items[1].yData, first["test_acc"])
    assert set(runs.view_data()) >= {"seed1/seconds", "seed2/train_loss"}
    window.close()


def test_a_file_that_is_not_a_run_is_refused(qtbot, tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n")
    window = shown_window(qtbot, "xor")
    assert open_runs(window, [str(bad), str(bad)]) is None
    assert "notes.csv is not a saved run" in window.message.text.text()
    assert open_runs(window, [str(bad)]) is None
    assert "two or more" in window.message.text.text()
    window.close()


def test_the_window_saves_its_own_run(qtbot, tmp_path):
    window = shown_window(qtbot, "xor")
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    QTest.keyClick(window, Qt.Key.Key_Space)  # play
    # the compiled kernel may bring many epochs in the first snapshot, all at 0 s: wait on
    qtbot.waitUntil(lambda: len(window.run_clock.rows) >= 5 and window.run_clock.seconds > 0, timeout=20_000)
    QTest.keyClick(window, Qt.Key.Key_Space)  # pause
    path = tmp_path / "mine.csv"
    n = window.run_clock.save(path)
    run = read_run(path)
    assert len(run["epoch"]) == n >= 5
    assert (np.diff(run["epoch"]) > 0).all() and (np.diff(run["seconds"]) >= 0).all()
    assert run["seconds"][-1] > 0 and np.isfinite(run["train_loss"]).all()
    window.reset_action.trigger()  # a new run starts from nothing
    qtbot.waitUntil(lambda: len(window.run_clock.rows) <= 1, timeout=10_000)
    window.close()


def test_a_gan_run_saves_its_divergence_and_the_window_compares_it(qtbot, tmp_path):
    from engine.train.gan_metrics import DIVERGENCES, GAN_COLUMNS

    src = tmp_path / "g.json"
    assert main(["new", "gan-2d", "--out", str(src)]) == 0
    paths = []
    for seed in (1, 2):
        path = tmp_path / f"gan{seed}.csv"
        assert main(["train", str(src), "--epochs", "3", "--seed", str(seed), "--metrics", str(path)]) == 0
        paths.append(str(path))
    run = read_run(paths[0])
    assert list(run) == [*COLUMNS, *GAN_COLUMNS, *DIVERGENCES]
    assert np.isfinite(run["kl"]).all() and np.isfinite(run["js"]).all() and run["js"].max() <= np.log(2)
    assert np.isfinite(run["d_loss"][1:]).all()
    window = shown_window(qtbot, "gan-2d")
    runs = open_runs(window, paths)
    qtbot.addWidget(runs)
    offered = [runs.quantity.itemText(i) for i in range(runs.quantity.count())]
    assert "KL / JS divergence" in offered and "D and G losses" in offered
    runs.quantity.setFocus()
    for _ in range(offered.index("KL / JS divergence")):
        QTest.keyClick(runs.quantity, Qt.Key.Key_Down)
    items = runs.plot.getPlotItem().listDataItems()
    assert len(items) == 4 and [i.name() for i in items[:2]] == ["gan1 KL", "gan1 JS"]
    assert np.allclose(items[0].yData, run["kl"]) and np.allclose(items[1].yData, run["js"])
    window.close()
