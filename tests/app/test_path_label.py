"""The status bar says which path trains, and follows the background compile (#13)."""

from PySide6.QtCore import Qt

from engine.train import compile_warmup
from tests.app.conftest import shown_window


def test_status_bar_names_the_path_and_follows_the_compile(qtbot, monkeypatch):
    monkeypatch.setattr(compile_warmup.state, "ready", compile_warmup.state.ready)  # restored after
    compile_warmup.warm()  # compiled (or loaded from the cache) before the window opens
    monkeypatch.setattr(compile_warmup.state, "started", True)
    compile_warmup.state.ready = False  # as if still compiling
    w = shown_window(qtbot, "circle")
    qtbot.waitUntil(lambda: w.path_label.text().strip() == "numpy, compiling…", timeout=3000)
    compile_warmup.state.ready = True  # the compile ended
    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.path_label.text().strip() == "compiled kernel", timeout=5000)
    assert w.path_label.isVisible()
    qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
    w.close()


def test_status_bar_says_torch_for_a_convolutional_network(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    qtbot.waitUntil(lambda: w.path_label.text().strip() == "torch", timeout=3000)
    w.close()
