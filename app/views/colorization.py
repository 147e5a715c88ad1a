"""The ``colorization`` view (issue #12, L4): test patches of the photo-colour set in
three rows, the grey input, the network's colouring and the true colours, with the test
error of the predicted a*, b* beside the gray-mean baseline's (engine.probes.colorization)."""

from __future__ import annotations

import numpy as np

from app.views.image_tiles import rgb_image
from app.views.latent_pictures import ImageRowsView

PROBE, COUNT = "colorization", 8


def _pictures(images: np.ndarray) -> list:
    return [rgb_image(np.round(np.clip(a, 0, 1) * 255)) for a in images]


class QtColorization(ImageRowsView):
    view_name = PROBE
    HINT = "Press Step or Play: the network learns to colour grey patches."

    def note_for(self, project, _dataset) -> str | None:
        if project.data.name != "photo-colour":
            return "Colorization needs the photo-colour dataset: open the colorization preset."
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {PROBE: {"count": COUNT}}

    def show_snapshot(self, snapshot) -> None:
        value = (getattr(snapshot, "probes", None) or {}).get(PROBE)
        if value is not None and value is not self.value:
            self.show_value(value)

    def show_value(self, value: dict) -> None:
        self.value = value
        error, base = float(value["error"]), float(value["baseline"])
        self.rows.set_rows(
            [
                ("Grey input (L*)", _pictures(value["grey"])),
                (f"Network's colours: error {error:.4f}", _pictures(value["prediction"])),
                ("True colours", _pictures(value["truth"])),
            ]
        )
        verdict = "below" if error < base else "not yet below"
        self.summary.setText(
            f"Epoch {int(value['epoch'])}: mean squared error of a*, b* (÷100) over the test set "
            f"{error:.4f}, {verdict} the gray-mean baseline's {base:.4f} (every pixel given the "
            "mean colour of the training set)."
        )

    def view_data(self) -> dict:
        if self.value is None:
            return {}
        return {
            k: np.asarray(self.value[k])
            for k in ("grey", "prediction", "truth", "error", "baseline", "epoch")
        }
