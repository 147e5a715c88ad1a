"""L3 (issue #12): presentation mode scales fonts, hides what it promises, is driven by
the keyboard, and shows no clipped text at 1280×720."""

import re

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from app.look import theme
from tests.app.conftest import shown_window


def _clipped(label: QLabel) -> bool:
    if label.wordWrap():
        return label.heightForWidth(label.width()) > label.height()
    fm, box = label.fontMetrics(), label.contentsRect()
    text = re.sub("<[^>]+>", "", label.text())
    return fm.horizontalAdvance(text) > box.width() or fm.height() > box.height()


def _tick_size(window) -> float:
    return window.loss_plot.plot.getPlotItem().getAxis("bottom").style["tickFont"].pointSizeF()


def test_presentation_mode_from_the_keyboard(qtbot, tmp_path):
    window = shown_window(qtbot, "spiral")
    window.resize(1280, 720)
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)  # key presses go to the active window
    app = QApplication.instance()
    font, epoch_font = app.font().pointSizeF(), window.epoch_label.font().pointSizeF()
    plane = window.plane_stack.width()
    pres = window.presentation
    pres.scale_plots()  # no axis font before: read pyqtgraph's default after a first pass
    pres._restore_plots()

    QTest.keyClick(window, Qt.Key.Key_F5)
    assert pres.on and window.isFullScreen() and theme.current().name == "contrast"
    assert app.font().pointSizeF() == font * pres.scale
    assert window.epoch_label.font().pointSizeF() == epoch_font * pres.scale
    assert _tick_size(window) >= font * pres.scale - 0.5
    assert window.loss_plot.train_curve.opts["pen"].widthF() == 2 * pres.scale
    for key in ("controls", "menu", "status"):
        assert not pres.panels()[key].isVisible(), key
    assert pres.panels()["toolbar"].isVisible()

    window.showNormal()  # the projector's 1280×720, whatever this screen is
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    # the controls' room went to the plots (once the layout has settled)
    qtbot.waitUntil(lambda: window.plane_stack.width() > plane + 100)
    window.grab().save(str(tmp_path / "presentation.png"))
    shown = [lb for lb in window.findChildren(QLabel) if lb.isVisible() and lb.text()]
    assert shown and not [lb.text() for lb in shown if _clipped(lb)]

    QTest.keyClick(window, Qt.Key.Key_S)  # S steps one epoch
    qtbot.waitUntil(lambda: window.epoch_label.text() == "Epoch 1", timeout=10_000)
    QTest.keyClick(window, Qt.Key.Key_R)  # R resets
    qtbot.waitUntil(lambda: window.epoch_label.text() == "Epoch 0", timeout=10_000)
    with qtbot.waitSignal(pres.lessonStepRequested) as step:
        QTest.keyClick(window, Qt.Key.Key_Right)
    assert step.args == [1]

    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert not pres.on and not window.isFullScreen() and theme.current().name == "light"
    assert app.font().pointSizeF() == font
    assert window.epoch_label.font().pointSizeF() == epoch_font
    assert window.loss_plot.train_curve.opts["pen"].widthF() == 2
    assert all(pres.panels()[k].isVisible() for k in ("controls", "menu", "status"))
    QTest.keyClick(window, Qt.Key.Key_S)  # S is no shortcut outside presentation mode
    QTest.qWait(300)
    assert window.epoch_label.text() == "Epoch 0"
    window.close()


def test_chosen_panels_hide(qtbot):
    window = shown_window(qtbot, "xor")
    pres = window.presentation
    pres.set_hidden({"toolbar"})
    pres.set_on(True)
    assert not pres.panels()["toolbar"].isVisible() and pres.panels()["controls"].isVisible()
    pres.set_hidden({"controls", "toolbar"})
    assert not pres.panels()["controls"].isVisible()
    pres.set_on(False)
    assert pres.panels()["toolbar"].isVisible() and pres.panels()["controls"].isVisible()
    assert isinstance(window.loss_plot.plot, pg.PlotWidget)
    window.close()
