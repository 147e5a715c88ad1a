"""Loss-independent figures shared by every trainer: accuracy of raw predictions."""

from __future__ import annotations

import torch


def accuracy(
    loss_kind: str | None, pred: torch.Tensor, y: torch.Tensor, variants: int | None = None
) -> torch.Tensor:
    """Share of right classes: ``pred`` (N, outputs) raw predictions of one model, or
    (K, N, outputs) of ``variants`` K, ``y`` (N) classes. NaN (a scalar, or K of
    them) where there are no classes (regression, reconstructions: ``loss_kind``
    None, "mse" or "l1")."""
    if loss_kind == "bce":
        return ((pred[..., 0] > 0).long() == y).float().mean(-1)
    if loss_kind == "cross_entropy":
        return (pred.argmax(-1) == y).float().mean(-1)
    shape = () if variants is None else (variants,)
    return torch.full(shape, float("nan"), device=pred.device)
