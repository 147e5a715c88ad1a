"""The lesson panel and the Help menu, driven as a student and an instructor would: a
lesson opened from Help › Lessons, steps moved with the arrow keys, a step's controls
visible in the Playground's widgets (and undoable), a check that turns green after
training, the shortcuts sheet read from the actions, and a tooltip on every control."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QSlider,
    QSpinBox,
    QTabBar,
    QTableWidget,
)

from app.shell.main_window import MainWindow
from engine.presets import load_preset
from tests.app.conftest import shown_window


def lesson_action(window, name: str):
    return next(a for a in window.lessons_menu.actions() if a.data() == name)


def open_from_help(window, qtbot, name: str):
    with qtbot.waitActive(window):  # shortcuts need an active window
        window.activateWindow()
    lesson_action(window, name).trigger()  # as the Help › Lessons entry does
    qtbot.waitUntil(lambda: window.lesson_dock.isVisible())
    panel = window.lesson_panel
    qtbot.waitUntil(panel.hasFocus)  # opening a lesson gives its panel the keys
    return panel


def close(window):
    window.close()
    assert not window.bridge or not window.bridge.running


def test_arrow_keys_move_steps_and_a_step_sets_the_playground_controls(qtbot):
    window = shown_window(qtbot, "circle")
    panel = open_from_help(window, qtbot, "mlp")
    assert window.project.data.name == "spiral"
    assert window.panel.layers_label.text() == "0 hidden layers"  # the lesson's start
    assert panel.current == 0 and panel.cards[0].current
    qtbot.keyClick(panel, Qt.Key.Key_Right)
    assert panel.current == 1 and panel.cards[1].current and panel.cards[0].done
    # step 2 set its controls through the document: the Playground's widgets show them
    assert window.panel.layers_label.text() == "3 hidden layers"
    assert window.panel.optimizer_combo.currentText() == "adam"
    assert window.lr_combo.currentText() == "0.01"
    assert window.panel.feature_buttons["sin x1"].isChecked()
    assert window.view_area.tabs.currentWidget().view is window.view_area.views["network"]
    qtbot.keyClick(panel, Qt.Key.Key_Left)
    assert panel.current == 1 - 1 and not panel.cards[1].current
    assert window.panel.layers_label.text() == "3 hidden layers"  # Back only moves
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the step's edit
    qtbot.waitUntil(lambda: window.panel.layers_label.text() == "0 hidden layers")
    assert window.panel.optimizer_combo.currentText() == "sgd"
    close(window)


def test_a_check_turns_its_step_green_after_training(qtbot):
    window = shown_window(qtbot, "circle")
    panel = open_from_help(window, qtbot, "sgd-vs-gd")
    card = panel.cards[0]
    assert panel.subscriptions()["lesson-check"]["check"] == "loss"
    # step 1 trains 20 full-batch epochs; its check is measured on the worker
    qtbot.waitUntil(lambda: card.met, timeout=60_000)
    assert window.session.epoch == 20 and window.session.step == 20  # one step an epoch
    assert "met" in card.status.text() and "train loss" in card.status.text()
    assert "gd_loss" in panel.memory
    assert not panel.cards[1].met
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    assert window.panel.batch_slider.value() == 10
    qtbot.waitUntil(lambda: panel.cards[1].met, timeout=60_000)
    batches = -(-len(window.session.dataset.x_train) // 10)  # L2: the sgd-vs-gd preset's 100 points
    assert batches == 10 and window.session.step == 20 * batches  # 10 mini-batches an epoch
    close(window)


def test_shortcuts_sheet_lists_every_shortcut_of_the_window(qtbot):
    window = shown_window(qtbot, "circle")
    rows = dict(window.shortcut_rows())
    assert rows["Undo"] == "Ctrl+Z" and rows["Play"] == "Space"
    assert rows["Next lesson step (lesson panel)"] == "Right"
    assert rows["Keyboard shortcuts"] == "F1"
    with qtbot.waitActive(window):  # window shortcuts need an active window
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "shortcuts_dialog", None) is not None)
    table = window.shortcuts_dialog.findChild(QTableWidget)
    shown = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert shown == rows
    window.shortcuts_dialog.close()
    close(window)


def test_every_visible_control_has_a_tooltip_in_each_mode(qtbot):
    kinds = (QAbstractButton, QComboBox, QSlider, QSpinBox)
    for preset in ("circle", "digits-cnn"):
        # no worker: the walk looks at widgets, and costly probes of every tab would slow it
        window = MainWindow(load_preset(preset), serve=False)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        if preset == "circle":
            open_from_help(window, qtbot, "mlp")
        missing = []
        for mode in ("playground", "editor"):
            window.show_mode(mode)
            tabs = window.view_area.tabs
            for i in range(tabs.count() if mode == "playground" else 1):
                if mode == "playground":
                    tabs.setCurrentIndex(i)
                QApplication.processEvents()
                for kind in kinds:
                    for widget in window.findChildren(kind):
                        if isinstance(widget.parent(), QTabBar):  # Qt's own scroll arrows
                            continue
                        if widget.isVisible() and not widget.toolTip().strip():
                            missing.append(f"{preset} {mode} {type(widget).__name__} {widget.objectName()}")
        assert not missing, missing
        close(window)


def test_every_formula_fits_the_docked_panel_at_1280_by_800(qtbot):
    from engine.lessons import load_lessons

    window = MainWindow(load_preset("circle"), serve=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    plane = ("spiral", "gauss", "circle", "reg-plane")
    # the lessons on points first: a window that showed images keeps their wider views
    for lesson in sorted(load_lessons(), key=lambda lesson: lesson.record.preset not in plane):
        window.resize(1280, 800)
        with qtbot.waitSignal(window.loader.finished, timeout=30_000) as opened:
            window.open_lesson(lesson.name)  # read and built off the GUI thread
        assert opened.args == [True]
        QApplication.processEvents()
        panel = window.lesson_panel
        assert [label.html for label in panel.formula_labels] == lesson.formulas
        # whole, on one line, once the labels have fitted their fonts to the dock
        labels = panel.formula_labels
        qtbot.waitUntil(lambda labels=labels: all(lab.isVisible() and lab.fits() for lab in labels))
        for label in panel.formula_labels:
            assert label.font().pointSizeF() >= panel.font().pointSizeF()  # never smaller than the text
        if lesson.record.preset in plane:  # the image views ask for more than 1280 pixels
            assert window.width() == 1280
    window.close()
