"""The ``reconstructions`` view: test images, the network's reconstructions, and those
from a PCA basis with as many components as the latent code, with both mean squared
errors over the test set, so that "a linear autoencoder finds the PCA subspace; a
deeper one does better" can be seen."""

from __future__ import annotations

import numpy as np

from app.views.latent_pictures import ImageRowsView, no_latent_note, picture

COUNT = 10


class QtReconstructions(ImageRowsView):
    view_name = "reconstructions"
    HINT = "Press Step or Play to see reconstructions."

    def note_for(self, project, dataset) -> str | None:
        return no_latent_note(project, dataset)

    def subscriptions(self) -> dict[str, dict]:
        return {"reconstructions": {"count": COUNT}}

    def show_snapshot(self, snapshot) -> None:
        value = (getattr(snapshot, "probes", None) or {}).get("reconstructions")
        if value is not None and value is not self.value:
            self.show_value(value)

    def show_value(self, value: dict) -> None:
        self.value = value
        k = int(value["components"])
        net, pca = float(value["network_error"]), float(value["pca_error"])
        self.rows.set_rows(
            [
                ("Test images", [picture(a) for a in value["originals"]]),
                (f"Network (code of {k}): error {net:.4f}", [picture(a) for a in value["reconstructions"]]),
                (f"PCA, {k} components: error {pca:.4f}", [picture(a) for a in value["pca"]]),
            ]
        )
        ratio = net / pca if pca > 0 else np.inf
        better = "better than" if ratio < 1 else "worse than"
        self.summary.setText(
            f"Mean squared error per pixel over the test set: network {net:.4f}, PCA {pca:.4f} "
            f"(the network is {ratio:.2f}× PCA's error, {better} the best linear code of {k})."
        )

    def view_data(self) -> dict:
        if self.value is None:
            return {}
        v = self.value
        keys = ("originals", "reconstructions", "pca", "network_error", "pca_error", "components")
        return {k: np.asarray(v[k]) for k in keys}
