"""Presentation mode (issue #12, Classroom): the window for a lecture hall's projector.

F5 (View › Presentation) goes full screen, scales every font and plot line, switches
to the high-contrast theme and hides the chosen panels (their room goes to the plots);
the keyboard drives it: Space play/pause, S step, R reset, ←/→ the lesson's steps
(``lessonStepRequested``; the window's lesson panel follows it), Esc or F5 back.
Everything it changed is put back when it ends.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.look import theme
from app.look.text_scale import set_text_scale

SCALE = 1.6  # fonts and lines: read from the back of a lecture hall
THEME = "contrast"
PANELS = {  # what may be hidden, as the chooser names it
    "controls": "The controls on the left",
    "toolbar": "The training toolbar (Play, epoch, learning rate)",
    "menu": "The menu bar",
    "status": "The status bar",
}


class Presentation(QObject):
    """The window's presentation mode; ``window.presentation``."""

    toggled = Signal(bool)
    lessonStepRequested = Signal(int)  # +1 next step, -1 the step before

    def __init__(self, window, menu) -> None:
        super().__init__(window)
        self.window = window
        self.on = False
        self.scale = SCALE
        self.hidden = {"controls", "menu", "status"}
        self._saved: dict = {}
        self.action = QAction("&Presentation", window, checkable=True)
        self.action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.action.setToolTip(
            "Full screen, large type, high contrast and the chosen panels hidden, for a projector (F5)"
        )
        self.action.toggled.connect(self.set_on)
        window.addAction(self.action)  # F5 still works with the menu bar hidden
        menu.addAction(self.action)
        menu.addAction("Presentation &panels…", self.choose_panels)
        self._keys = [
            self._key(Qt.Key.Key_S, lambda: window.step_action.trigger()),
            self._key(Qt.Key.Key_R, lambda: window.reset_action.trigger()),
            self._key(Qt.Key.Key_Right, lambda: self.lessonStepRequested.emit(1)),
            self._key(Qt.Key.Key_Left, lambda: self.lessonStepRequested.emit(-1)),
            self._key(Qt.Key.Key_Escape, lambda: self.action.setChecked(False)),
        ]
        self.lessonStepRequested.connect(self._lesson_step)

    def _lesson_step(self, direction: int) -> None:
        """L1's lesson panel, when a lesson is open, moves a step."""
        dock, panel = getattr(self.window, "lesson_dock", None), getattr(self.window, "lesson_panel", None)
        if panel is not None and dock is not None and dock.isVisible():
            panel.next() if direction > 0 else panel.back()

    def _key(self, key, slot) -> QShortcut:
        shortcut = QShortcut(QKeySequence(key), self.window)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.setEnabled(False)  # only while presenting: S and R type text elsewhere
        shortcut.activated.connect(slot)
        return shortcut

    # -- the panels ------------------------------------------------------------------
    def panels(self) -> dict[str, QWidget]:
        w = self.window
        scroll = next(s for s in w.findChildren(QScrollArea) if s.widget() is w.panel)
        toolbar = w.findChildren(QToolBar)[0]
        return {"controls": scroll, "toolbar": toolbar, "menu": w.menuBar(), "status": w.statusBar()}

    def choose_panels(self) -> dict[str, bool] | None:
        """Which panels presentation mode hides, asked with a check box each."""
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Presentation panels")
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("In presentation mode, hide:"))
        boxes = {}
        for key, text in PANELS.items():
            boxes[key] = QCheckBox(text)
            boxes[key].setChecked(key in self.hidden)
            layout.addWidget(boxes[key])
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self.set_hidden({k for k, b in boxes.items() if b.isChecked()})
        return {k: b.isChecked() for k, b in boxes.items()}

    def set_hidden(self, hidden: set[str]) -> None:
        unknown = set(hidden) - set(PANELS)
        if unknown:
            raise ValueError(f"There is no panel {sorted(unknown)[0]!r}; choose from {', '.join(PANELS)}.")
        if self.on:  # shown again as they were, then hidden as now chosen
            self._show_panels()
        self.hidden = set(hidden)
        if self.on:
            self._hide_panels()

    def _hide_panels(self) -> None:
        self._saved["visible"] = {k: w.isVisible() for k, w in self.panels().items()}
        for key, widget in self.panels().items():
            if key in self.hidden:
                widget.hide()

    def _show_panels(self) -> None:
        for key, widget in self.panels().items():
            widget.setVisible(self._saved.get("visible", {}).get(key, True))

    # -- on and off ------------------------------------------------------------------
    def set_on(self, on: bool) -> None:
        if on == self.on:
            return
        self.on = on
        w, app = self.window, QApplication.instance()
        if on:
            self._saved = {
                "theme": theme.current().name,
                "font": QFont(app.font()),
                "maximized": w.isMaximized(),
            }
            theme.set_theme(THEME)
            self._scale_fonts(app, self.scale)
            self._hide_panels()
            w.showFullScreen()
        else:
            self._show_panels()
            self._scale_fonts(app, None)
            theme.set_theme(self._saved["theme"])
            self._restore_plots()
            w.showMaximized() if self._saved.get("maximized") else w.showNormal()
        if on:
            self.scale_plots()
        for shortcut in self._keys:
            shortcut.setEnabled(on)
        self.action.setChecked(on)
        self.toggled.emit(on)

    def _scale_fonts(self, app, scale: float | None) -> None:
        """The application's font (and the widgets that set their own) times ``scale``;
        None puts back what was there."""
        set_text_scale(scale or 1.0)  # S-L1: text drawn in pixels (the network diagram) too
        if scale is None:
            app.setFont(self._saved["font"])
            for widget, font in self._saved.get("own_fonts", []):
                widget.setFont(font)
            return
        big = QFont(self._saved["font"])
        big.setPointSizeF(big.pointSizeF() * scale)
        own = [
            (x, QFont(x.font()))
            for x in self.window.findChildren(QWidget)
            if x.testAttribute(Qt.WidgetAttribute.WA_SetFont)
        ]
        app.setFont(big)
        for widget, font in own:  # the epoch label and others with a font of their own
            scaled = QFont(font)
            scaled.setPointSizeF(font.pointSizeF() * scale)
            widget.setFont(scaled)
        self._saved["own_fonts"] = own

    def scale_plots(self) -> None:
        """Every plot's tick labels, axis labels, titles and lines, scaled."""
        saved = self._saved.setdefault("plots", [])
        tick = QFont(QApplication.instance().font())
        for view in self.window.findChildren(pg.GraphicsView):
            for item in view.scene().items():
                if isinstance(item, pg.AxisItem):
                    self._scale_axis(item, tick, saved)
                elif isinstance(item, pg.LabelItem) and item.text:
                    # plot titles and legend entries carry their own size ("11pt")
                    size = str(item.opts.get("size") or "9pt")
                    saved.append((item, "label", dict(item.opts)))
                    item.setText(item.text, size=_scaled_size(size, self.scale))
                elif isinstance(item, pg.PlotCurveItem | pg.PlotDataItem) and hasattr(item, "opts"):
                    pen = item.opts.get("pen")
                    if pen is not None and not isinstance(pen, tuple | list):
                        pen = pg.mkPen(pen)
                        saved.append((item, "pen", pg.mkPen(pen)))
                        pen.setWidthF(max(1.0, pen.widthF()) * self.scale)
                        item.setPen(pen)

    def _scale_axis(self, item: pg.AxisItem, tick: QFont, saved: list) -> None:
        fixed = item.fixedWidth if item.orientation in ("left", "right") else item.fixedHeight
        saved.append((item, "axis", (item.style.get("tickFont"), dict(item.labelStyle), fixed)))
        item.setStyle(tickFont=tick)
        item.labelStyle = {**item.labelStyle, "font-size": f"{tick.pointSizeF():.0f}pt"}
        if item.labelText:
            item.setLabel(item.labelText, **item.labelStyle)
        if fixed is not None:  # a colour bar's axis: room for the larger text
            grow = item.setWidth if item.orientation in ("left", "right") else item.setHeight
            grow(int(fixed * self.scale))

    def _restore_plots(self) -> None:
        for item, kind, old in reversed(self._saved.pop("plots", [])):
            try:
                if kind == "axis":
                    item.setStyle(tickFont=old[0])
                    item.labelStyle = old[1]
                    if item.labelText:
                        item.setLabel(item.labelText, **old[1])
                    if old[2] is not None:
                        (item.setWidth if item.orientation in ("left", "right") else item.setHeight)(old[2])
                elif kind == "label":
                    item.setText(item.text, **old)
                else:
                    item.setPen(old)
            except RuntimeError:  # the item went with a view that closed
                continue


def _scaled_size(size: str, scale: float) -> str:
    """A CSS font size ("11pt", "12px") times ``scale``."""
    for unit in ("pt", "px"):
        if size.endswith(unit):
            return f"{float(size[: -len(unit)]) * scale:.0f}{unit}"
    return size
