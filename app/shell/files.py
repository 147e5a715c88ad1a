"""The main window's file dialogs and questions: the File menu, save and save as, open
recent, the recovery question after a crash and the prompt before work is lost.

The document (app.document) holds what they act on: the path, the modified flag (what
counts as unsaved work is described there), recent files and the autosave writes. The
window fetches the trained weights (``_with_weights``) and the document writes them.

Autosave serializes the work on a pool thread and writes the file on the GUI thread:
1-3 ms in all for the circle, digits-cnn and vae presets (2-50 kB), but ~110 ms of
serializing for a project of 100,000 drawn points (2 MB), once every AUTOSAVE_SECONDS
while modified; encoded in slices (app.autosave.json_in_slices) the GUI thread waits
at most 28-40 ms for the GIL meanwhile, against 77-84 ms for one json.dumps. A save or
discard meanwhile drops the prepared text (``Autosaver.generation``).

The prompts and the recovery question are methods (``ask_unsaved``, ``ask_recovery``)
that tests replace; ``prompts`` (on in the app, off by default) decides whether the
window asks at all, so that scripted windows never block on a dialog.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.autosave import AutosaveEntry, autosave_text, pending_recoveries
from app.bridge import background
from app.recent_files import missing_sentence
from app.shell.data_menu import add_data_actions
from app.shell.export_menu import add_export_actions
from app.shell.saving import BackgroundSave, is_large
from engine.errors import NodeplayError
from engine.presets import preset_names
from engine.project import SUFFIX
from engine.share import from_share_string, to_share_string


class ProjectFilesMixin:
    """Mixed into MainWindow, which provides document, project, session, bridge,
    open_project, open_file, open_preset, copy_setup, paste_setup, show_error and show_info."""

    def _init_files(self, prompts: bool) -> None:
        doc = self.document
        self.prompts = prompts
        self._closing = False
        self._autosaving = False
        self.background_save = BackgroundSave(self)  # large projects save off the GUI thread
        self.recovery_job: int | None = None  # the autosave folder being read (offer_recovery)
        doc.autosave_timer.timeout.connect(self.autosave_now)
        doc.modifiedChanged.connect(self.setWindowModified)
        doc.pathChanged.connect(lambda _path: self.update_title())

    # the document's state, under the names the window has always had
    path = property(lambda self: self.document.path)
    modified = property(lambda self: self.document.modified)
    recent = property(lambda self: self.document.recent)
    autosaver = property(lambda self: self.document.autosaver)

    def _build_file_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        presets = menu.addMenu("&New from preset")
        for name in preset_names():
            presets.addAction(
                name, lambda name=name: self.after_unsaved_check(lambda: self.loader.open_preset(name))
            )
        self.open_action = menu.addAction("&Open…", self.open_dialog)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.recent_menu = menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        self.save_action = menu.addAction("&Save", lambda: self.save())
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_as_action = menu.addAction("Save &As…", lambda: self.save_as())
        self.save_as_action.setShortcut(QKeySequence.StandardKey.SaveAs)
        menu.addSeparator()
        self.copy_setup_action = menu.addAction("&Copy setup string", self.copy_setup)
        self.copy_setup_action.setToolTip("The whole setup as one line to paste or share")
        self.paste_setup_action = menu.addAction(
            "&Paste setup string", lambda: self.after_unsaved_check(self.loader.paste_setup)
        )
        menu.addSeparator()
        add_export_actions(self, menu)
        menu.addSeparator()
        add_data_actions(self, menu)  # V1: Get dataset…, Import images (issue #10)
        menu.addSeparator()
        quit_action = menu.addAction("&Quit", self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", "", "Nodeplay projects (*.nodeplay *.json);;All files (*)"
        )
        if path:
            self.after_unsaved_check(lambda: self.loader.open_file(path))  # off the GUI thread

    def copy_setup(self) -> None:
        QGuiApplication.clipboard().setText(to_share_string(self.project))
        self.statusBar().showMessage("The setup string is on the clipboard.", 5000)

    def paste_setup(self, text: str | None = None) -> bool:
        if text is None:
            text = QGuiApplication.clipboard().text()
        try:
            project = from_share_string(text)
        except NodeplayError as err:
            self.show_error(str(err))
            return False
        return self.open_project(project)

    def _track_epoch(self, epoch: int) -> None:
        self.document.track_epoch(epoch)  # training is unsaved work too

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
            action = menu.addAction(
                f"&{(i + 1) % 10}  {Path(p).name}",
                lambda p=p: self.after_unsaved_check(lambda: self.loader.open_recent(p)),
            )
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
        path, _ = QFileDialog.getSaveFileName(
            self, "Save project", f"{self.project.name}{SUFFIX}", f"Nodeplay projects (*{SUFFIX})"
        )
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
            self.show_error(
                f"The project was not saved: the graph has a problem ({problem}) "
                "Fix it in the Editor or undo the last edit, then save."
            )
            return
        self._with_weights(lambda epoch, weights: self._write(path, epoch, weights, then))

    def _write(self, path: Path, epoch: int, weights, then=None) -> bool:
        if is_large(self.project) or self.background_save.busy:  # ~110 ms for 100,000 points
            self.background_save.save(path, epoch, weights, then)
            return True
        error = self.document.write(path, epoch, weights)
        if error is not None:
            self.show_error(error)
            return False
        self.statusBar().showMessage(f"Saved {path}", 5000)
        self.saved.emit(str(path))
        if then is not None:
            then()
        return True

    # -- autosave and recovery -----------------------------------------------------------
    def autosave_now(self) -> None:
        """Write the unsaved work to this window's autosave file (never the user's)."""
        if (
            self.autosaver is None
            or not self.modified
            or self._autosaving
            or self.graph_problem() is not None
        ):  # only work that can be opened again
            return
        self._autosaving = True

        def write(epoch: int, weights) -> None:
            # serialized on a pool thread (100,000 drawn points: ~0.1 s), written here
            project, original, generation = self.document.autosave_work(epoch, weights)

            def prepared(text, error) -> None:
                self._autosaving = False
                if error is None:
                    error = self.document.autosave_prepared(text, original, generation)
                elif isinstance(error, (OSError, ValueError)):
                    error = f"Autosave failed ({error})."
                else:
                    raise error  # a bug: the app's handler reports it
                if error is not None:
                    self.statusBar().showMessage(error, 10_000)

            background.run(self, lambda: autosave_text(project, original), prepared)

        self._with_weights(write)

    def offer_recovery(self) -> None:
        """At start: offer the work a crashed session left behind (newest first). The
        autosave folder is read off the GUI thread (an autosave holds the weights, which
        can be large), then each entry is asked about until one is restored. Discarded
        ones are deleted; those left for later (the dialog closed without a choice) are
        offered again at the next start. ``recovery_offered`` says when the asking ended."""
        if self.autosaver is None:
            return
        folder = self.autosaver.directory
        self.recovery_job = background.run(
            self, lambda: pending_recoveries(folder), lambda found, error: self._offer(found or [], error)
        )

    def _offer(self, entries: list[AutosaveEntry], error: BaseException | None = None) -> None:
        self.recovery_job = None
        if error is not None:  # an unreadable folder: nothing to offer
            self.show_error(f"The autosaved work could not be looked for ({error}).")
        for i, entry in enumerate(entries):
            answer = self.ask_recovery(entry)
            if answer is not None:
                if self.recover(entry, answer, then=entries[i + 1 :]):
                    return  # restoring: the rest are offered if it fails
        self.recovery_offered.emit(False)

    def ask_recovery(self, entry: AutosaveEntry) -> bool | None:
        """True: restore, False: discard, None: decide at the next start."""
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.saved_at))
        where = f" ({entry.original})" if entry.original is not None else " (never saved)"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Recover unsaved work",
            f"Nodeplay did not close cleanly. Unsaved work on “{entry.name}”{where} was autosaved at {when}.",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        later = box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.setEscapeButton(later)
        box.exec()
        clicked = box.clickedButton()
        return True if clicked is restore else False if clicked is discard else None

    def recover(self, entry: AutosaveEntry, restore: bool, then=()) -> bool:
        """Restore ``entry`` (unsaved, so the title shows ``*``) or delete it. Restoring
        reads and builds it off the GUI thread (app.shell.project_loader); True when that
        started. When it cannot be restored the file stays and the entries ``then``
        are offered next."""
        if not restore:
            entry.file.unlink(missing_ok=True)
            return False

        def shown(_project) -> None:
            self.document.recovered(entry.file, entry.original)
            self.show_info("Restored the autosaved work; save it to keep it.")
            self.recovery_offered.emit(True)

        def failed(sentence: str | None) -> None:
            if sentence is not None:
                self.show_error(
                    f"The autosaved work cannot be restored: {sentence} It stays in {entry.file}."
                )
            self._offer(list(then))

        self.loader.open_with(
            f"Restoring the autosaved {entry.name}…",
            lambda: self.document.read(entry.file),
            None,
            shown=shown,
            failed=failed,
        )
        return True

    # -- asking before work is lost ------------------------------------------------------
    def ask_unsaved(self) -> str:
        """ "save", "discard" or "cancel"."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Unsaved changes",
            f"“{self.project.name}” has unsaved changes (edits or training). Save them first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            QMessageBox.StandardButton(answer), "cancel"
        )

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
            self.document.discard_autosave()
            action()
            return True
        return self.save(then=action)

    def _close_requested(self, event: QCloseEvent) -> bool:
        """False when the close must wait (a prompt, a save in flight) or was cancelled."""
        if self.background_save.busy:  # the window closes once the file is written
            event.ignore()
            self.background_save.when_idle(lambda: QTimer.singleShot(0, self.close))
            return False
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
        self.document.discard_autosave()
