"""The Playground's Device row (issue #14, T-OOM): where training runs.

Auto picks per model (tiny networks on the CPU, image models on a GPU when there is
one: engine.train.device), CPU, or GPU (CUDA), offered greyed out with a tooltip
when PyTorch sees no CUDA GPU. A choice is an undoable setting of the project
(``Document.set_setting("device", ...)``), saved with it; the window moves the
running session there, keeping its weights, optimizer state, epoch and curves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox

from engine.train.device import cuda_available

NO_GPU = "No CUDA GPU found"
# (setting, text, tooltip)
CHOICES = (
    ("auto", "Auto", "The CPU for small networks, a CUDA GPU for image models when there is one"),
    ("cpu", "CPU", "Train on the processor"),
    ("cuda", "GPU (CUDA)", "Train on the CUDA GPU"),
)
TEXT = {value: text for value, text, _tip in CHOICES}


class DeviceControl:
    """Mixed into PlaygroundPanel, which provides ``document``, ``_training_form`` and
    ``_loading``."""

    def _build_device(self) -> None:
        self.device_combo = combo = QComboBox()
        gpu = cuda_available()
        for value, text, tip in CHOICES:
            combo.addItem(text, value)
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        if not gpu:
            model = combo.model()
            assert isinstance(model, QStandardItemModel)  # a QComboBox's own model
            i = combo.findData("cuda")
            model.item(i).setEnabled(False)
            combo.setItemData(i, NO_GPU, Qt.ItemDataRole.ToolTipRole)
        combo.setToolTip(
            "Where training runs; changing it moves the running network, nothing is lost"
            + ("" if gpu else f" ({NO_GPU.lower()})")
        )
        combo.currentIndexChanged.connect(self._device_chosen)
        self._training_form.addRow("Device", combo)

    def _device_chosen(self, index: int) -> None:
        if self._loading or index < 0:
            return
        value = self.device_combo.itemData(index)
        self.document.set_setting("device", value, f"Device {TEXT[value]}")

    def show_device(self, value: str) -> None:
        """Show the project's setting without editing it (open, undo, redo)."""
        was, self._loading = self._loading, True
        self.device_combo.setCurrentIndex(max(0, self.device_combo.findData(value)))
        self._loading = was
