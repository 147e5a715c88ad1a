"""The window's side of the Device setting (issue #14, T-OOM).

* A Device edit (the Playground's row, or its undo and redo) moves the running
  session there, keeping the weights, optimizer state, epoch and curves
  (``EngineBridge.set_device`` -> ``Session.move_to``); the status bar's device label
  follows once the worker has moved.
* A GPU that runs out of memory pauses training (the runner's OutOfMemory event); the
  message bar says so and offers "Continue on the CPU": the same undoable Device edit,
  then Play once the session has moved. The epoch that failed is trained again.

The window creates a bridge per session: this module takes each new one's signals
when the document's project changes (connected after the window's own slot, so the
new bridge is in place by then).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject

CONTINUE = "Continue on the CPU"
_LABEL = re.compile(r"device \S+( \([^)]*\))?")


def device_text(device: str, requested: str) -> str:
    """The status bar's words for training on ``device`` as the setting ``requested`` chose."""
    if requested == "cuda" and device != "cuda":
        return f"device {device} (no CUDA GPU found)"
    if requested == "auto":
        return f"device {device} (auto)"
    return f"device {device}"


class DeviceFallback(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self._bridge = None  # the bridge whose signals are connected
        self._resume = False  # play once the session has moved (Continue on the CPU)
        window.document.settingChanged.connect(self._setting_changed)
        window.document.projectReplaced.connect(self._project_current)

    # -- the running session -------------------------------------------------------------
    def _project_current(self, project) -> None:
        w = self.window
        bridge = w.bridge
        if bridge is not None and bridge is not self._bridge:
            self._bridge = bridge
            bridge.outOfMemory.connect(self._out_of_memory)
            bridge.deviceChanged.connect(self._device_changed)
            bridge.failed.connect(self._move_refused)
        self._resume = False
        device = getattr(w.session, "device", None)
        if device is not None:
            self._show_device(device.type, project.train.device)

    def _setting_changed(self, name: str) -> None:
        if name != "device":
            return
        value = self.window.project.train.device
        self.window.panel.show_device(value)  # an undo or redo shows in the control
        if self.window.bridge is not None:
            self.window.bridge.set_device(value)

    def _device_changed(self, device: str, requested: str) -> None:
        self._show_device(device, requested)
        bridge = self.window.bridge
        if self._resume and bridge is not None and not bridge.playing:
            self._resume = False
            self.window.toggle_play()

    def _move_refused(self, _text: str) -> None:
        self._resume = False  # the window shows why; training stays paused

    def _show_device(self, device: str, requested: str) -> None:
        label = self.window.device_label
        text = label.text()
        if _LABEL.search(text):
            label.setText(_LABEL.sub(device_text(device, requested), text, count=1))

    # -- out of memory -------------------------------------------------------------------
    def _out_of_memory(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 15_000)
        self.window.message.show_message(message, "error", action=(CONTINUE, self.continue_on_cpu))

    def continue_on_cpu(self) -> None:
        """Device CPU (an undoable edit), then Play once the session is there."""
        w = self.window
        if w.bridge is None:
            return
        self._resume = True
        if w.project.train.device != "cpu":
            w.document.set_setting("device", "cpu", "Device CPU")  # moves it (_setting_changed)
        else:  # already the setting (a file edited by hand): move all the same
            w.bridge.set_device("cpu")
