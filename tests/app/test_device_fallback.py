"""T-OOM (issue #14): the Playground's Device row, and a GPU out of memory that pauses
training with a sentence and a "Continue on the CPU" button, losing nothing.

No machine here has a GPU: the session's epoch raises torch's OutOfMemoryError once
and from then believes it trained on CUDA, so the window goes through every step of
a real fallback (the move itself copies CPU tensors to the CPU)."""

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from engine.project import load_project
from engine.train.session import Session
from tests.app.conftest import shown_window


def epoch_of(window):
    return int(window.epoch_label.text().split()[-1].replace(",", ""))


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr("app.playground.device_control.cuda_available", lambda: False)


def choose_in_popup(qtbot, combo, text, enabled=True):
    """Open ``combo`` with a click and click the entry ``text`` in its list (should a
    greyed out one leave the list open, Escape closes it)."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=5000)
    QTest.qWait(QApplication.doubleClickInterval() + 50)  # a list takes no click sooner
    row = combo.findText(text)
    rect = view.visualRect(combo.model().index(row, 0))
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center()
    )
    if not enabled and view.isVisible():
        QTest.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=5000)


def device_row_in_sight(window):
    combo = window.panel.device_combo
    window.panel.parentWidget().parentWidget().ensureWidgetVisible(combo)  # the panel's scroll area
    return combo


def test_the_device_row_moves_training_undoably_and_keeps_what_was_learned(no_gpu, qtbot, tmp_path):
    w = shown_window(qtbot, "circle")
    try:
        combo = device_row_in_sight(w)
        gpu = combo.findData("cuda")
        assert combo.currentText() == "Auto" and "(auto)" in w.device_label.text()
        assert not combo.model().item(gpu).isEnabled()
        assert combo.itemData(gpu, Qt.ItemDataRole.ToolTipRole) == "No CUDA GPU found"
        w.step_action.trigger()
        w.step_action.trigger()
        qtbot.waitUntil(lambda: epoch_of(w) == 2 and len(w.loss_plot) == 2, timeout=10_000)
        weights = w.session.weights()

        choose_in_popup(qtbot, combo, "GPU (CUDA)", enabled=False)  # greyed out: nothing happens
        assert w.project.train.device == "auto" and combo.currentText() == "Auto"
        choose_in_popup(qtbot, combo, "CPU")
        assert w.project.train.device == "cpu" and w.undo_action.text() == "&Undo Device CPU"
        qtbot.waitUntil(lambda: w.device_label.text().rstrip().endswith("device cpu"), timeout=5000)
        assert w.isWindowModified()
        assert epoch_of(w) == 2 and len(w.loss_plot) == 2  # no reset
        for k, v in weights.items():
            np.testing.assert_array_equal(w.session.weights()[k], v)

        w.save_to(tmp_path / "cpu.json")
        qtbot.waitUntil(lambda: (tmp_path / "cpu.json").exists(), timeout=5000)
        assert load_project(tmp_path / "cpu.json").train.device == "cpu"

        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow, timeout=5000)
        QTest.keyClick(w, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Undo Device CPU
        assert w.project.train.device == "auto" and combo.currentText() == "Auto"
        qtbot.waitUntil(lambda: "device cpu (auto)" in w.device_label.text(), timeout=5000)
        w.step_action.trigger()
        qtbot.waitUntil(lambda: epoch_of(w) == 3 and len(w.loss_plot) == 3, timeout=10_000)
    finally:
        w.close()


@pytest.fixture
def gpu_out_of_memory(monkeypatch):
    """The third epoch's training fails once as a GPU's allocator would."""
    real, calls = Session._train_epoch, []

    def train_epoch(self, *args, **kw):
        calls.append(self.epoch)
        if len(calls) == 3:
            self.device = torch.device("cuda")  # as if it had trained on a GPU all along
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB")
        return real(self, *args, **kw)

    monkeypatch.setattr(Session, "_train_epoch", train_epoch)
    return calls


def test_out_of_gpu_memory_pauses_and_continues_on_the_cpu(no_gpu, gpu_out_of_memory, qtbot):
    w = shown_window(qtbot, "circle")
    try:
        qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
        bar = w.message
        qtbot.waitUntil(lambda: bar.isVisible() and bar.action.isVisible(), timeout=10_000)
        assert "GPU ran out of memory" in bar.text.text() and bar.kind == "error"
        assert bar.action.text() == "Continue on the CPU"
        qtbot.waitUntil(lambda: not w.play_action.isChecked(), timeout=5000)
        assert not w.bridge.playing and epoch_of(w) == 2 and len(w.loss_plot) == 2
        assert w.project.train.device == "auto"

        qtbot.mouseClick(bar.action, Qt.MouseButton.LeftButton)
        assert not bar.isVisible()
        assert w.project.train.device == "cpu" and w.undo_action.text() == "&Undo Device CPU"
        qtbot.waitUntil(lambda: epoch_of(w) >= 5 and len(w.loss_plot) >= 5, timeout=10_000)
        assert w.bridge.playing and w.play_action.isChecked()
        assert w.device_label.text().rstrip().endswith("device cpu")
        assert gpu_out_of_memory[:4] == [0, 1, 2, 2]  # the epoch that failed, trained again
        qtbot.mouseClick(w.play_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not w.bridge.playing, timeout=5000)
        epochs = w.session.history.epochs
        assert list(epochs) == list(range(1, len(epochs) + 1))  # one curve, no gap, no reset
    finally:
        w.close()
