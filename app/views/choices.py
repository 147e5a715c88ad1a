"""What the views of one layer of a convolutional network share: the layer chosen in
their bar's combo (``nodeplay render --layer`` and tests call ``layers``, ``layer``
and ``set_layer``), and, for those drawing one test sample, the sample selected and
its label. Mixed into feature-maps, receptive-field and filters."""

from __future__ import annotations

from app.views.sample_grid import label_text


class LayerChoiceMixin:
    """Mixed into a view whose ``combo`` (app.views.style.layer_bar) lists layers by name."""

    def layers(self) -> list[str]:
        return [self.combo.itemText(i) for i in range(self.combo.count())]

    def set_layer(self, layer: str) -> None:
        self.combo.setCurrentText(layer)

    def layer(self) -> str | None:
        return self.combo.currentText() or None

    def fill_layers(self, names: list[str], keep: bool = False) -> None:
        """List ``names`` without a ``currentTextChanged``; ``keep``: the layer chosen
        stays chosen when it is still there."""
        before = self.layer()
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(names)
        if keep and before in names:
            self.combo.setCurrentText(before)
        self.combo.blockSignals(False)


class SelectedSampleMixin:
    """Mixed into a view that draws test sample ``sample`` (the window's selected one) and
    has ``subscriptionsChanged``: its probe is asked again for another sample."""

    sample = 0
    _labels = None  # the test labels
    _dataset_name = ""

    def set_selected_sample(self, index: int) -> None:
        if int(index) != self.sample:
            self.sample = int(index)
            self.subscriptionsChanged.emit()

    def keep_labels(self, dataset) -> None:
        self._labels, self._dataset_name = dataset.y_test, dataset.name

    def sample_label(self) -> str | None:
        """The selected sample's label as the gallery writes it; None when unknown."""
        if self._labels is not None and 0 <= self.sample < len(self._labels):
            return label_text(self._dataset_name, self._labels[self.sample])
        return None
