"""The ``gan-samples`` view: a grid of images the generator makes from fixed noise,
redrawn as it trains, the mode-collapse meter (the samples' diversity against the
data's, and the digit classes a small classifier finds among them), and the
discriminator's and generator's losses."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.look import theme
from app.views.gan_curves import GanCurves
from app.views.latent_pictures import ImageRows, picture
from app.views.saving import SavingMenuMixin

COUNT, COLUMNS = 36, 6


class QtGanSamples(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = "gan-samples"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: dict | None = None
        self.rows = ImageRows()
        self.meter = QLabel("Press Play to train the GAN; its samples appear here.")
        self.meter.setWordWrap(True)
        theme.follow(self.meter, lambda w, t: w.setStyleSheet(f"color: {t.text}; padding: 4px;"))
        self.curves = GanCurves(divergence=False)
        layout = QVBoxLayout(self)  # a tall column beside the controls
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.rows, 3)
        layout.addWidget(self.meter)
        layout.addWidget(self.curves, 2)

    def set_project(self, _project, _dataset) -> None:
        self.value = None
        self.rows.set_rows([])
        self.curves.clear()

    def note_for(self, project, dataset) -> str | None:
        from engine.graph.gan import is_gan

        if not is_gan(project.graph) or getattr(dataset.x_train, "ndim", 0) != 4:
            return "The gan-samples view shows a GAN that makes images; open the gan preset."
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {"gan_samples": {"count": COUNT}, "gan_losses": {}}

    def show_snapshot(self, snapshot) -> None:
        probes = getattr(snapshot, "probes", None) or {}
        if (losses := probes.get("gan_losses")) is not None:
            self.curves.show_losses(losses)
        value = probes.get("gan_samples")
        if value is not None and value is not self.value:
            self.show_value(value)

    def show_value(self, value: dict) -> None:
        self.value = value
        images = [picture(a) for a in value["images"]]
        rows = [images[i : i + COLUMNS] for i in range(0, len(images), COLUMNS)]
        title = f"Samples from fixed noise, iteration {int(value['step'])}"
        self.rows.set_rows([(title if i == 0 else "", r) for i, r in enumerate(rows)])
        diversity = float(value["diversity"])
        text = f"Diversity {diversity:.2f}× the data's (mean distance between samples)"
        if "classes_covered" in value:
            text += f"; {int(value['classes_covered'])} of 10 digit classes recognised among 256 samples"
        if diversity < 0.2:
            text += ". The samples are nearly alike: the generator is collapsing onto one mode."
        self.meter.setText(text + ("." if diversity >= 0.2 else ""))

    def view_data(self) -> dict:
        if self.value is None:
            return {}
        v = self.value
        out = {"images": np.asarray(v["images"]), "diversity": np.asarray(v["diversity"])}
        if "class_counts" in v:
            out["class_counts"] = np.asarray(v["class_counts"])
        return out
