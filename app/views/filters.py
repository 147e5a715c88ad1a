"""The "filters" view: the kernels of a chosen conv layer as a grid (colour for a layer
reading RGB images, else one signed tile per input channel), and under it a strip of
the layer's kernels as they were at earlier epochs, kept by the view (one per epoch,
bounded), as the course's filter-visualization notebook stores every epoch."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import signed_rgb
from app.views.choices import LayerChoiceMixin
from app.views.image_tiles import TileGrid, colour_tile, rgb_image, signed_image
from app.views.saving import SavingMenuMixin
from app.views.style import layer_bar

MAX_HISTORY = 10  # epochs the strip keeps: the first and the latest nine


def conv_layer_names(project) -> list[str]:
    """The graph's Conv2d nodes, in the order the data flows through them."""
    graph = project.graph
    order = _order(graph)
    order += [n for n in graph.nodes if n not in order]  # a cycle: the rest in file order
    return [n for n in order if graph.nodes[n].type == "Conv2d"]


def _order(graph) -> list[str]:
    """Node ids in topological order (Kahn's, ties in file order)."""
    into = {n: 0 for n in graph.nodes}
    out: dict[str, list[str]] = {n: [] for n in graph.nodes}
    for e in graph.edges:
        into[e.dst] += 1
        out[e.src].append(e.dst)
    ready = [n for n in graph.nodes if into[n] == 0]
    order = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for m in out[n]:
            into[m] -= 1
            if into[m] == 0:
                ready.append(m)
    return order


def mosaic(kernels: np.ndarray, scale: float | None = None, gap: int = 1) -> np.ndarray:
    """All of a layer's kernels (out, in, kh, kw) as one (H, W, 3) uint8 picture: a row
    per output channel, colour kernels as one RGB tile, others one signed tile per input
    channel, ``gap`` white pixels between tiles."""
    k = np.asarray(kernels, np.float64)
    out_c, in_c, kh, kw = k.shape
    s = scale or float(np.abs(k).max()) or 1.0
    colour = in_c == 3
    cols = 1 if colour else in_c
    # as many output channels per row as keep the picture roughly square
    per_row = max(1, int(round(np.sqrt(out_c * kh / (cols * kw)))))
    rows = -(-out_c // per_row)
    cell_w, cell_h = cols * (kw + gap), kh + gap
    pic = np.full((rows * cell_h + gap, per_row * cell_w + gap, 3), 255, np.uint8)
    for o in range(out_c):
        r, c = divmod(o, per_row)
        y, x = gap + r * cell_h, gap + c * cell_w
        if colour:
            t = np.clip(k[o] / (2 * s) + 0.5, 0, 1)
            pic[y : y + kh, x : x + kw] = (np.transpose(t, (1, 2, 0)) * 255).astype(np.uint8)
        else:
            for i in range(in_c):
                xi = x + i * (kw + gap)
                pic[y : y + kh, xi : xi + kw] = signed_rgb(k[o, i] / s, pale=False)
    return pic


class QtFiltersView(LayerChoiceMixin, SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = "filters"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo, self.caption, top = layer_bar("The convolution layer whose kernels are shown")
        self.combo.currentTextChanged.connect(self._layer_chosen)
        self.caption.setWordWrap(True)
        self.grid = TileGrid()
        self.strip = TileGrid(minimum=(160, 120))
        self.strip.setMaximumHeight(160)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.grid, 1)
        self.strip_title = QLabel("Over training (one picture per epoch)")
        theme.follow(self.strip_title, lambda w, t: w.setStyleSheet(f"color: {t.muted};"))
        layout.addWidget(self.strip_title)
        layout.addWidget(self.strip)
        self.kernels: np.ndarray | None = None
        self.history: list[tuple[int, np.ndarray]] = []  # (epoch, kernels)

    # -- the registry's view protocol ---------------------------------------------------
    def set_project(self, project, _dataset) -> None:
        self.fill_layers(conv_layer_names(project))
        self._clear()
        self.subscriptionsChanged.emit()

    def note_for(self, project, _dataset) -> str | None:
        if not conv_layer_names(project):
            return "This network has no convolution layer (Conv2d node), so it has no filters to show."
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {"kernels": {"layer": self.layer()}} if self.layer() else {}

    def show_snapshot(self, snapshot) -> None:
        if snapshot.reset:
            self.history = []
        value = snapshot.probes.get("kernels")
        if value is None or str(value["layer"]) != self.layer():
            return
        # the kernels' own epoch: a merged snapshot may carry an older value (V2, issue #10)
        epoch = int(value["epoch"]) if "epoch" in value else int(snapshot.epoch)
        self.show_kernels(np.asarray(value["kernels"]), epoch)

    def view_data(self) -> dict:
        if self.kernels is None:
            return {}
        return {
            "kernels": self.kernels,
            "history": np.stack([k for _, k in self.history]),
            "history_epochs": np.array([e for e, _ in self.history]),
        }

    # -- drawing --------------------------------------------------------------------
    def show_kernels(self, kernels: np.ndarray, epoch: int) -> None:
        self.kernels = kernels
        if self.history and self.history[-1][0] == epoch:
            self.history[-1] = (epoch, kernels)
        elif not self.history or epoch > self.history[-1][0]:
            self.history.append((epoch, kernels))
            if len(self.history) > MAX_HISTORY:
                del self.history[1]  # keep where training started
        else:  # the epoch went back (a reset we did not see): start the strip again
            self.history = [(epoch, kernels)]
        out_c, in_c, kh, kw = kernels.shape
        scale = float(np.abs(kernels).max()) or 1.0
        if in_c == 3:
            tiles = [colour_tile(kernels[o]) for o in range(out_c)]
            captions = [f"{o}" for o in range(out_c)]
            self.grid.columns = None
        else:  # a row per output channel, a column per input channel
            tiles = [signed_image(kernels[o, i], scale) for o in range(out_c) for i in range(in_c)]
            captions = [f"{o}" if in_c == 1 else f"{o}·{i}" for o in range(out_c) for i in range(in_c)]
            self.grid.columns = in_c if in_c > 1 else None
        self.grid.set_tiles(tiles, captions if out_c * in_c <= 64 else None)
        self.caption.setText(
            f"{out_c} kernels of {kh}×{kw}"
            + (" over RGB" if in_c == 3 else f" × {in_c} input channel{'s' * (in_c > 1)}")
            + f"; orange negative, blue positive, ±{scale:.3g} at full colour."
        )
        self.strip.set_tiles(
            [rgb_image(mosaic(k)) for _, k in self.history], [f"epoch {e}" for e, _ in self.history]
        )

    def _layer_chosen(self, _text: str) -> None:
        self._clear()
        self.subscriptionsChanged.emit()

    def _clear(self) -> None:
        self.kernels, self.history = None, []
        self.grid.set_tiles([])
        self.strip.set_tiles([])
        self.caption.setText("")
