"""The open document: the project, its path, the modified flag, recent files, autosave and
ONE undo stack that the Playground's controls and the Editor's canvas both push onto.

Qt core and gui only (signals, QUndoStack, a timer): no widgets, so the panel, the editor
and lessons can talk to it without knowing the window, and tests can drive it headless.

Two kinds of commands share the stack:
  ReplaceProject  a Playground edit that needs a rebuild (data, layers, features, optimizer,
                  ...): redo and undo swap whole project objects; ``projectReplaced`` tells
                  the window to train the project now current. Old project objects stay
                  untouched, so undoing brings back exactly the graph (and weights) before.
  SetSetting      a setting the running session takes live (learning rate, stop epochs):
                  ``settingChanged(name)`` tells the window to pass it on.
The Editor's own commands (app.editor.commands) edit the current project's graph in place;
because the stack is linear, the graph they touch is always the one current when they run.

What counts as unsaved work: any command since the clean state of the stack (so undoing back
to it is clean again), anything marked dirty outside the stack (a weight set by hand, new
random weights), and training: an epoch other than the one last saved or opened.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.autosave import AUTOSAVE_SECONDS, Autosaver
from app.recent_files import RecentFiles
from engine.budget import check_fits
from engine.data import make_dataset
from engine.data.gan_real import gan_dataset
from engine.errors import NodeplayError
from engine.graph import Graph, validate
from engine.graph.gan import is_gan
from engine.project import Project, load_project, save_project


class ReplaceProject(QUndoCommand):
    def __init__(self, doc: Document, new: Project, text: str) -> None:
        super().__init__(text)
        self.doc, self.old, self.new = doc, doc.project, new
        self.old_working = doc.working_graph  # the old graph may be an Editor draft

    def redo(self) -> None:
        self.doc._swap(self.new, self.new.graph.copy())

    def undo(self) -> None:
        self.doc._swap(self.old, self.old_working)


MERGE_SECONDS = 1.5  # a number typed digit by digit, or quick repeats, is one undo step


class SetSetting(QUndoCommand):
    """One field of ``project.train`` the session takes without a restart."""

    def __init__(self, doc: Document, name: str, value, text: str) -> None:
        super().__init__(text)
        self.doc, self.name, self.new = doc, name, value
        self.old = getattr(doc.project.train, name)
        self.at = time.monotonic()

    def id(self) -> int:
        return 1 + SETTINGS.index(self.name) if self.name in SETTINGS else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetSetting) or other.at - self.at > MERGE_SECONDS:
            return False
        self.new, self.at = other.new, other.at
        self.setText(other.text())
        return True

    def _set(self, value) -> None:
        setattr(self.doc.project.train, self.name, value)
        self.doc._changed()
        self.doc.settingChanged.emit(self.name)

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)


SETTINGS = ("learning_rate", "stop_epochs")  # the live ones, for merging


# (project, its graph, data settings and points as checked, the dataset): an edit is
# checked, then trained; the Editor edits a graph in place, hence the copies. A few are
# kept, newest first: undoing and redoing an edit of a large set builds nothing again
# (issue #14: a million points take ~0.5 s). Checked on the GUI thread and on
# app.shell.project_loader's pool thread, hence the lock.
CHECKED_KEPT = 3
_checked: list[tuple] = []
_checked_lock = threading.Lock()


def checked_dataset(project: Project):
    """The dataset of ``project`` once its graph is known to fit it; NodeplayError (one
    sentence) when the data cannot be made or the graph does not fit. The check a
    session makes when built. The last projects' datasets are kept, so the document's
    check before an edit and the window's training of it build the data once."""
    with _checked_lock:
        kept = list(_checked)
    for last, graph, data, points, dataset in kept:
        if (
            last is project
            and same_but_places(graph, project.graph)
            and data == project.data
            and points is project.points
        ):
            return dataset
    if is_gan(project.graph):  # S-GAN: a GAN's real samples as its trainer makes them
        dataset = gan_dataset(project)
    else:  # an edit of the network or the training keeps the data: build it only when it changed
        same_data = (
            e[4] for e in kept if e[2] == project.data and e[3] is project.points and not is_gan(e[1])
        )
        dataset = next(same_data, None) or make_dataset(project.data, project.points)
    validate(project.graph, dataset.spec).raise_if_invalid()
    check_fits(project, dataset)  # issue #14: refuse what would not fit in memory, with the figures
    keep_checked(project, dataset)
    return dataset


def same_but_places(a: Graph, b: Graph) -> bool:
    """Whether two graphs are equal but for where the Editor placed their nodes (it lays
    out a shown project's graph in place; no check reads positions)."""
    if a == b:
        return True
    if a.nodes.keys() != b.nodes.keys():
        return False
    moved = copy.copy(a)
    moved.nodes = {k: dataclasses.replace(n, pos=b.nodes[k].pos) for k, n in a.nodes.items()}
    return moved == b


def keep_checked(project: Project, dataset) -> None:
    """Remember ``dataset`` as ``project``'s (also when checked by ``checked_dataset`` off
    the GUI thread, in app.shell.project_loader: opening it then builds nothing again)."""
    entry = (project, project.graph.copy(), copy.deepcopy(project.data), project.points, dataset)
    with _checked_lock:
        _checked[:] = [entry] + [e for e in _checked if e[0] is not project][: CHECKED_KEPT - 1]


BACKGROUND_POINTS = 50_000  # an edit of a larger set is checked off the GUI thread (~25 ms of data)


def new_large_data(project: Project, base: Project) -> bool:
    """Whether the edit ``base`` -> ``project`` gives a set of over BACKGROUND_POINTS points
    new data (its settings or its points), which the window builds off the GUI thread."""
    points = len(project.points[1]) if project.points is not None else int(project.data.samples)
    if points <= BACKGROUND_POINTS:
        return False
    if project.data != base.data:
        return True
    a, b = project.points, base.points
    if a is None or b is None:
        return a is not b
    return not (np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]))


def project_problem(project: Project) -> str | None:
    """Why ``project`` cannot train, as a sentence; None when it can."""
    try:
        checked_dataset(project)
    except NodeplayError as err:
        return str(err)
    return None


class Document(QObject):
    projectReplaced = Signal(object)  # the Project now current (opened, edited, undone)
    graphEdited = Signal(str, list)  # an Editor edit in place: kind, node ids
    settingChanged = Signal(str)  # a live training setting of the current project
    refused = Signal(str)  # an edit that was not made, and why
    modifiedChanged = Signal(bool)
    pathChanged = Signal(object)  # Path | None

    def __init__(
        self,
        settings: QSettings | None = None,
        autosave_dir: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.path: Path | None = None
        self.undo_stack = QUndoStack(self)
        self.recent = RecentFiles(settings)
        self.autosaver = Autosaver(autosave_dir) if autosave_dir is not None else None
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_SECONDS * 1000)
        self.working_graph: Graph | None = None  # the last graph training accepted
        self._saved_epoch = self._epoch = 0
        self._dirty = False
        self._modified = False
        self.undo_stack.cleanChanged.connect(self._changed)  # a bound slot: no call after deletion
        # every edit, merged ones too (Qt merges an edit into the last without a new index)
        self.revision = 0
        self.undo_stack.indexChanged.connect(self._revised)
        with _checked_lock:  # data another window checked may since be gone (a download's folder)
            _checked.clear()

    # -- opening -----------------------------------------------------------------------
    @staticmethod
    def read(path: str | Path) -> Project:
        """The project in the file at ``path`` (read once; NodeplayError says what is wrong)."""
        return load_project(path)

    def open(self, project: Project, path: Path | None = None) -> None:
        """Make ``project`` the document, unmodified, with a fresh undo history."""
        self.undo_stack.clear()
        self.project = project
        self.working_graph = project.graph.copy()
        self._saved_epoch = self._epoch = project.epoch
        self._dirty = False
        self.set_path(path)
        self.projectReplaced.emit(project)
        self.undo_stack.setClean()
        self._changed()

    def set_path(self, path: str | Path | None) -> None:
        self.path = None if path is None else Path(path)
        if self.path is not None:
            self.recent.add(self.path)
        self.pathChanged.emit(self.path)

    # -- editing -----------------------------------------------------------------------
    def base_project(self) -> Project:
        """What a Playground edit starts from: the project, but with the last graph that
        trained while the Editor's graph has a problem (the Playground shows that one)."""
        if self.working_graph is None or self.working_graph == self.project.graph:
            return self.project
        base = self.project.copy()
        base.graph = self.working_graph.copy()
        return base

    def replace(self, project: Project, text: str) -> bool:
        """Make the edited ``project`` current as one undoable step, when it can train;
        otherwise ``refused`` says why and nothing changes."""
        problem = project_problem(project)
        if problem is not None:
            self.refused.emit(problem)
            return False
        self.undo_stack.push(ReplaceProject(self, project, text))
        return True

    def set_setting(self, name: str, value, text: str) -> None:
        if getattr(self.project.train, name) != value:
            self.undo_stack.push(SetSetting(self, name, value, text))

    def graph_edited(self, kind: str, ids: list) -> None:
        """The Editor changed the current graph in place (by a command on the stack)."""
        self._changed()
        self.graphEdited.emit(kind, list(ids))

    def graph_accepted(self) -> None:
        """Training took the current graph: the Playground may show it."""
        self.working_graph = self.project.graph.copy()

    def _swap(self, project: Project, working: Graph | None) -> None:
        self.project = project
        self.working_graph = working
        self._epoch = project.epoch
        self.projectReplaced.emit(project)
        self._changed()

    # -- the modified state ------------------------------------------------------------
    @property
    def modified(self) -> bool:
        return self._modified

    def _revised(self, *_index) -> None:
        self.revision += 1

    def mark_dirty(self) -> None:
        """A change outside the undo history (a weight set by hand, fresh random weights)."""
        self._dirty = True
        self.revision += 1
        self._changed()

    def track_epoch(self, epoch: int) -> None:
        if epoch != self._epoch:
            self._epoch = epoch
            self._changed()

    def _changed(self, *_clean) -> None:
        modified = self._dirty or not self.undo_stack.isClean() or self._epoch != self._saved_epoch
        if modified and self.autosaver is not None and not self.autosave_timer.isActive():
            self.autosave_timer.start()
        elif not modified:
            self.autosave_timer.stop()
        if modified != self._modified:
            self._modified = modified
            self.modifiedChanged.emit(modified)

    def mark_saved(self, epoch: int) -> None:
        self._saved_epoch = self._epoch = epoch
        self._dirty = False
        self.undo_stack.setClean()
        self._changed()

    # -- writing -----------------------------------------------------------------------
    def _with_state(self, epoch: int, weights) -> Project:
        project = self.project.copy()
        project.epoch, project.weights = epoch, weights
        return project

    def write(self, path: str | Path, epoch: int, weights) -> str | None:
        """Save the project with the trained state to ``path``; the error as a sentence."""
        path = Path(path)
        try:
            save_project(self._with_state(epoch, weights), path)
        except OSError as err:
            return f"The project could not be saved to {path} ({err.strerror or err})."
        self.set_path(path)
        self.mark_saved(epoch)
        if self.autosaver is not None:
            self.autosaver.discard()
        return None

    def save_work(self, epoch: int, weights) -> tuple[Project, int]:
        """What a save off the GUI thread writes (app.shell.saving): the project with the
        trained state, and the revision it holds."""
        return self._with_state(epoch, weights), self.revision

    def written(self, path: str | Path, epoch: int, revision: int) -> None:
        """A save of the work at ``revision`` is on disk; edits made since stay unsaved."""
        self.set_path(Path(path))
        if self.revision == revision:
            self.mark_saved(epoch)
            if self.autosaver is not None:
                self.autosaver.discard()

    def autosave(self, epoch: int, weights) -> str | None:
        """Write the unsaved work to the autosave file (never the user's); the error."""
        if self.autosaver is None:
            return None
        try:
            self.autosaver.write(self._with_state(epoch, weights), self.path)
        except OSError as err:  # a full disk must not interrupt the user's work
            return f"Autosave failed ({err.strerror or err})."
        return None

    def autosave_work(self, epoch: int, weights) -> tuple[Project, Path | None, int]:
        """What an autosave prepared off the GUI thread writes: the project with the trained
        state (``autosave_text`` of it there), its path, and the autosaver's generation
        for ``autosave_prepared``."""
        return self._with_state(epoch, weights), self.path, self.autosaver.generation

    def autosave_prepared(self, text: str, original: Path | None, generation: int) -> str | None:
        """Write an autosave's ``text`` unless the work was saved, discarded or closed since
        it was prepared (or is no longer unsaved); the error as a sentence."""
        if self.autosaver is None or self.autosaver.generation != generation or not self.modified:
            return None
        try:
            self.autosaver.write_text(text, original)
        except OSError as err:  # a full disk must not interrupt the user's work
            return f"Autosave failed ({err.strerror or err})."
        return None

    def recovered(self, file: Path, original: Path | None) -> None:
        """The autosave ``file`` was restored as the document: unsaved, and this
        session's autosave from now on."""
        self.set_path(original if original is not None and original.is_file() else None)
        self.mark_dirty()
        self.autosaver.adopt(file)

    def discard_autosave(self) -> None:
        self.autosave_timer.stop()
        if self.autosaver is not None:
            self.autosaver.discard()
