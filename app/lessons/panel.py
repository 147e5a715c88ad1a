"""The lesson panel: the title, the text for the student, the formulas that matter and
the numbered steps, with Back and Next (buttons, or Left and Right while the panel has
the focus).

Arriving at a step with Next carries out what it says: controls are set through the
document's undoable commands, as the Playground's controls set them (an edit that needs a
rebuild is one ``Document.replace``; the learning rate and the stop epochs are live
settings), a view is asked for (``viewRequested``) and a training action too
(``trainRequested``: the shell owns the worker). Back only moves; "Again" carries out the
current step once more. A step that gives a large set new data has it built off the
GUI thread (``edit_in_background``, the shell's loader); its view, training and check
follow once the edit is made. While a step with a check is current, ``subscriptions()`` asks
the worker for the ``lesson-check`` probe, and each snapshot's answer shows what was
measured; a met check turns the step green.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.document import new_large_data
from app.lessons.formulas import FormulaLabel
from app.lessons.steps import StepCard
from engine.errors import NodeplayError
from engine.lessons.controls import LIVE, is_live, set_controls

_tokens = itertools.count(1)


class LessonPanel(QWidget):
    shortcut_place = "lesson panel"  # where its arrow keys work, for the shortcuts sheet
    trainRequested = Signal(str)  # "play", "pause", "step" or "reset"
    viewRequested = Signal(str)  # a registered view's name
    subscriptionsChanged = Signal()
    stepChanged = Signal(int)  # the current step (0-based)
    edit_in_background = None  # callable(project, undo text, then): set by the shell

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.lesson = None
        self.current = 0
        self.cards: list[StepCard] = []
        self.memory: dict[str, float] = {}  # values remembered by earlier steps' checks
        self.token = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumWidth(216)  # beside the window's columns at 1280 pixels
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 6)
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(0, 0, 4, 0)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.formulas = QFrame()
        self.formulas.setObjectName("formulas")
        self.formulas.setStyleSheet("QFrame#formulas { border: 1px solid palette(mid); }")
        self.formula_box = QVBoxLayout(self.formulas)
        self.formula_box.setContentsMargins(6, 4, 6, 4)
        self.formula_labels: list[FormulaLabel] = []
        self.steps_box = QVBoxLayout()
        self.steps_box.setSpacing(6)
        self.body.addWidget(self.text)
        self.body.addWidget(self.formulas)
        self.body.addLayout(self.steps_box)
        self.body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll = scroll
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        self.back_action = self._action("Previous lesson step", "Left", self.back)
        self.next_action = self._action("Next lesson step", "Right", self.next)
        self.back_button = self._button("◀ Back", "Go back to the previous step (Left arrow).", self.back)
        self.again_button = self._button("↻ Again", "Carry out this step's actions once more.", self.again)
        self.next_button = self._button(
            "Next ▶", "Go on to the next step and do what it says (Right arrow).", self.next
        )
        self.position = QLabel()
        self.position.setToolTip("The current step and how many the lesson has.")
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.back_button)
        row.addWidget(self.position, 1)
        row.addWidget(self.again_button)
        row.addWidget(self.next_button)
        layout.addLayout(row)

    def _action(self, text: str, key: str, slot) -> QAction:
        """Left and Right move through steps while the panel (or a child) has the focus;
        actions so that the shortcuts sheet lists them."""
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()  # compact: three of them fit the narrow dock
        button.setText(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the arrows stay with the panel
        button.clicked.connect(slot)
        return button

    # -- the lesson --------------------------------------------------------------------
    def set_lesson(self, lesson) -> None:
        """Show ``lesson`` at its first step, without carrying it out (``go(0)`` does)."""
        self.lesson, self.memory = lesson, {}
        self.title.setText(lesson.title)
        self.text.setText(lesson.text)
        for label in self.formula_labels:
            self.formula_box.removeWidget(label)
            label.deleteLater()
        self.formula_labels = [FormulaLabel(f) for f in lesson.formulas]
        for label in self.formula_labels:
            self.formula_box.addWidget(label)
        self.formulas.setVisible(bool(lesson.formulas))
        for card in self.cards:
            self.steps_box.removeWidget(card)
            card.deleteLater()
        self.cards = [StepCard(i, s.text, s.check is not None) for i, s in enumerate(lesson.steps, 1)]
        for card in self.cards:
            self.steps_box.addWidget(card)
        self._move(0)

    def go(self, index: int) -> None:
        """Make step ``index`` current and carry out what it says."""
        if self.lesson is None or not 0 <= index < len(self.cards):
            return
        self._move(index, announce=False)
        step, token = self.lesson.steps[index], self.token

        def later() -> None:
            if self.token == token:  # still this step (not moved, not again)
                self._carry_on(step)

        if step.set and self._set_controls(step.set, index + 1, later):
            return  # its data is built off the GUI thread: the rest follows the edit
        self._carry_on(step)

    def next(self) -> None:
        if self.lesson is not None and self.current + 1 < len(self.cards):
            self.go(self.current + 1)

    def back(self) -> None:
        if self.lesson is not None and self.current > 0:
            self._move(self.current - 1)

    def again(self) -> None:
        self.go(self.current)

    def _move(self, index: int, announce: bool = True) -> None:
        self.current = index
        for i, card in enumerate(self.cards):
            card.set_state(current=i == index, done=i < index)
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index + 1 < len(self.cards))
        self.position.setText(f"{index + 1} / {len(self.cards)}")
        self.token = f"{self.lesson.name}:{index}:{next(_tokens)}"
        self.scroll.ensureWidgetVisible(self.cards[index])
        self.stepChanged.emit(index)
        if announce:
            self.subscriptionsChanged.emit()

    def _carry_on(self, step) -> None:
        """What a step does after its edits: a view, training, its check."""
        if step.view:
            self.viewRequested.emit(step.view)
        if step.train:
            self.trainRequested.emit(step.train)
        # after the edits: the worker takes commands in order, so the check measures
        # the project this step set up, never the one before
        self.subscriptionsChanged.emit()

    def _set_controls(self, values: dict, number: int, then) -> bool:
        """Make the step's edits; True when they go to ``edit_in_background``, which
        calls ``then()`` once they are made (or refused)."""
        doc = self.document
        text = f"Lesson step {number}"
        base = doc.base_project()
        try:
            project = set_controls(base, values, f"Step {number}")
        except NodeplayError as err:
            doc.refused.emit(str(err))
            return False
        if not is_live(values):
            if self.edit_in_background is not None and new_large_data(project, base):
                self.edit_in_background(project, text, then)
                return True
            doc.replace(project, text)  # one undo step, as a Playground edit
            return False
        for name in sorted(LIVE & set(values)):
            doc.set_setting(name, getattr(project.train, name), f"{text}: {name.replace('_', ' ')}")
        return False

    # -- checks ------------------------------------------------------------------------
    def current_check(self):
        if self.lesson is None:
            return None
        return self.lesson.steps[self.current].check

    def subscriptions(self) -> dict[str, dict]:
        """The current step's check, measured by the worker while the step is current."""
        check = self.current_check()
        if check is None:
            return {}
        args = {
            "check": check.name,
            "args": dict(check.args),
            "memory": dict(self.memory),
            "token": self.token,
        }
        return {"lesson-check": args}

    def show_snapshot(self, snapshot) -> None:
        value = snapshot.probes.get("lesson-check")
        check = self.current_check()
        if not value or check is None or value.get("token") != self.token:
            return  # for a step no longer current
        early = int(value["epoch"]) < check.after_epochs
        text = value["text"] + (f" at epoch {int(value['epoch'])} of {check.after_epochs}" if early else "")
        card = self.cards[self.current]
        was_met = card.met
        card.show_measured(text, bool(value["met"]) and not early)
        if card.met and not was_met:
            self.scroll.ensureWidgetVisible(card)  # the student sees it turn green
        if check.remember is not None:
            self.memory[check.remember] = float(value["measured"])

    def is_met(self, index: int) -> bool:
        return self.cards[index].met
