"""Where an epoch's train loss and accuracy come from (issue 10, Speed).

Two rules, chosen by the kind of data:

* images (samples shaped (C, H, W)): the mean over the epoch's mini-batches, from
  the forward passes training already made, each batch weighted by its size (as
  Keras and most course notebooks report it; in train mode, so dropout is on and
  the weights move during the epoch). A second pass over every training
  image would cost about a quarter of the epoch again. The test split is still
  evaluated in full after the epoch.
* everything else (the 2-D playground, tables, 1-D regression): one pass over the
  whole train set after the epoch, in eval mode. The compiled and numpy paths make
  it nearly free, and the playground's curve shows the loss of the set it draws.

``nodeplay train`` (``--metrics`` too) runs the same ``Session.train_epoch``, and
the exported ``train.py`` (``engine.export.train_script``) writes out the same
rule, so the three curves agree.
"""

from __future__ import annotations

import torch

from engine.train.metrics import accuracy

FROM_BATCHES = "mean over the epoch's batches"  # how views name the batch rule


def from_batches(dataset) -> bool:
    """True when ``dataset``'s train metrics are the mean over the epoch's batches."""
    return dataset.x_train.ndim >= 4  # (N, C, H, W): images


class BatchMeans:
    """An epoch's mini-batch figures, kept on the device: no host sync per batch.

    ``add`` takes each batch's objective (before any L1/L2 penalty, which the full
    evaluation and the test loss leave out too), its main prediction and targets;
    it only keeps detached references, so a batch costs no extra kernel. ``means``
    gives the size-weighted mean loss and the share of right classes as 0-d tensors,
    read with the test figures in one sync. ``kind`` is the main head's loss kind:
    with "bce" or "cross_entropy" the predictions are kept for the accuracy (N x
    classes numbers), otherwise accuracy is NaN.
    """

    __slots__ = ("losses", "sizes", "preds", "targets", "kind")

    def __init__(self, kind: str | None) -> None:
        self.kind = kind if kind in ("bce", "cross_entropy") else None
        self.losses: list[torch.Tensor] = []
        self.sizes: list[int] = []
        self.preds: list[torch.Tensor] = []
        self.targets: list[torch.Tensor] = []

    @property
    def count(self) -> int:
        return sum(self.sizes)

    def add(self, loss: torch.Tensor, pred: torch.Tensor, y: torch.Tensor) -> None:
        self.losses.append(loss.detach())
        self.sizes.append(len(y))
        if self.kind is not None:
            self.preds.append(pred.detach())
            self.targets.append(y)

    def means(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(mean loss, accuracy); call only after at least one ``add``."""
        losses = torch.stack(self.losses)
        sizes = torch.tensor(self.sizes, dtype=losses.dtype, device=losses.device)
        loss = (losses * sizes).sum() / sizes.sum()
        if self.kind is None:
            return loss, torch.full_like(loss, float("nan"))
        pred, y = torch.cat(self.preds), torch.cat(self.targets)
        return loss, accuracy(self.kind, pred, y).to(loss.dtype)
