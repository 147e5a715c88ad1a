"""The ``latent-grid`` view: the decoded manifold of a 2-D latent alone, a grid of the
images the decoder makes across the plane of the test codes (the course's VAE
figure); clicking a cell decodes that point beside it, as in the latent scatter."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.views.latent_scatter import QtLatentScatter

SIZE = 16  # images a side


class QtLatentGrid(QtLatentScatter):
    view_name = "latent-grid"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plane.codes_shown = False
        self.plane.opacity = 1.0
        self.legend.set_classes(0)
        self.caption.setText("Click the grid to decode that point of the plane.")

    def subscriptions(self) -> dict[str, dict]:
        return {"latent-map": {"count": 500, "size": SIZE}}

    def view_data(self) -> dict:
        data = super().view_data()
        data.pop("codes", None)
        data.pop("labels", None)
        return data
