"""The heads' losses, one implementation for every trainer.

``head_loss`` computes an Output's weighted loss for one network (``GraphModule``)
or, with ``lanes``, for K variants stacked on a leading axis (compare mode's batched
kernel), where the prediction is (K, N, ...) and every lane reads only itself.
"""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F

LOSS_KINDS = ("bce", "cross_entropy", "mse", "l1")

# "mean": one network's loss; "lanes": (K,) each variant's own; "lane_sum": the sum of
# the variants' losses, whose gradient gives every lane its own.
Reduce = Literal["mean", "lanes", "lane_sum"]


def head_loss(
    kind: str,
    pred: torch.Tensor,
    target: torch.Tensor,
    weight: float = 1.0,
    *,
    reduce: Reduce = "mean",
    on_data: bool = True,
) -> torch.Tensor:
    """The head's loss of ``kind`` times its ``weight``.

    ``on_data``: for bce, the target is the dataset's class labels (N,), made (N, 1)
    floats here; otherwise it is any tensor shaped as the prediction. With a lane
    reduction the caller shapes the targets once per epoch (see ``CompareSession``).
    """
    if reduce == "mean":
        if kind == "bce" and on_data:
            target = target.to(pred.dtype).view(-1, 1)
        loss = _loss(kind, pred, target, "mean")
        return loss if weight == 1 else weight * loss  # one op less per batch, forward and backward
    if kind == "cross_entropy":  # classes go on axis 1: (K, C, N) against (K, N)
        pred = pred.transpose(1, 2)
    if reduce == "lanes":
        return weight * _loss(kind, pred, target, "none").flatten(1).mean(1)
    # every lane has as many elements, so the sum of lane means is K times the mean
    scale = weight * pred.shape[0]
    loss = _loss(kind, pred, target, "mean")
    return loss if scale == 1 else loss * scale


def total(terms: list[torch.Tensor]) -> torch.Tensor:
    """The sum of loss terms, added in order (there is at least one)."""
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out


def _loss(kind: str, pred: torch.Tensor, target: torch.Tensor, reduction: str) -> torch.Tensor:
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(pred, target, reduction=reduction)
    if kind == "cross_entropy":
        return F.cross_entropy(pred, target, reduction=reduction)
    if kind == "mse":
        return F.mse_loss(pred, target, reduction=reduction)
    return F.l1_loss(pred, target, reduction=reduction)
