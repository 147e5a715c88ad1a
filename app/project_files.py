"""The main window's file handling: save, save as, open recent, unsaved-work state,
autosave, recovery after a crash and the prompt before work is lost.

What counts as unsaved work (the window's single "modified" flag, shown as ``*`` in the
title bar): every project edit (``edit_project``: data, layers, settings, the graph in
the editor), a learning-rate or stop change, a weight set by hand, a reinitialization,
and training itself: a snapshot whose epoch differs from the one last saved or opened.
Opening a file, a preset or a setup string starts unmodified; a save clears the flag.

Autosave writes on the GUI thread: about 1 ms for the circle, digits-cnn and vae presets
(JSON plus safetensors, 2-50 kB; /tmp bench, 10 writes each), once every
AUTOSAVE_SECONDS while modified, so it needs no thread of its own.

The prompts and the recovery question are methods (``ask_unsaved``, ``ask_recovery``)
that tests replace; ``prompts`` (on in the app, off by default) decides whether the
window asks at all, so that scripted windows never block on a dialog.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from app.autosave import AUTOSAVE_SECONDS, AutosaveEntry, Autosaver, pending_recoveries
from app.recent_files import RecentFiles, missing_sentence
from engine.errors import NodeplayError
from engine.project import SUFFIX, load_project, save_project


class ProjectFilesMixin:
    """Mixed into MainWindow, which provides project, session, bridge, path,
    open_project, open_file, show_error and show_info."""

    def _init_files(self, settings: QSettings | None, autosave_dir: Path | None,
                    prompts: bool) -> None:
        self.recent = RecentFiles(settings)
        self.autosaver = Autosaver(autosave_dir) if autosave_dir is not None else None
        self.prompts = prompts
        self.modified = False
        self._saved_epoch = 0
        self._closing = False
        self._autosaving = False
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_SECONDS * 1000)
        self.autosave_timer.timeout.connect(self.autosave_now)

    def _add_recent_menu(self, file_menu: QMenu) -> None:
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)

    # -- the modified state ----------------------------------------------------------
    def set_modified(self, modified: bool = True) -> None:
        self.modified = modified
        self.setWindowModified(modified)
        if modified and self.autosaver is not None and not self.autosave_timer.isActive():
            self.autosave_timer.start()
        elif not modified:
            self.autosave_timer.stop()

    def _started_clean(self, epoch: int) -> None:
        """A project was just opened: nothing is unsaved yet."""
        self._saved_epoch = epoch
        self._autosaving = False
        self.set_modified(False)
        self.update_title()

    def _track_epoch(self, epoch: int) -> None:
        if not self.modified and epoch != self._saved_epoch:
            self.set_modified(True)

    def update_title(self) -> None:
        where = f" — {self.path.name}" if self.path is not None else ""
        self.setWindowTitle(f"Nodeplay — {self.project.name}{where}[*]")

    # -- recent files ----------------------------------------------------------------
    def fill_recent_menu(self) -> None:
        missing = self.recent.prune()
        if missing:
            self.show_info(missing_sentence(missing))
        menu = self.recent_menu
        menu.clear()
        paths = self.recent.paths()
        for i, p in enumerate(paths):
            action = menu.addAction(f"&{(i + 1) % 10}  {Path(p).name}",
                                    lambda p=p: self.after_unsaved_check(lambda: self.open_recent(p)))
            action.setToolTip(p)
            action.setStatusTip(p)
        if not paths:
            menu.addAction("No recent projects").setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear list", self.recent.clear)
        clear.setEnabled(bool(paths))

    def open_recent(self, path: str) -> bool:
        if not Path(path).is_file():
            self.recent.remove(path)
            self.show_error(missing_sentence([path]))
            return False
        return self.open_file(path)

    # -- saving --------------------------------------------------------------------------
    def save(self, then=None) -> bool:
        """Save to the project's file (Save As when it has none); ``then`` runs once it is
        written. False when the user cancelled the file dialog."""
        if self.path is None:
            return self.save_as(then)
        self.save_to(self.path, then)
        return True

    def save_as(self, then=None) -> bool:
        path, _ = QFileDialog.getSaveFileName(self, "Save project", f"{self.project.name}{SUFFIX}",
                                              f"Nodeplay projects (*{SUFFIX})")
        if not path:
            return False
        if not Path(path).suffix:
            path += SUFFIX
        self.save_to(path, then)
        return True

    def _with_weights(self, use) -> None:
        """Call ``use(epoch, weights)`` with the trained state.

        The weights come back through the worker (Capture -> StateCaptured), so nothing
        here reads the worker's tensors; an idle session is read directly."""
        bridge = self.bridge
        if bridge is None or not bridge.running:
            use(self.session.epoch, self.session.weights())
            return

        def done(event) -> None:
            bridge.captured.disconnect(done)
            if bridge is self.bridge:
                use(event.epoch, event.weights)

        bridge.captured.connect(done)
        bridge.capture()

    def save_to(self, path, then=None) -> None:
        """Save the project with its trained weights; ``saved`` tells when it is written.
        A graph with a problem is not saved: the file could not be opened again."""
        path = Path(path)
        problem = self.graph_problem()
        if problem is not None:
            self.show_error(f"The project was not saved: the graph has a problem ({problem}) "
                            "Fix it in the Editor or undo the last edit, then save.")
            return
        self._with_weights(lambda epoch, weights: self._write(path, epoch, weights)
                           and then is not None and then())

    def _write(self, path: Path, epoch: int, weights) -> bool:
        project = self.project.copy()
        project.epoch, project.weights = epoch, weights
        try:
            save_project(project, path)
        except OSError as err:
            self.show_error(f"The project could not be saved to {path} ({err.strerror or err}).")
            return False
        self.path = path
        self._saved_epoch = epoch
        self.set_modified(False)
        self.recent.add(path)
        if self.autosaver is not None:
            self.autosaver.discard()
        self.update_title()
        self.statusBar().showMessage(f"Saved {path}", 5000)
        self.saved.emit(str(path))
        return True

    # -- autosave and recovery -----------------------------------------------------------
    def autosave_now(self) -> None:
        """Write the unsaved work to this window's autosave file (never the user's)."""
        if (self.autosaver is None or not self.modified or self._autosaving
                or self.graph_problem() is not None):  # only work that can be opened again
            return
        self._autosaving = True

        def write(epoch: int, weights) -> None:
            self._autosaving = False
            project = self.project.copy()
            project.epoch, project.weights = epoch, weights
            try:
                self.autosaver.write(project, self.path)
            except OSError as err:  # a full disk must not interrupt the user's work
                self.statusBar().showMessage(f"Autosave failed ({err.strerror or err}).", 10_000)

        self._with_weights(write)

    def offer_recovery(self) -> bool:
        """At start: offer the work a crashed session left behind (newest first);
        True when one was restored. Discarded ones are deleted; those left for later
        (the dialog closed without a choice) are offered again at the next start."""
        if self.autosaver is None:
            return False
        for entry in pending_recoveries(self.autosaver.directory):
            answer = self.ask_recovery(entry)
            if answer is not None and self.recover(entry, answer):
                return True
        return False

    def ask_recovery(self, entry: AutosaveEntry) -> bool | None:
        """True: restore, False: discard, None: decide at the next start."""
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.saved_at))
        where = f" ({entry.original})" if entry.original is not None else " (never saved)"
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work",
                          f"Nodeplay did not close cleanly. Unsaved work on “{entry.name}”"
                          f"{where} was autosaved at {when}.",
                          QMessageBox.StandardButton.NoButton, self)
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        later = box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.setEscapeButton(later)
        box.exec()
        clicked = box.clickedButton()
        return True if clicked is restore else False if clicked is discard else None

    def recover(self, entry: AutosaveEntry, restore: bool) -> bool:
        """Restore ``entry`` (unsaved, so the title shows ``*``) or delete it."""
        if not restore:
            entry.file.unlink(missing_ok=True)
            return False
        try:
            project = load_project(entry.file)
        except NodeplayError as err:
            self.show_error(f"The autosaved work cannot be restored: {err} It stays in {entry.file}.")
            return False
        if not self.open_project(project):
            return False
        original = entry.original if entry.original is not None and entry.original.is_file() else None
        self.path = original
        self._started_clean(project.epoch)
        self.set_modified(True)
        self.autosaver.adopt(entry.file)
        self.show_info("Restored the autosaved work; save it to keep it.")
        return True

    # -- asking before work is lost ------------------------------------------------------
    def ask_unsaved(self) -> str:
        """"save", "discard" or "cancel"."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"“{self.project.name}” has unsaved changes (edits or training). "
                          "Save them first?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(
                    QMessageBox.StandardButton(answer), "cancel")

    def after_unsaved_check(self, action) -> bool:
        """Run ``action()`` now, or after saving, unless the user cancels; asks only
        when there is unsaved work. False when cancelled."""
        if not (self.prompts and self.modified):
            action()
            return True
        answer = self.ask_unsaved()
        if answer == "cancel":
            return False
        if answer == "discard":
            if self.autosaver is not None:
                self.autosaver.discard()
            action()
            return True
        return self.save(then=action)

    def _close_requested(self, event: QCloseEvent) -> bool:
        """False when the close must wait (a prompt, a save in flight) or was cancelled."""
        if self._closing or not (self.prompts and self.modified):
            return True
        event.ignore()

        def close_now() -> None:
            self._closing = True
            self.close()

        # closing from inside a close event is not safe: leave it to the event loop
        self.after_unsaved_check(lambda: QTimer.singleShot(0, close_now))
        return False

    def _closed_cleanly(self) -> None:
        self.autosave_timer.stop()
        if self.autosaver is not None:
            self.autosaver.discard()
