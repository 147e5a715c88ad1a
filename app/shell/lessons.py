"""Lessons and Help in the window: the lesson panel docked on the right, Help › Lessons
and File › Lessons to open one, the keyboard shortcuts sheet (read from the window's
actions), and what a lesson step asks of the worker (play, pause, step, reset) or of the
views (the tab to show). The panel itself (app.lessons) talks only to the document."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.lessons import LessonPanel
from engine.errors import NodeplayError
from engine.lessons import load_lesson, load_lessons


class LessonsMixin:
    """Mixed into MainWindow, which provides document, bridge, view_area, loader,
    after_unsaved_check, toggle_play, reset, step_action, show_error and _push_probes."""

    def _build_lessons(self) -> None:
        self.lesson_panel = panel = LessonPanel(self.document)
        panel.trainRequested.connect(self._lesson_train)
        panel.viewRequested.connect(self.show_view)
        panel.subscriptionsChanged.connect(self._push_probes)
        panel.edit_in_background = self._lesson_edit
        self.lesson_dock = dock = QDockWidget("Lesson", self)
        dock.setObjectName("lesson-dock")
        dock.setWidget(panel)
        dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.hide()
        for button, tip in (
            ("qt_dockwidget_floatbutton", "Float the lesson panel in its own window."),
            ("qt_dockwidget_closebutton", "Close the lesson panel."),
        ):
            for child in dock.findChildren(QAbstractButton, button):
                child.setToolTip(tip)
        dock.visibilityChanged.connect(lambda _shown: self._push_probes())
        try:
            lessons = load_lessons()
        except NodeplayError as err:  # a damaged lesson file: the window opens all the same
            lessons = []
            self._lesson_problem = str(err)
        help_menu = self.menuBar().addMenu("&Help")
        self.lessons_menu = help_menu.addMenu("&Lessons")
        self.file_lessons_menu = self._file_menu().addMenu("Open &lesson")
        self._file_menu().insertMenu(self.open_action, self.file_lessons_menu)
        for menu in (self.lessons_menu, self.file_lessons_menu):
            for lesson in lessons:
                action = menu.addAction(lesson.title, lambda n=lesson.name: self._open_lesson_checked(n))
                action.setData(lesson.name)
                action.setToolTip(f"Open the lesson '{lesson.title}' on the {lesson.record.preset} preset")
        help_menu.addSeparator()
        self.shortcuts_action = help_menu.addAction("&Keyboard shortcuts…", self.show_shortcuts)
        self.shortcuts_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))

    def _file_menu(self):
        return self.open_action.parent()

    def _open_lesson_checked(self, name: str) -> None:
        self.after_unsaved_check(lambda: self.open_lesson(name))

    def open_lesson(self, name: str) -> None:
        """Open lesson ``name``: its project, then the panel docked and its first step
        carried out. The lesson file is read and its data built off the GUI thread
        (app.shell.project_loader: a note meanwhile, the current project stays usable;
        a sentence and the current project when it cannot open)."""
        found = {}

        def load():  # on a pool thread
            found["lesson"] = lesson = load_lesson(name)
            return lesson.start_project()

        self.loader.open_with(
            f"Opening the lesson {name}…", load, None, shown=lambda _p: self._lesson_opened(found["lesson"])
        )

    def _lesson_opened(self, lesson) -> None:
        self.lesson_panel.set_lesson(lesson)
        self.lesson_dock.setWindowTitle(f"Lesson: {lesson.title}")
        self.lesson_dock.show()
        self.lesson_panel.go(0)
        self.lesson_panel.setFocus()

    def _lesson_edit(self, project, text: str, then) -> None:
        """A lesson step that gives a large set new data: built off the GUI thread, then one
        undoable edit and the rest of the step (also when refused, as on the GUI thread).
        Dropped when the project changed meanwhile: the step's check is asked for as it is."""
        panel = self.lesson_panel

        def refused(sentence: str) -> None:
            self.document.refused.emit(sentence)
            then()

        def stale() -> None:
            self.panel.load(self.document.base_project(), self.dataset)
            panel.subscriptionsChanged.emit()

        self.loader.replace(project, text, done=then, refused=refused, stale=stale)

    def lesson_subscriptions(self) -> dict[str, dict]:
        """The current lesson step's check while the panel is shown."""
        if not hasattr(self, "lesson_dock") or self.lesson_dock.isHidden():
            return {}
        return self.lesson_panel.subscriptions()

    def show_lesson_snapshot(self, snapshot) -> None:
        if hasattr(self, "lesson_panel") and not self.lesson_dock.isHidden():
            self.lesson_panel.show_snapshot(snapshot)

    def _lesson_train(self, action: str) -> None:
        if self.bridge is None:
            return
        if action in ("play", "pause") and self.bridge.playing != (action == "play"):
            self.toggle_play()
        elif action == "step":
            self.step_action.trigger()
        elif action == "reset":
            self.reset()

    def show_view(self, name: str) -> bool:
        """Bring the tab of view ``name`` to the front; False when this project has none."""
        if self.in_editor():
            self.show_mode("playground")
        area = self.view_area
        widget = area.views.get(name)
        if widget is None:
            return False
        if area.plane.indexOf(widget) >= 0:
            return True  # the plane beside the controls is always in sight
        for i in range(area.tabs.count()):
            if area.tabs.widget(i).view is widget:
                area.tabs.setCurrentIndex(i)
                return True
        return False

    # -- the shortcuts sheet ------------------------------------------------------------
    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(what, keys) for every action of the window that has a shortcut."""
        rows = {}
        for action in self.findChildren(QAction):
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            if not keys:
                continue
            text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")
            text = re.sub(r"^\W+", "", text).strip()  # "▶  Play" reads "Play"
            if action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut:
                owner = action.parent()
                where = getattr(owner, "shortcut_place", None) or type(owner).__name__
                text = f"{text} ({where})"
            rows[(text, keys)] = None
        return sorted(rows, key=lambda r: r[0].lower())

    def show_shortcuts(self) -> QDialog:
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        rows = self.shortcut_rows()
        table = QTableWidget(len(rows), 2, dialog)
        table.setHorizontalHeaderLabels(["Action", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (text, keys) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(text))
            table.setItem(r, 1, QTableWidgetItem(keys))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.resize(520, 560)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.shortcuts_dialog = dialog
        return dialog
