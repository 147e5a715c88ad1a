"""The window's project and its training: opening a project (the document takes it, the
worker trains a copy), every later edit, undo and redo of it (``_project_current``), and
the engine bridge that runs its session. Mixed into MainWindow (app.shell.main_window),
which lays out what this fills: the controls, the views, the loss plot, the labels."""

from __future__ import annotations

from pathlib import Path

from app.bridge.engine_bridge import EngineBridge
from app.document import checked_dataset
from engine.builder.weights_fit import weights_problem
from engine.errors import NodeplayError
from engine.graph.gan import is_gan
from engine.presets import load_preset
from engine.project import Project
from engine.train.factory import make_trainer, same_kind  # G1: a GAN gets its own trainer
from engine.train.session import Session

# S-GUI: snapshots at the display rate; the bridge paces them (it takes one per frame
# and the worker makes the next only once it was taken), so training loses little
SNAPSHOT_INTERVAL = 1 / 60


class ProjectTrainingMixin:
    """Mixed into MainWindow, which provides document, loader, panel, view_area, loss_plot,
    the status labels, show_error, show_info, the snapshot and state slots, and the
    modes' and transport's hooks (_project_replaced, _editor_has_problem, ...)."""

    def open_project(
        self, project: Project, *, session: Session | None = None, path: Path | None = None
    ) -> bool:
        """Make ``project`` the document and show it; on an error the current one stays
        and a sentence says why."""
        # issue #14 (R2): saved weights that do not fit are refused before the document changes
        self.loader.cancel()  # S-OPEN: this open supersedes one still loading
        if session is None and not self._weights_fit(project):
            return False
        if not self._train_project(project, session):
            return False
        self.document.open(project, path)
        return True

    def _weights_fit(self, project: Project) -> bool:
        try:
            problem = project.weights and weights_problem(
                project.graph, checked_dataset(project).spec, project.weights
            )
        except NodeplayError as err:
            problem = str(err)
        if problem:
            self.show_error(f"{problem} The project was not opened; the current one stays.")
        return not problem

    def _train_project(self, project: Project, session: Session | None = None) -> bool:
        """Train ``project`` from now on: every open, edit and undo comes through here.
        The worker gets its own copy; False (and a sentence) when it cannot train."""
        if session is None and self.bridge is not None and same_kind(project, self._trained):
            try:  # refused here, as a new session would be: the current project stays
                self.dataset = checked_dataset(project)
            except NodeplayError as err:
                self.show_error(str(err))
                return False
            self.bridge.set_project(project.copy())  # swapped in on the same worker thread
            self._trained = project
            return True
        try:
            new = session or make_trainer(project.copy(), snapshot_interval=SNAPSHOT_INTERVAL)
            new.numpy_evaluation = False  # torch releases the GIL: the GUI gets its frames
        except NodeplayError as err:
            self.show_error(str(err))
            return False
        self._close_bridge()
        self.session, self.dataset, self._trained = new, new.dataset, project
        self.bridge = EngineBridge(new, self)
        self.bridge.snapshot.connect(self.show_snapshot)
        self.bridge.stateChanged.connect(self._state_changed)
        self.bridge.diverged.connect(lambda _e, text: self.show_error(text))
        self.bridge.finished.connect(lambda _e, text: self.show_info(text))
        self.bridge.failed.connect(self.show_error)
        self.bridge.answered.connect(self._answered)
        if self.speed is not None:
            self.bridge.set_speed(self.speed)
        if self._serve:
            self.bridge.start()
        return True

    def _project_current(self, project: Project) -> None:
        """The document's project changed (opened, edited, undone or redone): train it,
        unless it is the one training already, and show it."""
        if project is not self._trained:
            # an Editor draft that cannot train comes back with the last working graph
            if not self._train_project(self.document.base_project()):
                self.panel.load(project, self.dataset)
                return
            self._trained = project
        ds, shown = self.dataset, self.document.base_project()  # the graph that trains
        self._project_replaced()
        self.loss_plot.set_project(shown, ds)  # S-CNN: it names where the train curve comes from
        self.view_area.set_project(shown, ds)  # asks for its probes
        self._fill_learning_rates(project.train.learning_rate)
        kind = (
            "real samples of a GAN"
            if is_gan(shown.graph)
            else "regression"
            if ds.classes is None
            else f"{ds.classes} classes"
        )
        device = f"  ·  device {self.session.device}" if self.session is not None else ""
        self.device_label.setText(
            f"  {ds.name} ({kind}, {len(ds.x_train)} train / {len(ds.x_test)} test){device}  "
        )
        self.metrics_label.setText("")
        self.epoch_label.setText(f"Epoch {project.epoch:,}")
        self.message.hide()
        self._state_changed(False)
        self.panel.load(shown, ds)
        self.update_title()
        if shown is not project:  # an undo brought back an Editor draft with a problem
            self._editor_has_problem()

    def _refused(self, text: str) -> None:
        """An edit was not made: say why, and show the controls' values as they are."""
        self.show_error(text)
        self.panel.load(self.document.base_project(), self.dataset)

    def _open_loaded(self, load, path: Path | None) -> bool:
        """Open what ``load()`` gives; ``path`` is where Save writes (None: Save As)."""
        try:
            project = load()
        except NodeplayError as err:
            self.show_error(str(err))
            return False
        return self.open_project(project, path=path)

    def open_preset(self, name: str) -> bool:
        return self._open_loaded(lambda: load_preset(name), None)

    def open_file(self, path: str) -> bool:
        return self._open_loaded(lambda: self.document.read(path), Path(path))

    def _close_bridge(self) -> None:
        if self.bridge is not None:
            self.bridge.shutdown()
            self.bridge.deleteLater()
            self.bridge = None
