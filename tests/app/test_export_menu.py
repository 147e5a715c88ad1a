"""File > Export as Python… / ONNX… on the running window: the trained weights are exported."""

import numpy as np
from safetensors.numpy import load_file

from app.shell import export_menu


def test_export_menu_writes_the_trained_weights(window, qtbot, tmp_path, monkeypatch):
    entries = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Export as &Python…" in entries and "Export as &ONNX…" in entries
    window.step_action.trigger()
    window.step_action.trigger()
    qtbot.waitUntil(lambda: window.session.epoch == 2, timeout=5000)
    out = tmp_path / "circle-pytorch"
    monkeypatch.setattr(export_menu.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    with qtbot.waitSignal(window.exporter.done, timeout=10_000) as blocker:
        window.export_python_action.trigger()
    assert blocker.args[0] is True and str(out) in window.message.text.text()
    window.exporter.thread.join(5)
    saved = load_file(str(out / "weights.safetensors"))
    trained = window.session.weights()  # paused after the steps: these are the epoch-2 weights
    np.testing.assert_array_equal(saved["dense1.weight"], trained["layers.dense1.weight"])
    assert "epoch 2" in (out / "README.md").read_text()

    onnx = tmp_path / "circle"
    monkeypatch.setattr(export_menu.QFileDialog, "getSaveFileName", lambda *a, **k: (str(onnx), ""))
    with qtbot.waitSignal(window.exporter.done, timeout=10_000) as blocker:
        window.export_onnx_action.trigger()
    window.exporter.thread.join(5)
    assert blocker.args[0] is True and (tmp_path / "circle.onnx").stat().st_size > 0


def test_export_error_shows_in_the_message_bar(window, qtbot, tmp_path, monkeypatch):
    missing = tmp_path / "no" / "such" / "folder"
    monkeypatch.setattr(export_menu.QFileDialog, "getSaveFileName", lambda *a, **k: (str(missing), ""))
    with qtbot.waitSignal(window.exporter.done, timeout=10_000) as blocker:
        window.export_python_action.trigger()
    window.exporter.thread.join(5)
    assert blocker.args[0] is False
    assert "does not exist" in window.message.text.text()
