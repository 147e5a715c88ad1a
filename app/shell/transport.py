"""The window's training controls: Play, Step, Reset, the epoch and speed labels, the
learning rate (a live setting of the document: undoable), new random weights and weights
set by hand (unsaved work outside the undo history), and the playback speed."""

from __future__ import annotations

import random

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

# TF Playground's learning rates.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)


class SteadyLabel(QLabel):
    """S-GUI: a label whose text changes every frame at a fixed size, wide enough for
    ``widest``: Qt lays out nothing again for a fixed-size widget, where a label that
    grows with its text lays out the tool bar and the window 60 times a second. A new
    font (presentation mode) fits it again."""

    def __init__(self, text: str, widest: str, min_width: int = 0) -> None:
        super().__init__(text)
        self._widest, self._min_width = widest, min_width
        self._fit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def _fit(self) -> None:
        metrics = self.fontMetrics()
        width = max(self._min_width, metrics.horizontalAdvance(self._widest) + 12)
        self.setFixedSize(width, metrics.height() + 2 * self.margin() + 2)


class TransportMixin:
    """Mixed into MainWindow, which provides document, project, bridge, panel, message."""

    def _build_transport_actions(self) -> None:
        self.play_action = QAction("▶  Play", self)
        self.play_action.setCheckable(True)
        self.play_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.play_action.setToolTip("Play or pause training (Space)")
        self.play_action.triggered.connect(self.toggle_play)
        self.step_action = QAction("Step", self)
        self.step_action.setToolTip("Train one epoch")
        self.step_action.triggered.connect(lambda: self.bridge and self.bridge.step())
        self.reset_action = QAction("Reset", self)
        self.reset_action.setToolTip("Fresh weights; the history starts again")
        self.reset_action.triggered.connect(self.reset)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Training")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(bar)
        bar.addAction(self.play_action)
        self.play_button = bar.widgetForAction(self.play_action)
        self.play_button.setMinimumWidth(90)
        bar.addAction(self.step_action)
        bar.addAction(self.reset_action)
        bar.addSeparator()
        self.epoch_label = SteadyLabel("Epoch 0", "Epoch 888,888,888", 130)
        font = self.epoch_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.epoch_label.setFont(font)
        bar.addWidget(_padded(self.epoch_label))
        self.rate_label = QLabel("0 epochs/s")
        self.rate_label.setMinimumWidth(100)
        bar.addWidget(_padded(self.rate_label))
        bar.addSeparator()
        bar.addWidget(_padded(QLabel("Learning rate")))
        self.lr_combo = QComboBox()
        self.lr_combo.setToolTip("Learning rate of the optimizer; applies at once")
        self.lr_combo.currentIndexChanged.connect(self._lr_chosen)
        bar.addWidget(self.lr_combo)

    def reinitialize(self) -> None:
        """Reset with a new weight seed: fresh random weights."""
        if self.bridge is None:
            return
        seed = random.randrange(2**31 - 1)
        self.project.train.seed = seed  # read by the session only when it is built
        self.document.mark_dirty()
        self.message.hide()
        self.bridge.reset(seed)
        self._state_changed(False)

    def set_weight(self, key: str, index: tuple, value: float) -> None:
        """A weight set by hand in the network view: unsaved work like any edit."""
        if self.bridge is not None:
            self.bridge.set_weight(key, index, value)
            self.document.mark_dirty()

    def set_speed(self, epochs_per_second: float | None) -> None:
        self.speed = epochs_per_second
        if self.bridge is not None:
            self.bridge.set_speed(epochs_per_second)

    # -- controls --------------------------------------------------------------------
    def _fill_learning_rates(self, current: float) -> None:
        values = sorted(set(LEARNING_RATES) | {current})
        self.lr_combo.blockSignals(True)
        self.lr_combo.clear()
        for v in values:
            self.lr_combo.addItem(f"{v:g}", v)
        self.lr_combo.setCurrentIndex(values.index(current))
        self.lr_combo.blockSignals(False)

    def _lr_chosen(self, index: int) -> None:
        if index >= 0:
            value = float(self.lr_combo.itemData(index))
            self.document.set_setting("learning_rate", value, f"Learning rate {value:g}")

    def _setting_changed(self, name: str) -> None:
        """A live setting was set, undone or redone: the control and the worker follow."""
        t = self.project.train
        if name == "learning_rate":
            self._fill_learning_rates(t.learning_rate)
            if self.bridge is not None:
                self.bridge.set_learning_rate(t.learning_rate)
        elif name == "stop_epochs":
            self.panel.show_stop(t.stop_epochs)
            if self.bridge is not None:
                self.bridge.set_stop(t.stop_epochs, t.stop_loss)

    def set_learning_rate(self, value: float) -> None:
        """Choose ``value`` in the control (it must be one of its entries)."""
        self.lr_combo.setCurrentIndex(self.lr_combo.findData(value))

    def toggle_play(self) -> None:
        if self.bridge is None:
            return
        if not self.bridge.playing:
            self.message.hide()
        self.bridge.toggle()
        self._state_changed(self.bridge.playing)

    def reset(self) -> None:
        if self.bridge is not None:
            self.message.hide()
            self.bridge.reset()
            self._state_changed(False)

    def _state_changed(self, playing: bool) -> None:
        self.play_action.setChecked(playing)
        self.play_action.setText("❚❚  Pause" if playing else "▶  Play")


def _padded(widget: QWidget) -> QWidget:
    widget.setContentsMargins(8, 0, 8, 0)
    return widget
