"""Unexpected exceptions in the GUI (issue #14): autosave the work, then say so in a dialog.

``install_crash_dialog(window)`` replaces ``sys.excepthook`` (which PySide6 calls for an
exception escaping a slot, as Python does for one escaping the event loop) and
``threading.excepthook``. The hook first passes the exception on to the hook it replaced:
a terminal still prints the traceback, and under pytest-qt the test still fails. Then,
on the GUI thread (a worker's exception travels there through a queued signal), the
window autosaves its unsaved work and a dialog says what happened in one sentence, with
a "Copy details" button that puts the traceback on the clipboard.

The dialog is window-modal but opened with ``open()``, not ``exec()``: a crash inside a
nested event loop would otherwise stack dialogs, and scripted windows never block.
A second exception while the dialog is open adds to its details instead of a new dialog.
"""

from __future__ import annotations

import platform
import sys
import threading
import traceback

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

DETAILS_LIMIT = 200_000  # characters of tracebacks kept: a loop of errors must not eat memory


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("nodeplay")
    except Exception:  # not installed (a source checkout, a bundle without metadata)
        return "unknown"


def details_of(kind, value, tb) -> str:
    """The traceback with the versions a bug report needs."""
    head = f"Nodeplay {_version()}, Python {platform.python_version()}, {platform.platform()}\n"
    return head + "".join(traceback.format_exception(kind, value, tb))


class CrashDialog(QDialog):
    """One sentence, "Copy details" (the traceback to the clipboard) and "Close"."""

    def __init__(self, sentence: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nodeplay hit an unexpected error")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.details = details
        self.sentence = QLabel(sentence)
        self.sentence.setWordWrap(True)
        self.sentence.setMinimumWidth(420)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.setToolTip("The technical details (a traceback) to paste into a bug report")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_details)
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sentence)
        layout.addLayout(buttons)

    def add_details(self, details: str) -> None:
        self.details = (self.details + "\n" + details)[:DETAILS_LIMIT]
        self.copy_button.setText("Copy details")

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")


def crash_sentence(kind_name: str, modified: bool, autosaves: bool) -> str:
    """What the user reads: what happened, whether work is safe, what to do."""
    if not modified:
        rest = "nothing unsaved was lost; restart Nodeplay if the window misbehaves."
    elif autosaves:
        rest = "your unsaved work was autosaved; save it now, and restart Nodeplay if the window misbehaves."
    else:
        rest = "save your work now, then restart Nodeplay if the window misbehaves."
    return f"Nodeplay hit an unexpected error ({kind_name}): {rest}"


class CrashReporter(QObject):
    """Installed by ``install_crash_dialog``; ``uninstall()`` puts the old hooks back."""

    caught = Signal(str, str)  # the exception's type name, the details (to the GUI thread)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: CrashDialog | None = None
        self.count = 0  # exceptions reported
        self._previous = sys.excepthook
        self._previous_thread = threading.excepthook
        self.caught.connect(self._report)  # queued when the hook runs on another thread
        sys.excepthook = self._hook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        if sys.excepthook == self._hook:
            sys.excepthook = self._previous
        if threading.excepthook == self._thread_hook:
            threading.excepthook = self._previous_thread

    def _hook(self, kind, value, tb) -> None:
        self._previous(kind, value, tb)  # the terminal's traceback; pytest-qt's record
        if not issubclass(kind, Exception):  # KeyboardInterrupt, SystemExit: not a crash
            return
        try:
            self.caught.emit(kind.__name__, details_of(kind, value, tb))
        except Exception:  # reporting must never raise inside the hook
            traceback.print_exc()

    def _thread_hook(self, args) -> None:
        self._previous_thread(args)
        if args.exc_type is not None and issubclass(args.exc_type, Exception):
            try:
                details = details_of(args.exc_type, args.exc_value, args.exc_traceback)
                self.caught.emit(args.exc_type.__name__, f"In thread {args.thread}:\n{details}")
            except Exception:
                traceback.print_exc()

    def _report(self, kind_name: str, details: str) -> None:
        self.count += 1
        window = self.window
        try:  # the work first: the dialog may be the last thing this process shows
            window.autosave_now()
        except Exception:
            details += "\nThe autosave failed too:\n" + traceback.format_exc()
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_details(details)
            return
        sentence = crash_sentence(
            kind_name, bool(window.modified), getattr(window, "autosaver", None) is not None
        )
        self.dialog = CrashDialog(sentence, details, window)
        self.dialog.open()


def install_crash_dialog(window) -> CrashReporter:
    """Report every unexpected exception in ``window``'s process in a dialog over it."""
    return CrashReporter(window)
