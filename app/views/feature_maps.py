"""The "feature-maps" view: every channel of a chosen layer for the selected test
sample, with the sample's image beside them. The worker computes the maps (probe
"feature_maps" {layer, sample}); a click on a sample in the gallery or the confusion
matrix selects another one."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app.views.choices import LayerChoiceMixin, SelectedSampleMixin
from app.views.image_tiles import TileGrid, signed_image
from app.views.sample_grid import picture
from app.views.saving import SavingMenuMixin
from app.views.style import layer_bar


def image_layer_names(project, dataset) -> list[str]:
    """The nodes whose output is an image stack (C, H, W), in the data's order."""
    from engine.graph.validate import validate

    check = validate(project.graph, dataset.spec)
    return [
        n
        for n in check.order
        if project.graph.nodes[n].type != "Input"
        and (value := check.values.get((n, "out"))) is not None
        and len(value.shape) == 3
    ]


class QtFeatureMapsView(LayerChoiceMixin, SelectedSampleMixin, SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = "feature-maps"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo, self.caption, top = layer_bar("The layer whose channels are shown")
        self.combo.currentTextChanged.connect(self._layer_chosen)
        self.caption.setWordWrap(True)
        self.input = TileGrid(minimum=(160, 160))
        self.input.setMaximumWidth(220)
        self.grid = TileGrid()
        body = QHBoxLayout()
        body.addWidget(self.input, 0, Qt.AlignmentFlag.AlignTop)
        body.addWidget(self.grid, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.maps: np.ndarray | None = None
        self.image: np.ndarray | None = None

    # -- the registry's view protocol ---------------------------------------------------
    def set_project(self, project, dataset) -> None:
        self.fill_layers(image_layer_names(project, dataset))
        self.keep_labels(dataset)
        self._clear()
        self.subscriptionsChanged.emit()

    def note_for(self, project, dataset) -> str | None:
        if not image_layer_names(project, dataset):
            return "No layer of this network outputs images (channels × height × width) to show."
        return None

    def subscriptions(self) -> dict[str, dict]:
        if not self.layer():
            return {}
        return {"feature_maps": {"layer": self.layer(), "sample": self.sample}}

    def show_snapshot(self, snapshot) -> None:
        value = snapshot.probes.get("feature_maps")
        if value is None or str(value["layer"]) != self.layer() or int(value["sample"]) != self.sample:
            return  # an older answer, for another layer or sample
        self.show_maps(np.asarray(value["maps"]), np.asarray(value["image"]))

    def view_data(self) -> dict:
        if self.maps is None:
            return {}
        return {"maps": self.maps, "image": self.image, "sample": np.array(self.sample)}

    # -- drawing --------------------------------------------------------------------
    def show_maps(self, maps: np.ndarray, image: np.ndarray) -> None:
        self.maps, self.image = maps, image
        scale = float(np.abs(maps).max()) or 1.0
        self.grid.set_tiles([signed_image(m, scale) for m in maps], [f"{c}" for c in range(len(maps))])
        label = self.sample_label()
        label = f": {label}" if label is not None else ""
        self.input.set_tiles([picture(image)], [f"sample {self.sample}{label}"])
        c, h, w = maps.shape
        self.caption.setText(
            f"{c} channels of {h}×{w}; blue positive, orange negative, ±{scale:.3g} at full colour."
        )

    def _layer_chosen(self, _text: str) -> None:
        self._clear()
        self.subscriptionsChanged.emit()

    def _clear(self) -> None:
        self.maps = self.image = None
        self.grid.set_tiles([])
        self.input.set_tiles([])
        self.caption.setText("")
