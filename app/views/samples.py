"""The ``samples`` view: a grid of images decoded from fixed N(0, I) noise (or a
generator's own samples). The noise stays the same while training runs, so each tile
shows one latent point's image as the decoder learns: a VAE's look like digits, a plain
autoencoder's (whose codes were never pulled towards the prior) mostly do not. New
noise draws another grid. A VAE gone to NaN or collapsed to its prior gets a sentence
instead of pictures of noise."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.look import theme
from app.views.image_tiles import TileGrid
from app.views.latent_pictures import latent_of, picture
from app.views.saving import SavingMenuMixin

COUNT = 32  # images in the grid
# predicates (project, dataset) -> bool of other projects that sample images: a GAN's
# view registration adds one here, its trainer answers the probe (``sample_images``)
SAMPLERS: list = []


def _generates_images(project, dataset) -> bool:
    """S-GAN: a GAN on images samples its generator (the trainer's ``sample_images``)."""
    from engine.graph.gan import is_gan

    return is_gan(project.graph) and getattr(dataset.x_train, "ndim", 0) == 4


SAMPLERS.append(_generates_images)


class QtSamples(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = "samples"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seed = 0
        self.value: dict | None = None
        self.grid = TileGrid(minimum=(240, 160))
        self.grid.columns = 8
        self.new_button = QPushButton("New noise")
        self.new_button.setToolTip("Draw another fixed set of latent points from N(0, I).")
        self.new_button.clicked.connect(self.new_noise)
        self.caption = QLabel("Press Step or Play to decode samples.")
        self.caption.setWordWrap(True)
        theme.follow(self.caption, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 4px;"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        theme.follow(self.problem, lambda w, t: w.setStyleSheet(f"color: {t.text}; padding: 12px;"))
        bar = QHBoxLayout()
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.problem, 1)
        layout.addLayout(bar)

    def set_project(self, _project, _dataset) -> None:
        self.value = None
        self.grid.set_tiles([])

    def note_for(self, project, dataset) -> str | None:
        if latent_of(project, dataset) is None and not any(f(project, dataset) for f in SAMPLERS):
            return (
                "This graph has nothing to sample: it needs a decoder from a latent code "
                "(a Sampling node or a narrower layer feeding a reconstruction)."
            )
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {"samples": {"count": COUNT, "seed": self.seed}}

    def show_snapshot(self, snapshot) -> None:
        value = (getattr(snapshot, "probes", None) or {}).get("samples")
        if value is not None and value is not self.value:
            self.show_value(value)

    def show_value(self, value: dict) -> None:
        self.value = value
        problem = str(value.get("problem", ""))
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.grid.setVisible(not problem)
        self.grid.set_tiles([picture(a) for a in np.asarray(value["images"])])
        seed = int(value.get("seed", self.seed))  # the noise drawn: a snapshot may predate New noise
        if "z" not in value:
            self.caption.setText(f"The generator's images from fixed noise (seed {seed}).")
        else:
            share = 100 * float(value["prior_share"])
            why = (
                "The KL term pulls a VAE's codes onto this prior"
                if bool(value["variational"])
                else "Nothing pulls a plain autoencoder's codes onto this prior"
            )
            self.caption.setText(
                f"{COUNT} points drawn from N(0, I) (seed {seed}), decoded. {why}: "
                f"{share:.0f}% of the test images' codes lie where the prior draws 95% of its samples."
            )

    def new_noise(self) -> None:
        self.seed += 1
        self.subscriptionsChanged.emit()

    def view_data(self) -> dict:
        if self.value is None:
            return {}
        data = {"images": np.asarray(self.value["images"])}
        if "z" in self.value:
            data["z"] = np.asarray(self.value["z"])
        return data
