"""The main window driven like a user: Play, Pause, Step, Reset, learning rate."""

from PySide6.QtCore import Qt

from engine.presets import load_preset


def epoch_of(window):
    return int(window.epoch_label.text().split()[-1].replace(",", ""))


def test_title_and_status(window):
    assert window.windowTitle() == "Nodeplay — circle[*]"
    assert "circle" in window.device_label.text() and "cpu" in window.device_label.text()
    assert window.width() >= 1000 and window.height() >= 600


def test_play_advances_epochs_and_plot_then_pause_stops(window, qtbot):
    qtbot.mouseClick(window.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: epoch_of(window) >= 20 and len(window.loss_plot) >= 20, timeout=10_000)
    assert window.bridge.playing and "Pause" in window.play_action.text()
    assert "accuracy" in window.metrics_label.text()
    qtbot.mouseClick(window.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: not window.session.playing and epoch_of(window) == window.session.epoch, timeout=5000
    )
    paused_at = epoch_of(window)
    qtbot.wait(300)  # nothing should happen while paused
    assert epoch_of(window) == paused_at == len(window.loss_plot)
    assert "Play" in window.play_action.text()


def test_space_toggles_play(window, qtbot):
    window.activateWindow()  # shortcuts need the active window (on xcb, a real request)
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: epoch_of(window) >= 5, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.session.playing, timeout=5000)


def test_step_advances_exactly_one_epoch(window, qtbot):
    assert epoch_of(window) == 0
    window.step_action.trigger()
    qtbot.waitUntil(lambda: epoch_of(window) == 1, timeout=5000)
    window.step_action.trigger()
    qtbot.waitUntil(lambda: epoch_of(window) == 2, timeout=5000)
    qtbot.wait(100)
    assert epoch_of(window) == 2 and len(window.loss_plot) == 2


def test_reset_returns_to_epoch_zero_and_clears_plot(window, qtbot):
    window.play_action.trigger()
    qtbot.waitUntil(lambda: len(window.loss_plot) >= 10, timeout=10_000)
    window.reset_action.trigger()
    qtbot.waitUntil(lambda: epoch_of(window) == 0 and len(window.loss_plot) == 0, timeout=5000)
    assert not window.bridge.playing and "Play" in window.play_action.text()


def test_learning_rate_control_reaches_optimizer(window, qtbot):
    window.play_action.trigger()
    window.set_learning_rate(0.3)
    assert window.lr_combo.currentText() == "0.3"
    # Capture is answered after the commands queued before it, so the rate is applied.
    with qtbot.waitSignal(window.bridge.captured, timeout=5000):
        window.bridge.pause()
        window.bridge.capture()
    assert window.session.optimizer.param_groups[0]["lr"] == 0.3
    assert window.session.project.train.learning_rate == 0.3
    window.reset_action.trigger()  # a reset keeps the chosen rate
    with qtbot.waitSignal(window.bridge.captured, timeout=5000):
        window.bridge.capture()
    assert window.session.optimizer.param_groups[0]["lr"] == 0.3


def test_diverging_learning_rate_reports_and_stops(qtbot):
    from app.shell.main_window import MainWindow

    w = MainWindow(load_preset("reg-plane"))
    qtbot.addWidget(w)
    w.show()
    w.set_learning_rate(10)
    with qtbot.waitSignal(w.bridge.diverged, timeout=10_000):
        w.play_action.trigger()
    qtbot.waitUntil(lambda: not w.play_action.isChecked(), timeout=5000)
    assert "learning rate" in w.message.text.text() and w.message.isVisible()
    assert "learning rate" in w.statusBar().currentMessage()
    assert not w.bridge.playing and not w.session.playing
    w.close()


def test_finished_is_reported(qtbot):
    from app.shell.main_window import MainWindow

    project = load_preset("circle")
    project.train.stop_epochs = 15
    w = MainWindow(project)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.bridge.finished, timeout=10_000):
        w.play_action.trigger()
    qtbot.waitUntil(lambda: epoch_of(w) == 15, timeout=5000)
    assert "15 epochs" in w.message.text.text()
    assert not w.play_action.isChecked()
    w.close()


def test_open_bad_file_says_one_sentence(window, tmp_path):
    bad = tmp_path / "bad.nodeplay"
    bad.write_text("{ not json")
    assert not window.open_file(str(bad))
    text = window.message.text.text()
    assert "not valid JSON" in text and "\n" not in text
    assert window.windowTitle() == "Nodeplay — circle[*]" and window.bridge.running


def test_open_file_switches_project(window, qtbot, tmp_path):
    from engine.project import save_project

    path = save_project(load_preset("spiral"), tmp_path / "s.nodeplay")
    old = window.bridge
    assert window.open_file(str(path))
    # the same worker thread trains the opened project
    assert window.bridge is old and window.bridge.running
    qtbot.waitUntil(lambda: window.session.project.data.name == "spiral", timeout=5000)
    assert window.windowTitle() == "Nodeplay — spiral — s.nodeplay[*]"


def test_a_project_whose_graph_does_not_fit_its_data_is_refused_and_the_current_stays(window):
    """The worker already runs: the new project is checked on the GUI thread before it is
    sent, as a new session would check it, so the open is refused with a sentence."""
    bad = load_preset("circle")
    bad.graph = load_preset("digits-cnn").graph  # a CNN on 2-D points
    old = window.project
    assert not window.open_project(bad)
    assert window.project is old and window.bridge.running
    assert "Conv2d" in window.message.text.text()
