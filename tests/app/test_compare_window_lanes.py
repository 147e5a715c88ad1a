"""Compare mode's window with adam variants on the compiled lanes kernel (#13)."""

import numpy as np
from PySide6.QtCore import Qt

from engine.presets import load_preset
from engine.train.compare import CompareSession
from engine.train.compiled_compare import CompiledBatch
from tests.app.test_compare_window import TIMEOUT, open_window  # noqa: F401 - the fixture


def test_adam_variants_train_batched_on_the_kernel_in_the_window(qtbot, kernel, open_window):  # noqa: F811
    project = load_preset("circle")
    project.train.optimizer = "adam"
    w = open_window(project, "learning_rate", [0.003, 0.01, 0.03])
    assert w.error is None and isinstance(w.session, CompareSession)
    assert isinstance(w.session._fast, CompiledBatch) and w.session._fast.simd
    qtbot.mouseClick(w.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.epoch == 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: all(t.image.image is not None for t in w.tiles), timeout=TIMEOUT)
    assert all(len(w.test_loss(k)[1]) == 1 and np.isfinite(w.test_loss(k)[1]).all() for k in range(3))
    assert all("test loss" in t.title_text for t in w.tiles)
