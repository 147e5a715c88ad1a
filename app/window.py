"""The main window: toolbar, then two modes (app.editor_mode): the Playground (controls,
boundary view or sample images, network tabs and loss plot side by side) and the Editor
(the node graph over the loss plot); a status bar. File handling is in app.project_files."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.bridge import EngineBridge
from app.editor_mode import EditorModeMixin
from app.export_menu import add_export_actions
from app.playground import PlaygroundPanel
from app.playground.edits import ERASE_RADIUS, edited, fit_class_head, points_from_dataset
from app.playground.panel import GROUPS
from app.project_files import ProjectFilesMixin
from app.views.area import ViewArea
from app.views.loss_plot import QtLossPlot
from app.views.theme import add_theme_menu
from engine.data.dataset import USER
from engine.data.images import CLASSES as IMAGE_CLASSES
from engine.data.user import add_point, erase_points, read_points_csv
from engine.errors import NodeplayError
from engine.presets import DEFAULT, load_preset, preset_names
from engine.project import Project, load_project
from engine.share import from_share_string, to_share_string
from engine.train.events import Snapshot
from engine.train.session import Session

# TF Playground's learning rates.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)


# 30 views a second look smooth; each snapshot the worker makes costs it training time
# (30 instead of 60 lets the circle preset train at ~650 instead of ~550 epochs/s)
SNAPSHOT_INTERVAL = 1 / 30


class MessageBar(QFrame):
    """A non-blocking message above the views, closed by its button or the next Reset."""

    STYLES = {"error": ("#fde7e7", "#a11"), "info": ("#e7f1fb", "#124")}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel()
        self.text.setWordWrap(True)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        bg, fg = self.STYLES[kind]
        self.setStyleSheet(f"MessageBar {{ background: {bg}; border: 1px solid {fg}; "
                           f"border-radius: 4px; }} QLabel {{ color: {fg}; }}")
        self.text.setText(text)
        self.show()


class MainWindow(ProjectFilesMixin, EditorModeMixin, QMainWindow):
    saved = Signal(str)  # the path a project was saved to (after the weights came back)

    def __init__(self, project: Project | None = None, *, session: Session | None = None,
                 serve: bool = True, settings: QSettings | None = None,
                 autosave_dir: Path | None = None, prompts: bool = False) -> None:
        """``settings`` keeps the recent files (in memory without it), ``autosave_dir``
        turns autosave on, ``prompts`` asks before unsaved work is lost (app.main
        passes all three; scripted windows never block on a dialog)."""
        super().__init__()
        self.resize(1400, 860)
        self.bridge: EngineBridge | None = None
        self.session: Session | None = None
        self._serve = serve
        self.path: Path | None = None  # where Save writes; None until saved or opened
        self.speed: float | None = None  # epochs/s asked of every session; None: max
        self.hidden_groups: dict[str, bool] = {}  # classroom mode
        self.compare_windows: list = []  # kept alive while open
        self._hovered: tuple[str, int] | None = None
        self._init_files(settings, autosave_dir, prompts)
        self._build_actions()
        self._build_toolbar()
        self._build_body()
        self._build_status()
        self.open_project(project or load_preset(DEFAULT), session=session)
        self._started_clean(self.project.epoch)

    # -- construction ----------------------------------------------------------------
    def _build_actions(self) -> None:
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

        menu = self.menuBar().addMenu("&File")
        presets = menu.addMenu("&New from preset")
        for name in preset_names():
            presets.addAction(name, lambda name=name: self.after_unsaved_check(
                lambda: self.open_preset(name)))
        self.open_action = menu.addAction("&Open…", self.open_dialog)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self._add_recent_menu(menu)
        self.save_action = menu.addAction("&Save", lambda: self.save())
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_as_action = menu.addAction("Save &As…", lambda: self.save_as())
        self.save_as_action.setShortcut(QKeySequence.StandardKey.SaveAs)
        menu.addSeparator()
        self.copy_setup_action = menu.addAction("&Copy setup string", self.copy_setup)
        self.copy_setup_action.setToolTip("The whole setup as one line to paste or share")
        self.paste_setup_action = menu.addAction(
            "&Paste setup string", lambda: self.after_unsaved_check(self.paste_setup))
        menu.addSeparator()
        add_export_actions(self, menu)
        menu.addSeparator()
        quit_action = menu.addAction("&Quit", self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        view = self.menuBar().addMenu("&View")
        self.classroom_action = view.addAction("&Classroom mode…", self.classroom_dialog)
        self.compare_action = view.addAction("Co&mpare variants…", self.open_compare)
        self.compare_action.setShortcut("Ctrl+M")
        view.addSeparator()
        view.addAction("&Playground", lambda: self.show_mode("playground")).setShortcut("Ctrl+1")
        view.addAction("&Editor", lambda: self.show_mode("editor")).setShortcut("Ctrl+2")
        view.addSeparator()
        self.theme_menu = add_theme_menu(view, self)  # light or dark: every view follows

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
        self.epoch_label = QLabel("Epoch 0")
        self.epoch_label.setMinimumWidth(130)
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

    def _build_body(self) -> None:
        self.message = MessageBar()
        self.panel = PlaygroundPanel(self)
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
        self.plane_stack, self.tabs = area.plane, area.tabs
        self.boundary_view, self.sample_grid = area.view("boundary"), area.view("gallery")
        self.network_view, self.hidden_view = area.view("network"), area.view("hidden")
        self.network_tab, self.hidden_tab = area.page("network"), area.page("hidden")
        self.boundary_view.plot.scene().sigMouseClicked.connect(self._plot_clicked)
        self.network_view.weightEditRequested.connect(
            lambda key, index, value: self.set_weight(key, index, value))
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
        self.metrics_label = QLabel("")
        self.device_label = QLabel("")
        self.statusBar().addPermanentWidget(self.metrics_label)
        self.statusBar().addPermanentWidget(self.device_label)

    # -- projects --------------------------------------------------------------------
    def open_project(self, project: Project, *, session: Session | None = None) -> bool:
        """Show ``project``; on an error the current one stays and a sentence says why."""
        try:
            # the worker owns its copy of the project; the window edits its own
            new = session or Session(project.copy(), snapshot_interval=SNAPSHOT_INTERVAL)
            new.numpy_evaluation = False  # torch releases the GIL: the GUI gets its frames
        except NodeplayError as err:
            self.show_error(str(err))
            return False
        self._close_bridge()
        self.project, self.session = project, new
        self.bridge = EngineBridge(new, self)
        self.bridge.snapshot.connect(self.show_snapshot)
        self.bridge.stateChanged.connect(self._state_changed)
        self.bridge.diverged.connect(lambda _e, text: self.show_error(text))
        self.bridge.finished.connect(lambda _e, text: self.show_info(text))
        self.bridge.failed.connect(self.show_error)
        self._project_replaced()
        self.loss_plot.clear()
        self.view_area.set_project(project, new.dataset)  # asks for its probes
        self._fill_learning_rates(new.project.train.learning_rate)
        ds = new.dataset
        kind = "regression" if ds.classes is None else f"{ds.classes} classes"
        self.device_label.setText(f"  {ds.name} ({kind}, {len(ds.x_train)} train / "
                                  f"{len(ds.x_test)} test)  ·  device {new.device}  ")
        self.metrics_label.setText("")
        self.epoch_label.setText(f"Epoch {new.epoch:,}")
        self.message.hide()
        self._state_changed(False)
        self.panel.load(project)
        self.update_title()
        if self.speed is not None:
            self.bridge.set_speed(self.speed)
        if self._serve:
            self.bridge.start()
        return True

    def _open_loaded(self, load, path: Path | None) -> bool:
        """Open what ``load()`` gives; ``path`` is where Save writes (None: Save As)."""
        try:
            project = load()
        except NodeplayError as err:
            self.show_error(str(err))
            return False
        if self.open_project(project):
            self.path = path
            if path is not None:
                self.recent.add(path)
            self._started_clean(project.epoch)
            return True
        return False

    def open_preset(self, name: str) -> bool:
        return self._open_loaded(lambda: load_preset(name), None)

    def open_file(self, path: str) -> bool:
        return self._open_loaded(lambda: load_project(path), Path(path))

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", "",
                                              "Nodeplay projects (*.nodeplay *.json);;"
                                              "All files (*)")
        if path:
            self.after_unsaved_check(lambda: self.open_file(path))

    def _close_bridge(self) -> None:
        if self.bridge is not None:
            self.bridge.shutdown()
            self.bridge.deleteLater()
            self.bridge = None

    # -- sharing ---------------------------------------------------------------------
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
        if self.open_project(project):
            self.path = None
            self._started_clean(project.epoch)
            return True
        return False

    def open_compare(self):
        """Small multiples of this project's variants, trained together in one batch."""
        from app.compare_window import CompareWindow

        window = CompareWindow(self.project)
        window.setWindowTitle(f"Compare — {self.project.name}")
        self.compare_windows = [w for w in self.compare_windows if w.isVisible()] + [window]
        window.resize(1200, 800)
        window.show()
        return window

    def classroom_dialog(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("Classroom mode")
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("Hide these controls:"))
        boxes = {}
        for key in GROUPS:
            boxes[key] = QCheckBox(self.panel.groups[key].title().capitalize())
            boxes[key].setChecked(self.hidden_groups.get(key, False))
            layout.addWidget(boxes[key])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_classroom({k: b.isChecked() for k, b in boxes.items()})

    def set_classroom(self, hidden: dict[str, bool]) -> None:
        self.hidden_groups = dict(hidden)
        self.panel.set_hidden(self.hidden_groups)

    # -- playground edits ------------------------------------------------------------
    def edit_project(self, mutate=None, shape_edit=None) -> bool:
        """Restart training on an edited copy of the project (see app.playground.edits);
        on an error the current project stays, the controls show it again and a
        sentence says why."""
        try:
            project = edited(self.project, mutate, shape_edit)
        except NodeplayError as err:
            project, error = None, str(err)
        if project is not None and self.open_project(project):
            self.set_modified(True)
            return True
        if project is None:
            self.show_error(error)
        self.panel.load(self.project)
        return False

    def choose_dataset(self, name: str) -> bool:
        def mutate(p: Project) -> None:
            p.data.name = name
            if name == USER and p.points is None:  # start from the points on show
                p.points = points_from_dataset(self.session.dataset)
            if name in IMAGE_CLASSES:  # another image set: the head follows its classes
                fit_class_head(p.graph, IMAGE_CLASSES[name])
        return self.edit_project(mutate)

    def set_points(self, points) -> bool:
        def mutate(p: Project) -> None:
            p.data.name, p.points = USER, points
        return self.edit_project(mutate)

    def import_csv(self, path) -> bool:
        try:
            points = read_points_csv(path)
        except NodeplayError as err:
            self.show_error(str(err))
            return False
        return self.set_points(points)

    def import_csv_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import points", "",
                                              "CSV files (*.csv *.txt);;All files (*)")
        if path:
            self.import_csv(path)

    def click_plane(self, x: float, y: float, erase: bool = False) -> bool:
        """Add a point of the chosen label at (x, y), or erase the points near it."""
        if self.project.data.name != USER:
            return False
        try:
            if erase or self.panel.erase_button.isChecked():
                points = erase_points(self.project.points, (x, y), ERASE_RADIUS)
            else:
                points = add_point(self.project.points, (x, y), self.panel.point_label())
        except NodeplayError as err:
            self.show_error(str(err))
            return False
        return self.set_points(points)

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
        self.click_plane(at.x(), at.y(), erase=shift)

    def reinitialize(self) -> None:
        """Reset with a new weight seed: fresh random weights."""
        if self.bridge is None:
            return
        seed = random.randrange(2**31 - 1)
        self.project.train.seed = seed  # read by the session only when it is built
        self.set_modified(True)
        self.message.hide()
        self.bridge.reset(seed)
        self._state_changed(False)

    def set_stop_epochs(self, epochs: int | None) -> None:
        """The stop condition applies from the next epoch on, without a restart."""
        self.project.train.stop_epochs = epochs  # the window's copy, for saving and edits
        self.set_modified(True)
        if self.bridge is not None:
            self.bridge.set_stop(epochs, self.project.train.stop_loss)

    def set_weight(self, key: str, index: tuple, value: float) -> None:
        """A weight set by hand in the network view: unsaved work like any edit."""
        if self.bridge is not None:
            self.bridge.set_weight(key, index, value)
            self.set_modified(True)

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
        if index >= 0 and self.bridge is not None:
            value = float(self.lr_combo.itemData(index))
            # the session sets it too; set here as well so that an edit copied at once keeps it
            self.project.train.learning_rate = value
            self.bridge.set_learning_rate(value)
            self.set_modified(True)

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

    # -- drawing ---------------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self._track_epoch(snapshot.epoch)
        self._show_thumbnails(snapshot)
        self.epoch_label.setText(f"Epoch {snapshot.epoch:,}")
        rate = snapshot.epochs_per_second if snapshot.playing else 0.0
        self.rate_label.setText(f"{rate:,.0f} epochs/s")
        self.view_area.show_snapshot(snapshot)
        self.loss_plot.show_snapshot(snapshot)
        if self._hovered is not None:
            self._neuron_hovered(*self._hovered)
        if len(snapshot.metrics):
            last = snapshot.metrics.last()
            text = f"loss train {last['train_loss']:.4f}  test {last['test_loss']:.4f}"
            if last["train_acc"] == last["train_acc"]:  # not NaN: classification
                text += (f"   ·   accuracy train {last['train_acc']:.1%}  "
                         f"test {last['test_acc']:.1%}")
            self.metrics_label.setText(text + "  ")
        elif snapshot.reset:
            self.metrics_label.setText("")

    def _push_probes(self) -> None:
        """Ask the worker for what the views in sight draw (app.views.area); the
        Editor's node thumbnails while it is shown instead."""
        if self.bridge is not None:
            subs = {"thumbnails": {}} if self.in_editor() else self.view_area.subscriptions()
            self.bridge.subscribe(subs)

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
        for window in self.compare_windows:
            window.close()
        self._close_bridge()
        super().closeEvent(event)


def _padded(widget: QWidget) -> QWidget:
    widget.setContentsMargins(8, 0, 8, 0)
    return widget
