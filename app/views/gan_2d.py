"""The ``gan-2d`` view, GAN Lab's picture: real points (blue) and generated ones
(orange) over the discriminator's verdict (blue where it says real, orange where it
says fake), the generator's gradient as arrows on its samples, the noise grid as the
generator bends it, and the KL/JS divergence and both losses as curves.

Buttons step one phase (D, G or both) or turn slow motion on (every epoch one phase);
"Draw points" lets clicks on the plane place marks, and "Train on them" makes them the
project's real points (added to those drawn before) as one undoable edit: the view
emits ``edited(text, mutate)`` and the area applies it to the document, so drawn points
are saved with the project (engine.data.gan_real). The buttons go to the worker as
asked probes (engine.probes.gan).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import BLUE, ORANGE, hex_colour, signed_rgb
from app.views.gan_curves import GanCurves
from app.views.saving import SavingMenuMixin
from app.views.style import style_plot
from engine.data.dataset import USER
from engine.data.gan_real import drawn_points, real_extent

ARROW_SHARE = 0.08  # the longest arrow, as a share of the plane's width


def polylines(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(..., points, 2) lines -> x, y and pyqtgraph's connect array (breaks between lines)."""
    flat = lines.reshape(-1, lines.shape[-2], 2)
    connect = np.ones(flat.shape[:2], bool)
    connect[:, -1] = False
    return flat[..., 0].ravel(), flat[..., 1].ravel(), connect.ravel()


def arrows(points: np.ndarray, gradient: np.ndarray, extent: float) -> tuple[np.ndarray, np.ndarray]:
    """Segments from each point along its gradient, the longest ARROW_SHARE of the plane."""
    length = np.linalg.norm(gradient, axis=1)
    scale = ARROW_SHARE * 2 * extent / max(float(length.max(initial=0.0)), 1e-12)
    ends = points + gradient * scale
    segs = np.stack([points, ends], 1).reshape(-1, 2)
    return segs[:, 0], segs[:, 1]


def own_points(project) -> np.ndarray | None:
    """The real points the user drew (n, 2), or None while a generated set is the data."""
    if project.data.name != USER or project.points is None:
        return None
    return np.asarray(project.points[0], np.float32)


class QtGan2d(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    asked = Signal(str, object)
    edited = Signal(str, object)  # S-GAN: an undoable edit of the project (text, mutate)
    view_name = "gan-2d"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: dict | None = None
        self.own: np.ndarray | None = None  # the project's drawn real points
        self.drawn: list[tuple[float, float]] = []
        self.plane = pg.PlotWidget()
        self.plane.setAspectLocked(True)
        self.plane.setMenuEnabled(False)
        self.plane.hideButtons()
        self.field = pg.ImageItem()
        self.grid_lines = pg.PlotDataItem(pen=pg.mkPen((120, 120, 120, 150), width=1))
        self.real = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.5), brush=pg.mkBrush(*BLUE))
        self.fake = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.5), brush=pg.mkBrush(*ORANGE))
        self.arrows = pg.PlotDataItem(connect="pairs", pen=pg.mkPen((90, 50, 0), width=1.2))
        self.drawn_item = pg.ScatterPlotItem(size=9, symbol="x", pen=pg.mkPen(*BLUE, width=2), brush=None)
        for item in (self.field, self.grid_lines, self.real, self.fake, self.arrows, self.drawn_item):
            self.plane.addItem(item)
        self.plane.scene().sigMouseClicked.connect(self._clicked)
        self.curves = GanCurves(across=True)
        self.show_grid = QCheckBox("Noise grid")
        self.show_arrows = QCheckBox("G's gradient")
        for box in (self.show_grid, self.show_arrows):
            box.setChecked(True)
            box.toggled.connect(self._redraw)
        self.step_d, self.step_g, self.step_both = (QPushButton(t) for t in ("Step D", "Step G", "Step both"))
        for button, phase in ((self.step_d, "d"), (self.step_g, "g"), (self.step_both, "both")):
            button.clicked.connect(lambda _=False, p=phase: self.asked.emit("gan_phase", {"phase": p}))
        self.slow = QCheckBox("Slow motion")
        self.slow.setToolTip("Each epoch is one phase, D then G, so a paced run pauses after each.")
        self.slow.toggled.connect(lambda on: self.asked.emit("gan_slow_motion", {"on": bool(on)}))
        self.draw = QPushButton("Draw points")
        self.draw.setCheckable(True)
        self.draw.setToolTip("Click on the plane to place real points, then train on them.")
        self.use = QPushButton("Train on them")
        self.use.clicked.connect(self._use_drawn)
        self.clear_drawn = QPushButton("Clear drawn")
        self.clear_drawn.clicked.connect(self._clear_drawn)
        self.status = QLabel("Press Play or Step to train the GAN.")
        self.status.setWordWrap(True)
        theme.follow(self.status, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 2px;"))
        # a tall column: the plane square on top, the curves side by side, then controls
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for i, w in enumerate((self.step_d, self.step_g, self.step_both)):
            grid.addWidget(w, 0, i)
        for i, w in enumerate((self.slow, self.show_grid, self.show_arrows)):
            grid.addWidget(w, 1, i)
        for i, w in enumerate((self.draw, self.use, self.clear_drawn)):
            grid.addWidget(w, 2, i)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plane, 5)
        layout.addWidget(self.curves, 2)
        layout.addLayout(grid)
        layout.addWidget(self.status)
        theme.follow(self, lambda w, _t: w._restyle())
        self._update_buttons()

    def _restyle(self) -> None:
        t = theme.current()
        self.plane.setBackground(t.background)
        style_plot(
            self.plane.getPlotItem(), "Real (blue), generated (orange); D's verdict behind", "x1", "x2"
        )

    # -- the view protocol ---------------------------------------------------------
    def set_project(self, project, dataset) -> None:
        self.value = None
        self.own = own_points(project)
        self.extent = (
            real_extent(self.own) if self.own is not None else float(getattr(dataset, "extent", 2.0))
        )
        e = self.extent
        self.plane.setRange(QRectF(-e, -e, 2 * e, 2 * e), padding=0)
        self.real.setData(pos=np.asarray(dataset.x_train[:256] if self.own is None else self.own[:256]))
        n = len(self.drawn)
        if (
            n
            and self.own is not None
            and len(self.own) >= n
            and np.allclose(self.own[-n:], self.drawn, atol=1e-3)
        ):
            self._clear_drawn()  # they are the project's now
        self._update_buttons()
        for item in (self.fake, self.arrows, self.grid_lines):
            item.setData([], [])
        self.field.clear()
        self.curves.clear()

    def note_for(self, project, dataset) -> str | None:
        from engine.graph.gan import is_gan

        if not is_gan(project.graph) or not dataset.is_2d:
            return "The gan-2d view shows a GAN on 2-D points; open the gan-2d preset."
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {"gan_plane": {}, "gan_losses": {}}

    def show_snapshot(self, snapshot) -> None:
        probes = getattr(snapshot, "probes", None) or {}
        if (losses := probes.get("gan_losses")) is not None:
            self.curves.show_losses(losses)
        value = probes.get("gan_plane")
        if value is not None and value is not self.value:
            self.show_value(value)

    def answer(self, probe: str, value, error) -> None:
        if error is not None:
            self.status.setText(error)
        elif probe in ("gan_phase",):
            self.show_value(value)

    def show_value(self, value: dict) -> None:
        self.value = value
        self.extent = e = float(value["extent"])
        rgb = signed_rgb(2 * np.asarray(value["field"]) - 1)  # D's output: 1 real (blue), 0 fake
        self.field.setImage(np.ascontiguousarray(rgb.transpose(1, 0, 2)), autoLevels=False)
        self.field.setRect(QRectF(-e, -e, 2 * e, 2 * e))
        self.real.setData(pos=value["real"])
        self.fake.setData(pos=value["generated"])
        self.curves.show_divergence(value["divergence"])
        phase = {"d": "a discriminator step", "g": "a generator step", "both": "a whole iteration"}
        after = phase.get(str(value.get("phase", "")), "")
        self.status.setText(f"Iteration {int(value['step'])}" + (f", after {after}." if after else "."))
        self._redraw()

    def _redraw(self, *_args) -> None:
        v = self.value
        if v is None:
            return
        if self.show_arrows.isChecked():
            self.arrows.setData(*arrows(v["generated"], v["gradient"], self.extent))
        else:
            self.arrows.setData([], [])
        lines = v.get("noise_grid")
        if self.show_grid.isChecked() and lines is not None:
            x, y, connect = polylines(np.asarray(lines))
            self.grid_lines.setData(x, y, connect=connect)
        else:
            self.grid_lines.setData([], [])

    def view_data(self) -> dict:
        if self.value is None:
            return {"drawn": np.asarray(self.drawn, np.float32).reshape(-1, 2)} if self.drawn else {}
        v = self.value
        out = {k: np.asarray(v[k]) for k in ("real", "generated", "gradient", "field") if k in v}
        if "noise_grid" in v:
            out["noise_grid"] = np.asarray(v["noise_grid"])
        for k, a in v["divergence"].items():
            out[f"divergence_{k}"] = np.asarray(a)
        if self.drawn:
            out["drawn"] = np.asarray(self.drawn, np.float32)
        return out

    # -- drawing real points -------------------------------------------------------
    def _clicked(self, event) -> None:
        if not self.draw.isChecked() or event.button() != Qt.MouseButton.LeftButton:
            return
        p: QPointF = self.plane.getPlotItem().vb.mapSceneToView(event.scenePos())
        e = self.extent
        if -e <= p.x() <= e and -e <= p.y() <= e:
            self.drawn.append((p.x(), p.y()))
            self.drawn_item.setData(pos=np.asarray(self.drawn))
            self._update_buttons()
            event.accept()

    def _use_drawn(self) -> None:
        """The marks become the project's real points: after the points drawn before, or
        instead of a generated distribution."""
        if len(self.drawn) < (1 if self.own is not None else 2):
            return
        marks, n = np.asarray(self.drawn, np.float64), len(self.drawn)

        def mutate(project) -> None:
            project.data.name = USER
            project.points = drawn_points(marks, project.points if own_points(project) is not None else None)

        # the marks stay until the project holds them: a refused edit loses nothing drawn
        self.edited.emit(f"Draw {n} real point{'s' * (n != 1)}", mutate)

    def _clear_drawn(self) -> None:
        self.drawn = []
        self.drawn_item.setData([], [])
        self._update_buttons()

    def _update_buttons(self) -> None:
        least = 1 if self.own is not None else 2
        self.use.setEnabled(len(self.drawn) >= least)
        self.clear_drawn.setEnabled(bool(self.drawn))
        self.use.setToolTip(
            "Add them to the real points drawn before (Undo takes them back)."
            if least == 1
            else "Make them the real points the GAN imitates (Undo takes them back)."
            if self.drawn
            else "Draw at least two points first."
        )


__all__ = ["QtGan2d", "hex_colour"]
