"""A hidden layer of three units, in 3-D: the images of the input plane's grid lines
and of the training points in that layer's space, drawn with vispy under a
turntable camera (drag to turn, scroll to zoom).

The visuals are made once; a snapshot only rewrites their vertex buffers, so the
animation costs one upload per frame. The box, axes and tick labels change only
when the shown range does (fixed for bounded activations, grow-only otherwise, as
QtHiddenSpaceView decides), so the picture does not jitter while training.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from vispy import scene

from app.look import theme
from app.views.style import TEXT

GRID_COLOUR = (0.59, 0.59, 0.59, 0.9)  # the 2-D view's grey grid lines
BOX_COLOUR = (0.82, 0.82, 0.82, 1.0)
AXIS_COLOUR = (0.33, 0.33, 0.33, 1.0)  # style.AXIS
POINT_SIZE = 7
HINT = "drag to turn · scroll to zoom"

_GL: bool | None = None


def gl_available() -> bool:
    """Whether this Qt platform can make an OpenGL context (the offscreen platform
    cannot; a desktop or Xvfb can). Asked once; QApplication must exist."""
    global _GL
    if _GL is None:
        _GL = False
        if QGuiApplication.platformName() not in ("offscreen", "minimal", "vnc"):
            context, surface = QOpenGLContext(), QOffscreenSurface()
            surface.create()
            if context.create() and context.makeCurrent(surface):
                context.doneCurrent()
                _GL = True
    return _GL


def nice_ticks(lo: float, hi: float, most: int = 5) -> np.ndarray:
    """Round values inside [lo, hi], at most ``most`` of them (1, 2 or 5 times a
    power of ten apart)."""
    span = max(hi - lo, 1e-9)
    raw = span / max(most - 1, 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = np.ceil(lo / step - 1e-9) * step
    ticks = np.arange(first, hi + 1e-9 * span, step)
    return np.round(ticks, 10) + 0.0  # + 0.0: no "-0"


def segments(n_lines: int, n_along: int) -> np.ndarray:
    """Index pairs joining consecutive points of each of ``n_lines`` polylines laid
    end to end (the gaps between polylines are not joined)."""
    start = (np.arange(n_lines)[:, None] * n_along + np.arange(n_along - 1)[None]).ravel()
    return np.stack([start, start + 1], 1).astype(np.uint32)


def box_edges(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """(24, 3) end points of the 12 edges of the box [lo, hi] (pairs, for "segments")."""
    corners = np.array([[(hi if (i >> k) & 1 else lo)[k] for k in range(3)] for i in range(8)])
    pairs = [(i, i | 1 << k) for i in range(8) for k in range(3) if not (i >> k) & 1]
    return corners[np.array(pairs).ravel()].astype(np.float32)


class VispyHiddenSpace3D(QWidget):
    """The 3-D hidden space: ``show_hidden`` draws one hidden_space result whose
    rows have three coordinates, in ``bounds`` ((3, 2) lower and upper ends)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = scene.SceneCanvas(
            keys=None, bgcolor="white", app="pyside6", size=(400, 300), show=False, parent=self
        )
        self.view = self.canvas.central_widget.add_view()
        self.camera = scene.TurntableCamera(fov=30.0, elevation=22.0, azimuth=-50.0, up="+z")
        self.view.camera = self.camera
        parent_node = self.view.scene
        self.box = scene.visuals.Line(
            pos=np.zeros((2, 3), np.float32),
            connect="segments",
            color=BOX_COLOUR,
            width=1,
            parent=parent_node,
        )
        self.axes = scene.visuals.Line(
            pos=np.zeros((2, 3), np.float32),
            connect="segments",
            color=AXIS_COLOUR,
            width=2,
            parent=parent_node,
        )
        self.lines = scene.visuals.Line(
            pos=np.zeros((2, 3), np.float32),
            connect="segments",
            color=GRID_COLOUR,
            width=1,
            antialias=True,
            parent=parent_node,
        )
        self.points = scene.visuals.Markers(parent=parent_node)
        self.points.set_data(np.zeros((1, 3), np.float32), size=POINT_SIZE)
        self.points.visible = False
        self.tick_text = scene.visuals.Text("", color=AXIS_COLOUR, font_size=7, parent=parent_node)
        self.axis_text = scene.visuals.Text("", color=TEXT, font_size=9, bold=True, parent=parent_node)
        self.title = QLabel("")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(HINT)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.canvas.native, 1)
        layout.addWidget(self.hint)
        self._edge = "white"  # the points' rim: the ground's colour, so that points part
        theme.follow(self, VispyHiddenSpace3D._restyle)
        self._shape: tuple[int, int] | None = None  # (lines, points along) of the grid
        self._bounds: np.ndarray | None = None
        self._names: tuple[str, ...] = ()
        self.positions = np.zeros((0, 3), np.float32)  # the points last shown

    # -- drawing ---------------------------------------------------------------------
    def show_hidden(
        self,
        hidden: dict,
        colours: np.ndarray | None,
        bounds: np.ndarray,
        names: tuple[str, str, str] = ("unit 1", "unit 2", "unit 3"),
        title: str = "",
    ) -> None:
        """Draw the grid lines and points of ``hidden`` (hidden_space's dict, 3 dims);
        ``colours``: (N, 4) RGBA bytes per point, or None for grey."""
        lines = np.asarray(hidden["lines"], np.float32)
        points = np.asarray(hidden["points"], np.float32)
        n_lines, n_along, _ = lines.shape
        pos = np.nan_to_num(lines.reshape(-1, 3))
        if self._shape != (n_lines, n_along):
            self._shape = (n_lines, n_along)
            self.lines.set_data(pos=pos, connect=segments(n_lines, n_along))
        else:
            self.lines.set_data(pos=pos)
        if colours is None or len(colours) != len(points):
            face = np.tile(np.array([[0.47, 0.47, 0.47, 1.0]], np.float32), (len(points), 1))
        else:
            face = np.asarray(colours, np.float32) / 255.0
        self.positions = np.nan_to_num(points)
        if len(points):
            self.points.set_data(
                self.positions, face_color=face, edge_color=self._edge, edge_width=0.8, size=POINT_SIZE
            )
        self.points.visible = len(points) > 0
        self.set_bounds(np.asarray(bounds, np.float64), tuple(names))
        if title != self.title.text():
            self.title.setText(title)

    def _restyle(self, t: theme.Theme) -> None:
        """The theme's ground, text and axis colours (the data's colours stay)."""
        self.canvas.bgcolor = t.background
        self.title.setStyleSheet(
            f"color: {t.text}; background: {t.background}; font-size: 10pt; padding: 2px;"
        )
        self.hint.setStyleSheet(f"color: {t.muted}; background: {t.background}; padding: 0 6px 2px 0;")
        self.axes.set_data(color=t.axis)
        self.box.set_data(color=t.frame if t.name != "light" else BOX_COLOUR)
        self.tick_text.color = t.axis
        self.axis_text.color = t.text
        self._edge = t.background
        self.canvas.update()

    def set_bounds(self, bounds: np.ndarray, names: tuple[str, ...]) -> None:
        """Box, axes and labels for ``bounds`` ((3, 2)); the camera is re-aimed only
        when the bounds change, so the user's turn and zoom survive the animation."""
        if self._bounds is not None and np.array_equal(bounds, self._bounds) and names == self._names:
            return
        self._bounds, self._names = bounds.copy(), names
        lo, hi = bounds[:, 0], bounds[:, 1]
        span = hi - lo
        pad = 0.06 * float(span.max())
        self.box.set_data(pos=box_edges(lo, hi))
        # x and y run along the front bottom edges from the lower corner; z rises at
        # the left corner (x low, y high), so that it stands beside the data, not before
        # it at the default turn. Ticks and names sit outside the box.
        x0, y0, z0 = lo
        y1 = hi[1]
        starts = np.array([[x0, y0, z0], [x0, y0, z0], [x0, y1, z0]])
        out = np.array([[0.0, -0.6, -1.0], [-0.6, 0.0, -1.0], [-0.8, 0.8, 0.0]]) * pad
        ends = []
        for k in range(3):
            end = starts[k].copy()
            end[k] = hi[k]
            ends += [starts[k], end]
        self.axes.set_data(pos=np.asarray(ends, np.float32))
        texts, where, label_pos = [], [], []
        for k in range(3):
            for t in nice_ticks(lo[k], hi[k]):
                p = starts[k] + 1.6 * out[k]
                p[k] = t
                texts.append(f"{t:g}")
                where.append(p)
            p = starts[k] + 4.0 * out[k]
            p[k] = (lo[k] + hi[k]) / 2
            label_pos.append(p)
        self.tick_text.text = texts
        self.tick_text.pos = np.asarray(where, np.float32)
        self.axis_text.text = list(names)
        self.axis_text.pos = np.asarray(label_pos, np.float32)
        centre = (lo + hi) / 2
        centre[2] -= 0.1 * span[2]  # the tick and axis names hang below the box
        self.camera.center = tuple(centre)
        self.camera.scale_factor = float(np.linalg.norm(span)) * 1.1

    def clear(self) -> None:
        self.lines.set_data(pos=np.zeros((2, 3), np.float32))
        self.positions = np.zeros((0, 3), np.float32)
        self.points.visible = False

    def render(self) -> np.ndarray:
        """The canvas drawn offscreen, as an (H, W, 4) uint8 image."""
        return self.canvas.render()

    def close_canvas(self) -> None:
        self.canvas.close()


__all__ = ["VispyHiddenSpace3D", "box_edges", "gl_available", "nice_ticks", "segments"]
