"""The Playground's β row for a VAE (issue #11): the weight of the KL term, a live
parameter of the LossSum that adds a Sampling node's ``kl`` to the objective. Changing
it asks for a live parameter edit (``liveParamChosen``): the running model takes the
new weight in place, without a rebuild; the window makes it an undoable edit of the
graph, the same one the Editor's inspector makes."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox

# one finder and one range for the box and the lessons' β control
from engine.lessons.graph_controls import BETA_MAX, kl_weight


class BetaControl:
    """Mixed into PlaygroundPanel, which provides ``document``, ``_training_form``,
    ``_loading`` and the ``liveParamChosen`` signal."""

    def _build_beta(self) -> None:
        self._beta_at: tuple[str, str] | None = None
        self.beta_spin = QDoubleSpinBox()
        self.beta_spin.setRange(0.0, BETA_MAX)
        self.beta_spin.setDecimals(2)
        self.beta_spin.setSingleStep(0.1)
        self.beta_spin.setKeyboardTracking(False)  # one edit when typing ends, not per key
        self.beta_spin.setToolTip(
            "β: the weight of the KL term. 0 makes a plain autoencoder; large values pull "
            "every code onto the prior (posterior collapse). Changes while training runs."
        )
        self.beta_spin.valueChanged.connect(self._beta_chosen)
        self._training_form.addRow("β (KL weight)", self.beta_spin)
        # an undo, a redo or the Editor's inspector changes β too: the box follows
        self.document.graphEdited.connect(lambda _kind, _ids: self._follow_beta())

    def _follow_beta(self) -> None:
        if self._beta_at is None or self._loading:
            return
        self._loading = True
        try:
            self._load_beta(self.document.project.graph)
        finally:
            self._loading = False

    def _load_beta(self, graph) -> None:
        self._beta_at = kl_weight(graph)
        self._training_form.setRowVisible(self.beta_spin, self._beta_at is not None)
        if self._beta_at is not None:
            node, name = self._beta_at
            self.beta_spin.setValue(float(graph.nodes[node].params.get(name, 1.0)))

    def _beta_chosen(self, value: float) -> None:
        if not self._loading and self._beta_at is not None:
            self.liveParamChosen.emit(*self._beta_at, float(value))
