"""Opening a project (File › Open, Open Recent, New from preset, Paste setup string, a
lesson, the restore of an autosave after a crash) and importing a CSV of points or
checking the data of Get dataset / Import images without freezing the window (issue
#14, item 3). ``open_with`` and ``replace`` take hooks for what follows (the lesson
panel docked, the autosave adopted, a sentence of the caller's own).

What grows with the data runs on a pool thread (app.bridge.background): reading and
checking the file, building and checking the dataset (``checked_dataset``, whose
result the GUI thread then reuses), and a new trainer when the project needs another
kind. Meanwhile a note with a busy bar sits in the status bar and the current project
stays usable. When the work is done the window shows the project (or a sentence, and
the current one stays). Only the latest request counts: a result that arrives after
the user asked for something else, or after the window closed, is dropped. A Playground
edit that gives a large set new data (noise, ratio, regenerate) is built the same way.

bench/big_data_freeze.py, 2 cores at load average 1.3 (2026-11-30): opening circle with
1,000,000 points leaves the GUI thread's longest gap at 81 ms (43 ms of its CPU; the
500-point baseline's 81 ms), against 335 ms with ``--on-gui-thread``; importing a
100,000-row CSV 71 ms (101 ms). At load average ~10 the gaps stretched to 185-430 ms
wall while the GUI thread's own CPU in them stayed at 43-80 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from app.bridge import background
from app.document import Document, checked_dataset, keep_checked
from app.playground.panel_edits import imported_points
from app.recent_files import missing_sentence
from app.shell.project_training import SNAPSHOT_INTERVAL
from engine.builder.weights_fit import weights_problem
from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.project import Project
from engine.share import from_share_string
from engine.train.factory import make_trainer, trainer_kind

NOT_OPENED = "The project was not opened; the current one stays."


def prepare(load, kind: str | None, snapshot_interval: float):
    """On a pool thread: the project ``load()`` gives, its checked dataset, and a trainer
    when it needs another kind than ``kind`` (None otherwise). NodeplayError: why not."""
    project: Project = load()
    dataset = checked_dataset(project)
    if project.weights:
        problem = weights_problem(project.graph, dataset.spec, project.weights)
        if problem:
            raise NodeplayError(f"{problem} {NOT_OPENED}")
    session = None
    if trainer_kind(project) != kind:
        session = make_trainer(project.copy(), snapshot_interval=snapshot_interval)
    return project, dataset, session


class ProjectLoader(QObject):
    """The window's background opens and imports; ``finished(ok)`` follows each one that
    was not superseded (after the project is shown, or the sentence saying why not)."""

    started = Signal(str)  # the note on show
    finished = Signal(bool)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self._job: int | None = None
        self.note = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy: how long a dataset takes to build is not known
        self.bar.setMaximumSize(90, 14)
        self.bar.setTextVisible(False)
        self.box = QWidget()
        layout = QHBoxLayout(self.box)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.note)
        self.box.hide()
        window.statusBar().insertPermanentWidget(0, self.box)
        window.panel.import_in_background = self.import_points
        window.panel.edit_in_background = self.replace

    @property
    def busy(self) -> bool:
        """Whether a request is still on its way (tests wait for this to turn False)."""
        return background.pending(self._job)

    def cancel(self) -> None:
        """Drop the request on its way (the window closes): it ends on its own thread."""
        background.cancel(self._job)
        self._job = None
        self.box.hide()

    # -- opening -----------------------------------------------------------------------
    def open_file(self, path: str) -> None:
        self.open_with(f"Opening {Path(path).name}…", lambda: Document.read(path), Path(path))

    def open_recent(self, path: str) -> None:
        if not Path(path).is_file():
            self.window.recent.remove(path)
            self.window.show_error(missing_sentence([path]))
            return
        self.open_file(path)

    def open_preset(self, name: str) -> None:
        self.open_with(f"Opening the {name} preset…", lambda: load_preset(name), None)

    def paste_setup(self, text: str | None = None) -> None:
        if text is None:
            text = QGuiApplication.clipboard().text()
        self.open_with("Opening the pasted setup…", lambda: from_share_string(text), None)

    def open_with(
        self,
        note: str,
        load: Callable[[], Project],
        path: Path | None,
        *,
        shown: Callable[[Project], None] | None = None,
        failed: Callable[[str | None], None] | None = None,
    ) -> None:
        """Open what ``load()`` gives (called on a pool thread, with the data built there);
        ``path`` is where Save writes (None: Save As). Then ``shown(project)`` once it is
        the document, or ``failed(sentence)`` when it was not opened (the sentence is
        ``failed``'s to say; None: the window said why already). A superseded request
        calls neither."""
        w = self.window
        kind = trainer_kind(w._trained) if w._trained is not None else None
        mark = self._mark()

        def opened(result, error) -> bool:
            if error is not None:
                return self._refused(error, w.show_error if failed is None else failed)
            project, dataset, session = result
            keep_checked(project, dataset)  # the window's checks find it built

            def show() -> bool:
                ok = w.open_project(project, session=session, path=path)
                if ok and shown is not None:
                    shown(project)
                elif not ok and failed is not None:
                    failed(None)
                return ok

            if self._mark() != mark:  # edited while it loaded: ask again before that is lost
                return w.after_unsaved_check(show)
            return show()

        self._start(note, lambda: prepare(load, kind, SNAPSHOT_INTERVAL), opened)

    # -- importing points -----------------------------------------------------------------
    def import_points(self, path) -> None:
        """Import CSV…: read the file and build the dataset off the GUI thread, then make
        it one undoable edit (dropped, with a sentence, if the project changed meanwhile)."""
        doc = self.window.document
        base, mark = doc.base_project().copy(), self._mark()  # the worker reads its own copy

        def work():
            project = imported_points(base, path)
            return project, checked_dataset(project)

        def imported(result, error) -> bool:
            if error is not None:
                return self._refused(error, doc.refused.emit)
            if self._mark() != mark:
                self.window.show_error(
                    f"The points of {Path(path).name} were not imported: the project changed "
                    "while the file was read. Import it again."
                )
                return False
            project, dataset = result
            keep_checked(project, dataset)
            return doc.replace(project, "Import points")

        self._start(f"Reading {Path(path).name}…", work, imported)

    # -- edits of a large set --------------------------------------------------------------
    def replace(
        self,
        project: Project,
        text: str,
        *,
        note: str | None = None,
        done: Callable[[], None] | None = None,
        refused: Callable[[str], None] | None = None,
        stale: Callable[[], None] | None = None,
    ) -> None:
        """A Playground edit of a large set (noise, ratio, regenerate…): its data is built and
        checked off the GUI thread, then it becomes one undoable edit (``Document.replace``,
        which finds the data built) and ``done()`` follows. Refused: ``refused(sentence)``
        (by default the document's ``refused``: a sentence, the controls show what trains).
        Dropped if the project changed meanwhile: ``stale()`` (by default the controls
        show the project again). A newer request supersedes it (none of the three)."""
        w, doc, mark = self.window, self.window.document, self._mark()

        def checked(dataset, error) -> bool:
            if error is not None:
                return self._refused(error, doc.refused.emit if refused is None else refused)
            if self._mark() != mark:
                if stale is None:
                    w.panel.load(doc.base_project(), w.dataset)
                else:
                    stale()
                return False
            keep_checked(project, dataset)
            ok = doc.replace(project, text)
            if ok and done is not None:
                done()
            return ok

        note = note or f"Building the data: {text}…"
        self._start(note, lambda: checked_dataset(project), checked)

    # -- the job -------------------------------------------------------------------------
    def _mark(self):
        """What the document is now: the same object with the same undo step."""
        doc = self.window.document
        return doc.project, doc.undo_stack.index()

    def _start(self, note: str, work, done) -> None:
        background.cancel(self._job)  # the newer request wins

        def arrived(result, error) -> None:
            self._job = None
            self.box.hide()
            ok = False
            try:
                ok = bool(done(result, error))
            finally:
                self.finished.emit(ok)

        self._job = background.run(self, work, arrived)
        self.note.setText(note)
        self.box.show()
        self.started.emit(note)

    @staticmethod
    def _refused(error: BaseException, say) -> bool:
        if isinstance(error, NodeplayError):
            say(str(error))
            return False
        raise error  # a bug: the app's handler reports it, as it would on the GUI thread
