"""The ``latent-scatter`` view, for a 2-D latent: the codes of test images coloured by
class over the decoded manifold (a grid of the images the decoder makes across the same
plane). Clicking the plane asks the worker to decode that point, shown beside it: for a
VAE every point decodes to a digit; a plain autoencoder's plane has holes."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import class_rgb
from app.views.latent_pictures import Picture, latent_of, picture
from app.views.saving import SavingMenuMixin

MARGIN = 24  # pixels around the plane, for the axis names
MANIFOLD_OPACITY = 0.6  # the decoded images stay under the points
LEGEND_ROW = 18  # pixels per row of the class legend


class _Plane(QWidget):
    """The latent plane: manifold images, codes as dots, the clicked point as a cross."""

    clicked = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: dict | None = None
        self.images: list = []
        self.point: tuple[float, float] | None = None
        self.codes_shown = True  # the latent-grid view draws the manifold alone
        self.opacity = MANIFOLD_OPACITY
        self.setMinimumSize(300, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        theme.follow(self, lambda w, _t: w.update(), now=False)

    def set_value(self, value: dict) -> None:
        self.value = value
        self.images = [picture(a) for a in value["manifold"]]
        self.update()

    def extent(self) -> tuple[np.ndarray, np.ndarray]:
        """(low, high) corners of the plane drawn: the manifold's grid points are the
        centres of its cells."""
        lo, hi = np.asarray(self.value["lo"], float), np.asarray(self.value["hi"], float)
        size = int(round(np.sqrt(len(self.images))))
        half = (hi - lo) / max(size - 1, 1) / 2
        return lo - half, hi + half

    def square(self) -> QRectF:
        side = min(self.width(), self.height()) - 2 * MARGIN
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def to_pixel(self, z1: float, z2: float) -> QPointF:
        lo, hi = self.extent()
        r = self.square()
        return QPointF(
            r.left() + (z1 - lo[0]) / (hi[0] - lo[0]) * r.width(),
            r.bottom() - (z2 - lo[1]) / (hi[1] - lo[1]) * r.height(),
        )

    def to_latent(self, x: float, y: float) -> tuple[float, float]:
        lo, hi = self.extent()
        r = self.square()
        return (
            lo[0] + (x - r.left()) / r.width() * (hi[0] - lo[0]),
            lo[1] + (r.bottom() - y) / r.height() * (hi[1] - lo[1]),
        )

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.value is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        pos = event.position()
        if not self.square().contains(pos):
            return None
        self.point = self.to_latent(pos.x(), pos.y())
        self.update()
        self.clicked.emit(*self.point)
        return None

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        t = theme.current()
        p.fillRect(self.rect(), QColor(t.background))
        if self.value is None:
            p.end()
            return
        r = self.square()
        size = int(round(np.sqrt(len(self.images))))
        cell = r.width() / size
        gap = cell * 0.05  # digits that touch read as stripes
        p.setOpacity(self.opacity)
        for i, img in enumerate(self.images):
            row, col = divmod(i, size)
            box = QRectF(
                r.left() + col * cell + gap, r.top() + row * cell + gap, cell - 2 * gap, cell - 2 * gap
            )
            p.drawImage(box, img)
        p.setOpacity(1.0)
        p.setPen(QPen(QColor(t.frame), 1))
        p.drawRect(r)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        codes, colours = np.asarray(self.value["codes"]), class_rgb(np.asarray(self.value["labels"]))
        p.setPen(QPen(QColor(40, 40, 40), 0.7))
        if not self.codes_shown:
            codes, colours = codes[:0], colours[:0]
        for (z1, z2), rgb in zip(codes, colours, strict=True):
            at = self.to_pixel(z1, z2)
            if r.contains(at):
                p.setBrush(QColor(*map(int, rgb)))
                p.drawEllipse(at, 3.5, 3.5)
        if self.codes_shown:
            self._draw_prior(p, r)
        if self.point is not None:
            at = self.to_pixel(*self.point)
            p.setPen(QPen(QColor(t.text), 2))
            p.drawLine(at + QPointF(-8, 0), at + QPointF(8, 0))
            p.drawLine(at + QPointF(0, -8), at + QPointF(0, 8))
        p.setPen(QColor(t.text))
        p.drawText(
            QRectF(r.left(), r.bottom() + 2, r.width(), MARGIN - 4), Qt.AlignmentFlag.AlignCenter, "z1"
        )
        p.drawText(QRectF(r.left() - MARGIN, r.top(), MARGIN, r.height()), Qt.AlignmentFlag.AlignCenter, "z2")
        p.end()

    def _draw_prior(self, p: QPainter, r: QRectF) -> None:
        """The prior N(0, I)'s 1σ and 2σ circles, where samples are drawn: a VAE's codes
        fill them; a plain autoencoder's need not, leaving holes that decode to no digit."""
        t = theme.current()
        p.save()
        p.setClipRect(r)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor(t.text), 1.2, Qt.PenStyle.DashLine))
        centre = self.to_pixel(0.0, 0.0)
        for k in (1.0, 2.0):
            edge = self.to_pixel(k, k)
            p.drawEllipse(centre, edge.x() - centre.x(), centre.y() - edge.y())
        p.restore()


class _Legend(QWidget):
    """Class colours as dots with the class number, two columns."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.classes = 0
        theme.follow(self, lambda w, _t: w.update(), now=False)

    def set_classes(self, n: int) -> None:
        self.classes = n
        self.setFixedHeight(LEGEND_ROW * ((n + 1) // 2) + 22 if n else 0)
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        t = theme.current()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QColor(t.text))
        p.drawText(QRectF(0, 0, self.width(), 20), Qt.AlignmentFlag.AlignVCenter, "Class")
        for k, rgb in enumerate(class_rgb(np.arange(self.classes))):
            row, col = k % ((self.classes + 1) // 2), k // ((self.classes + 1) // 2)
            x, y = 8 + col * 60, 22 + row * LEGEND_ROW
            p.setPen(QPen(QColor(40, 40, 40), 0.7))
            p.setBrush(QColor(*map(int, rgb)))
            p.drawEllipse(QPointF(x + 5, y + LEGEND_ROW / 2), 5, 5)
            p.setPen(QColor(t.text))
            p.drawText(QRectF(x + 16, y, 40, LEGEND_ROW), Qt.AlignmentFlag.AlignVCenter, str(k))
        p.end()


class QtLatentScatter(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    asked = Signal(str, object)
    view_name = "latent-scatter"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plane = _Plane()
        self.plane.clicked.connect(self._decode_at)
        self.decoded = Picture()
        self.decoded.setMaximumWidth(260)
        self.decoded_image: np.ndarray | None = None
        self.caption = QLabel(
            "Click the plane to decode a point. Dashed: the prior N(0, I) at 1σ and 2σ, "
            "where the Samples tab draws from."
        )
        self.caption.setWordWrap(True)
        theme.follow(self.caption, lambda w, t: w.setStyleSheet(f"color: {t.muted};"))
        self.legend = _Legend()
        side = QVBoxLayout()
        side.addWidget(self.decoded)
        side.addWidget(self.caption)
        side.addStretch(1)
        side.addWidget(self.legend)
        layout = QHBoxLayout(self)
        layout.addWidget(self.plane, 1)
        layout.addLayout(side)

    def set_project(self, _project, dataset) -> None:
        self.legend.set_classes(int(getattr(dataset, "classes", 0) or 0) if self.plane.codes_shown else 0)
        self.plane.value, self.plane.point, self.decoded_image = None, None, None
        self.decoded.set_image(None)
        self.plane.update()

    def note_for(self, project, dataset) -> str | None:
        latent = latent_of(project, dataset)
        if latent is None:
            return (
                "This graph has no latent code to draw: it needs an Output whose target is "
                "the input image, fed through a narrower layer or a Sampling node."
            )
        if latent.dims != 2:
            return (
                f"The latent plane needs a 2-D code; this graph's code has {latent.dims} "
                "numbers. The Latent sliders view explores it instead (or make the code 2 wide)."
            )
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {"latent-map": {"count": 500, "size": 12}}

    def show_snapshot(self, snapshot) -> None:
        value = (getattr(snapshot, "probes", None) or {}).get("latent-map")
        if value is not None and "manifold" in value and value is not self.plane.value:
            self.plane.set_value(value)

    def answer(self, probe: str, value, error) -> None:
        if error is not None:
            self.caption.setText(error)
        elif probe == "latent-decode":
            z = np.asarray(value["z"])[0]
            self.decoded_image = np.asarray(value["images"])[0]
            self.decoded.set_image(picture(self.decoded_image))
            self.caption.setText(f"Decoded at z = ({z[0]:.2f}, {z[1]:.2f}).")

    def view_data(self) -> dict:
        v = self.plane.value
        if v is None:
            return {}
        data = {k: np.asarray(v[k]) for k in ("codes", "labels", "manifold", "lo", "hi")}
        if self.decoded_image is not None:
            data["decoded"] = self.decoded_image
        return data

    def _decode_at(self, z1: float, z2: float) -> None:
        self.asked.emit("latent-decode", {"z": [[z1, z2]], "stats": False})
