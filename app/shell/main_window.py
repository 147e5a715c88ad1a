"""The main window: toolbar, then two modes (app.shell.modes): the Playground (controls,
boundary view or sample images, network tabs and loss plot side by side) and the Editor
(the node graph over the loss plot); a status bar. It lays out and wires: the project, its
file, its modified flag and the one undo stack of both modes are the document's
(app.document); file dialogs are in app.shell.files, the modes in app.shell.modes, the
project's opening and training in app.shell.project_training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.bridge.engine_bridge import EngineBridge
from app.document import Document
from app.look.theme import add_theme_menu
from app.playground import PlaygroundPanel
from app.playground.classroom import ask_hidden_groups
from app.shell.files import ProjectFilesMixin
from app.shell.lessons import LessonsMixin  # L1: lessons and Help
from app.shell.message_bar import MessageBar
from app.shell.modes import EditorModeMixin
from app.shell.path_label import TrainingPathLabel
from app.shell.presentation import Presentation  # L3: classroom
from app.shell.project_loader import ProjectLoader  # S-OPEN: opens and imports off the GUI thread
from app.shell.project_training import SNAPSHOT_INTERVAL, ProjectTrainingMixin
from app.shell.recording import install_recording  # L3: classroom
from app.shell.runs_window import add_runs_action  # L3: classroom
from app.shell.transport import SteadyLabel, TransportMixin
from app.views.area import ViewArea
from app.views.loss_plot import QtLossPlot
from engine.data.dataset import USER
from engine.presets import DEFAULT, load_preset
from engine.project import Project
from engine.train.events import Snapshot
from engine.train.session import Session

__all__ = ["SNAPSHOT_INTERVAL", "MainWindow"]  # SNAPSHOT_INTERVAL: where it always was
METRICS_WIDEST = "loss train 8888.8888  test 8888.8888   ·   accuracy train 100.0%  test 100.0%  "


class MainWindow(
    ProjectTrainingMixin, LessonsMixin, ProjectFilesMixin, EditorModeMixin, TransportMixin, QMainWindow
):
    saved = Signal(str)  # the path a project was saved to (after the weights came back)
    # the recovery questions ended (whether work was restored); not when a restore on its
    # way was superseded by another open
    recovery_offered = Signal(bool)

    def __init__(
        self,
        project: Project | None = None,
        *,
        session: Session | None = None,
        serve: bool = True,
        settings: QSettings | None = None,
        autosave_dir: Path | None = None,
        prompts: bool = False,
    ) -> None:
        """``settings`` keeps the recent files (in memory without it), ``autosave_dir``
        turns autosave on, ``prompts`` asks before unsaved work is lost (app.main
        passes all three; scripted windows never block on a dialog)."""
        super().__init__()
        self.resize(1400, 860)
        self.document = doc = Document(settings, autosave_dir, self)
        self.bridge: EngineBridge | None = None
        self.session: Session | None = None
        self.dataset = None  # the data of the project on show
        self._trained: Project | None = None  # the document's project the worker trains
        self._serve = serve
        self.speed: float | None = None  # epochs/s asked of every session; None: max
        self.hidden_groups: dict[str, bool] = {}  # classroom mode
        self.compare_windows: list = []  # kept alive while open
        self._hovered: tuple[str, int] | None = None
        self._last_diagram = 0.0
        self._pending_tab = None  # the latest snapshot, for a tab shown later
        self._init_files(prompts)
        self._build_actions()
        self._build_toolbar()
        self._build_body()
        self._build_status()
        self.loader = ProjectLoader(self)  # S-OPEN (issue #14): File › Open, Recent, presets, CSV
        self._build_lessons()  # L1: the lesson dock and the Help menu (after View)
        install_recording(self)  # L3: View › Record training…, window.recorder
        doc.projectReplaced.connect(self._project_current)
        doc.settingChanged.connect(self._setting_changed)
        doc.graphEdited.connect(self._graph_edited)
        doc.refused.connect(self._refused)
        # T-OOM (issue #14): the Device setting moves the session; out of GPU memory offers the CPU
        from app.shell.device_fallback import DeviceFallback

        self.device_fallback = DeviceFallback(self)  # after _project_current: it sees the new bridge
        self.open_project(project or load_preset(DEFAULT), session=session)

    @property
    def project(self) -> Project:
        return self.document.project

    # -- construction ----------------------------------------------------------------
    def _build_actions(self) -> None:
        self._build_transport_actions()
        self._build_file_menu()
        edit = self.menuBar().addMenu("&Edit")
        stack = self.document.undo_stack
        self.undo_action = edit.addAction("&Undo", lambda: self._sync_editor() or stack.undo())
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = edit.addAction("&Redo", lambda: self._sync_editor() or stack.redo())
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        stack.indexChanged.connect(self._undo_texts)
        stack.cleanChanged.connect(self._undo_texts)
        self._undo_texts()
        view = self.menuBar().addMenu("&View")
        self.classroom_action = view.addAction("&Classroom mode…", self.classroom_dialog)
        self.compare_action = view.addAction("Co&mpare variants…", self.open_compare)
        self.compare_action.setShortcut("Ctrl+M")
        view.addSeparator()
        view.addAction("&Playground", lambda: self.show_mode("playground")).setShortcut("Ctrl+1")
        view.addAction("&Editor", lambda: self.show_mode("editor")).setShortcut("Ctrl+2")
        view.addSeparator()
        self.theme_menu = add_theme_menu(view, self)  # light or dark: every view follows
        self.presentation = Presentation(self, view)  # L3: F5, for a projector
        add_runs_action(self, view)  # L3: two saved runs on one chart

    def _undo_texts(self, *_changed) -> None:
        """The Edit menu names what Undo and Redo would do ("Undo Dataset spiral")."""
        stack = self.document.undo_stack
        for action, name, can, text in (
            (self.undo_action, "&Undo", stack.canUndo(), stack.undoText()),
            (self.redo_action, "&Redo", stack.canRedo(), stack.redoText()),
        ):
            action.setEnabled(can)
            action.setText(f"{name} {text}" if text else name)

    def _build_body(self) -> None:
        self.message = MessageBar()
        self.panel = PlaygroundPanel(self.document)
        self.panel.message.connect(
            lambda kind, text: self.show_error(text) if kind == "error" else self.show_info(text)
        )
        self.panel.speedChosen.connect(self.set_speed)
        self.panel.reinitializeRequested.connect(self.reinitialize)
        self.panel.liveParamChosen.connect(self.set_live_param)  # G2: β, live
        scroll = QScrollArea()
        scroll.setWidget(self.panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.panel.sizeHint().width() + 16)
        scroll.setMaximumWidth(self.panel.sizeHint().width() + 60)
        # the plane and the tabs hold the registered views that apply to the project
        self.view_area = area = ViewArea(self)
        area.subscriptionsChanged.connect(self._push_probes)
        area.asked.connect(self._ask)
        area.document = self.document  # S-GAN: views' own edits (points drawn on gan-2d)
        self._asks: dict[int, str] = {}  # request id -> the view that asked
        self.plane_stack, self.tabs = area.plane, area.tabs
        self.boundary_view, self.sample_grid = area.view("boundary"), area.view("gallery")
        self.network_view, self.hidden_view = area.view("network"), area.view("hidden")
        self.network_tab, self.hidden_tab = area.page("network"), area.page("hidden")
        self.boundary_view.plot.scene().sigMouseClicked.connect(self._plot_clicked)
        self.network_view.weightEditRequested.connect(
            lambda key, index, value: self.set_weight(key, index, value)
        )
        self.network_view.neuronHovered.connect(self._neuron_hovered)
        self.loss_plot = QtLossPlot()
        self.right_split = right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.tabs)
        right.addWidget(self.loss_plot)
        right.setChildrenCollapsible(False)
        right.setSizes([430, 360])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(self.plane_stack)
        split.addWidget(right)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setStretchFactor(2, 1)
        split.setSizes([scroll.minimumWidth(), 560, 540])
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addWidget(self.message)
        layout.addWidget(self._build_modes(split), 1)
        self.setCentralWidget(body)

    def _build_status(self) -> None:
        # S-GUI: a fixed size (its text changes every frame; see SteadyLabel)
        self.metrics_label = SteadyLabel("", METRICS_WIDEST)
        self.metrics_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.device_label = QLabel("")
        self.statusBar().addPermanentWidget(self.metrics_label)
        self.statusBar().addPermanentWidget(self.device_label)
        # N1 (issue #13): which path trains
        self.path_label = TrainingPathLabel(lambda: self.session)
        self.statusBar().addPermanentWidget(self.path_label)

    # -- other windows and classroom mode --------------------------------------------------
    def open_compare(self):
        """Small multiples of this project's variants, trained together in one batch."""
        from app.shell.compare_window import CompareWindow

        window = CompareWindow(self.project)
        window.setWindowTitle(f"Compare — {self.project.name}")
        self.compare_windows = [w for w in self.compare_windows if w.isVisible()] + [window]
        window.resize(1200, 800)
        window.show()
        return window

    def classroom_dialog(self) -> None:
        hidden = ask_hidden_groups(self, self.panel.groups, self.hidden_groups)
        if hidden is not None:
            self.set_classroom(hidden)

    def set_classroom(self, hidden: dict[str, bool]) -> None:
        self.hidden_groups = dict(hidden)
        self.panel.set_hidden(self.hidden_groups)

    # -- edits outside the undo history -------------------------------------------------
    def _plot_clicked(self, event) -> None:
        if self.project.data.name != USER or event.button() != Qt.MouseButton.LeftButton:
            return
        box = self.boundary_view.plot.getPlotItem().getViewBox()
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        at = box.mapSceneToView(event.scenePos())
        e = self.boundary_view.extent
        if abs(at.x()) > e or abs(at.y()) > e:
            return
        event.accept()
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.panel.click_plane(at.x(), at.y(), erase=shift)

    # -- drawing ---------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self._track_epoch(snapshot.epoch)
        self._show_thumbnails(snapshot)
        self.epoch_label.setText(f"Epoch {snapshot.epoch:,}")
        rate = snapshot.epochs_per_second if snapshot.playing else 0.0
        self.rate_label.setText(f"{rate:,.0f} epochs/s")
        self.view_area.show_snapshot(snapshot)
        self.loss_plot.show_snapshot(snapshot)
        self.show_lesson_snapshot(snapshot)  # L1
        self.run_clock.show_snapshot(snapshot)  # L3: View › Save this run…
        if self._hovered is not None:
            self._neuron_hovered(*self._hovered)
        if len(snapshot.metrics):
            last = snapshot.metrics.last()
            text = f"loss train {last['train_loss']:.4f}  test {last['test_loss']:.4f}"
            if last["train_acc"] == last["train_acc"]:  # not NaN: classification
                text += f"   ·   accuracy train {last['train_acc']:.1%}  test {last['test_acc']:.1%}"
            self.metrics_label.setText(text + "  ")
        elif snapshot.reset:
            self.metrics_label.setText("")

    def _push_probes(self) -> None:
        """Ask the worker for what the views in sight draw (app.views.area); the
        Editor's node thumbnails while it is shown instead."""
        if self.bridge is not None:
            subs = {"thumbnails": {}} if self.in_editor() else self.view_area.subscriptions()
            if self.isMinimized():  # S-GUI: no view is in sight, so none is computed
                subs = {}
            subs.update(self.lesson_subscriptions())  # L1: the current lesson step's check
            self.bridge.subscribe(subs)

    def _ask(self, view: str, probe: str, args) -> None:
        """A view wants one value computed by the worker (between training steps)."""
        if self.bridge is not None:
            self._asks[self.bridge.ask(probe, args)] = view

    def _answered(self, request_id: int, probe: str, value, error) -> None:
        view = self._asks.pop(request_id, None)
        if view is not None:
            self.view_area.deliver(view, probe, value, error)

    def _neuron_hovered(self, node_id: str, unit: int) -> None:
        """Show the hovered neuron's map in the big view, as TF Playground does."""
        field = self.network_view.neuron_map(node_id, unit) if node_id else None
        self._hovered = (node_id, unit) if field is not None else None
        if field is None:
            self.boundary_view.show_override(None)
            return
        peak = float(np.nanmax(np.abs(field))) if field.size else 0.0
        scaled = field if peak <= 1.0 else field / peak  # unbounded units: symmetric max-abs
        label = "output" if node_id == "head" else f"{node_id}, neuron {unit + 1}"
        self.boundary_view.show_override(np.asarray(scaled, np.float32), f"Neuron: {label}")

    def show_error(self, text: str) -> None:
        self.statusBar().showMessage(text, 15_000)
        self.message.show_message(text, "error")

    def show_info(self, text: str) -> None:
        self.statusBar().showMessage(text, 15_000)
        self.message.show_message(text, "info")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self._close_requested(event):
            return
        self._closed_cleanly()
        self.loader.cancel()  # S-OPEN: a load still on its way is dropped
        for window in self.compare_windows:
            window.close()
        self._close_bridge()
        super().closeEvent(event)

    # -- S-GUI: a minimized window asks for no probes; restored, it asks again ----------
    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange and getattr(self, "bridge", None) is not None:
            self._push_probes()
