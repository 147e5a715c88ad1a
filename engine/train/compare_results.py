"""What a ``CompareSession`` hands out: every variant's history, weights and
decision boundaries (split from ``engine.train.compare``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from engine.probes.boundary import plane_grid
from engine.train.events import Metrics


class CompareResults:
    """Mixed into ``CompareSession``: reads its stacked parameters and metric rows."""

    k: int
    _rows: list[list[tuple]]
    _active: torch.Tensor
    params: list[torch.Tensor]
    _frozen: list[torch.Tensor]
    weights_t: list[torch.Tensor]
    biases_t: list[torch.Tensor | None]
    layer_names: list[str]
    state_keys: list[str]
    dataset: Any
    device: torch.device
    _grids: dict[int, torch.Tensor]
    loss_kind: str
    _forward: Callable[..., torch.Tensor]  # (x, weights, biases): every variant's predictions

    @property
    def history(self) -> list[Metrics]:
        """Per variant, one row per finished epoch (NaN after it was frozen)."""
        out = []
        for rows in self._rows:
            if not rows:
                out.append(Metrics())
                continue
            cols = list(zip(*rows))
            out.append(Metrics(np.array(cols[0], np.int64), *(np.array(c, np.float64) for c in cols[1:])))
        return out

    def _current(self) -> tuple[list, list]:
        """Stacked weights and biases, frozen variants' lanes as they were when stopped."""
        if bool(self._active.all()):
            return self.weights_t, self.biases_t
        keep = self._active
        merged = iter(
            [
                torch.where(keep.view(-1, *[1] * (p.dim() - 1)), p.detach(), saved)
                for p, saved in zip(self.params, self._frozen)
            ]
        )
        weights, biases = [], []
        for b in self.biases_t:
            weights.append(next(merged))
            biases.append(None if b is None else next(merged))
        return weights, biases

    def weights(self, k: int | None = None) -> dict[str, np.ndarray]:
        """Variant k's weights keyed as ``Session.weights`` keys them (every variant's,
        keyed "k/name", without k)."""
        if k is None:
            return {f"{i}/{key}": v for i in range(self.k) for key, v in self.weights(i).items()}
        weights, biases = self._current()
        out = {}
        for name, w, b in zip(self.layer_names, weights, biases):
            out[f"layers.{name}.weight"] = w[k].detach().t().cpu().numpy().copy()
            if b is not None:
                out[f"layers.{name}.bias"] = b[k, 0].detach().cpu().numpy().copy()
        return {key: out[key] for key in self.state_keys}

    @torch.no_grad()
    def boundaries(self, size: int = 100) -> np.ndarray | None:
        """(K, size, size) in [-1, 1] like ``engine.probes.boundary`` ((K, size, size, C)
        for more than two classes); None when the data is not 2-D points."""
        if not self.dataset.is_2d:
            return None
        if size not in self._grids:
            self._grids[size] = plane_grid(self.dataset.extent, size, self.device)
        weights, biases = self._current()
        pred = self._forward(self._grids[size], weights, biases)
        kind = self.loss_kind
        if kind == "bce":
            out = torch.sigmoid(pred[:, :, 0]) * 2 - 1
        elif kind == "cross_entropy" and pred.shape[2] == 2:
            out = torch.softmax(pred, 2)[:, :, 1] * 2 - 1
        elif kind == "cross_entropy":
            return torch.softmax(pred, 2).reshape(self.k, size, size, -1).float().cpu().numpy()
        else:
            out = pred[:, :, 0].clamp(-1, 1)
        return out.reshape(self.k, size, size).float().cpu().numpy()
