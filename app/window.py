"""The main window: toolbar, boundary view and loss plot side by side, status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.bridge import EngineBridge
from app.views.boundary_view import QtBoundaryView
from app.views.loss_plot import QtLossPlot
from engine.errors import NodeplayError
from engine.presets import DEFAULT, load_preset
from engine.project import Project, load_project
from engine.train.events import Snapshot
from engine.train.session import Session

# TF Playground's learning rates.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)


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


class MainWindow(QMainWindow):
    def __init__(self, project: Project | None = None, *, session: Session | None = None,
                 serve: bool = True) -> None:
        super().__init__()
        self.resize(1200, 720)
        self.bridge: EngineBridge | None = None
        self.session: Session | None = None
        self._serve = serve
        self._build_actions()
        self._build_toolbar()
        self._build_body()
        self._build_status()
        self.open_project(project or load_preset(DEFAULT), session=session)

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
        self.open_action = menu.addAction("&Open…", self.open_dialog)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        menu.addSeparator()
        quit_action = menu.addAction("&Quit", self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)

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
        self.boundary_view = QtBoundaryView()
        self.loss_plot = QtLossPlot()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.boundary_view)
        split.addWidget(self.loss_plot)
        split.setChildrenCollapsible(False)
        split.setSizes([560, 640])
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
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
            new = session or Session(project)
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
        self.setWindowTitle(f"Nodeplay — {project.name}")
        self.boundary_view.set_dataset(new.dataset)
        self.loss_plot.clear()
        self._fill_learning_rates(new.project.train.learning_rate)
        ds = new.dataset
        kind = "regression" if ds.classes is None else f"{ds.classes} classes"
        self.device_label.setText(f"  {ds.name} ({kind}, {len(ds.x_train)} train / "
                                  f"{len(ds.x_test)} test)  ·  device {new.device}  ")
        self.metrics_label.setText("")
        self.epoch_label.setText(f"Epoch {new.epoch:,}")
        self.message.hide()
        self._state_changed(False)
        if self._serve:
            self.bridge.start()
        return True

    def open_file(self, path: str) -> bool:
        try:
            project = load_project(path)
        except NodeplayError as err:
            self.show_error(str(err))
            return False
        return self.open_project(project)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", "",
                                              "Nodeplay projects (*.nodeplay *.json);;"
                                              "All files (*)")
        if path:
            self.open_file(path)

    def _close_bridge(self) -> None:
        if self.bridge is not None:
            self.bridge.shutdown()
            self.bridge.deleteLater()
            self.bridge = None

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
            self.bridge.set_learning_rate(float(self.lr_combo.itemData(index)))

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
        self.epoch_label.setText(f"Epoch {snapshot.epoch:,}")
        rate = snapshot.epochs_per_second if snapshot.playing else 0.0
        self.rate_label.setText(f"{rate:,.0f} epochs/s")
        self.boundary_view.show_snapshot(snapshot)
        self.loss_plot.show_snapshot(snapshot)
        if len(snapshot.metrics):
            last = snapshot.metrics.last()
            text = f"loss train {last['train_loss']:.4f}  test {last['test_loss']:.4f}"
            if last["train_acc"] == last["train_acc"]:  # not NaN: classification
                text += (f"   ·   accuracy train {last['train_acc']:.1%}  "
                         f"test {last['test_acc']:.1%}")
            self.metrics_label.setText(text + "  ")
        elif snapshot.reset:
            self.metrics_label.setText("")

    def show_error(self, text: str) -> None:
        self.statusBar().showMessage(text, 15_000)
        self.message.show_message(text, "error")

    def show_info(self, text: str) -> None:
        self.statusBar().showMessage(text, 15_000)
        self.message.show_message(text, "info")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._close_bridge()
        super().closeEvent(event)


def _padded(widget: QWidget) -> QWidget:
    widget.setContentsMargins(8, 0, 8, 0)
    return widget
