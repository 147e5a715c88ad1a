"""One training epoch of a supervised session, and the figures it records.

``EpochLoop`` is mixed into ``engine.train.session.Session``, which provides the model,
optimizer, data tensors (``x_train``...), ``project``, ``watch``, ``generator``,
``device``, ``_fast`` and ``_mode_matters``. Out of memory an epoch raises NodeplayError
(engine.budget) and leaves the session as it was but for the steps taken: the runner
pauses, and the epoch is trained again from its start when training resumes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from engine.budget import out_of_memory
from engine.builder.losses import total
from engine.builder.module import GraphModule
from engine.project import Project
from engine.train import compile_warmup
from engine.train.abandon import EpochAbandoned
from engine.train.compiled_mlp import CompiledMLP
from engine.train.divergence import Watch
from engine.train.epoch_metrics import BatchMeans
from engine.train.events import Metrics
from engine.train.fast_mlp import FastMLP
from engine.train.loss_terms import loss_terms
from engine.train.metrics import accuracy


class EpochLoop:
    # the session's, set by ``Session._load``, ``reset`` and ``_install``
    model: GraphModule
    optimizer: torch.optim.Optimizer
    project: Project
    device: torch.device
    generator: torch.Generator
    watch: Watch
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    epoch: int
    step: int
    fast: bool
    numpy_evaluation: bool
    batch_metrics: bool
    history: Metrics
    _pending: list[tuple]
    _fast: CompiledMLP | FastMLP | None
    _awaiting_kernel: bool
    _penalised: list[torch.Tensor]
    _mode_matters: bool
    _take_compiled: Callable[[], None]

    def _penalty(self) -> torch.Tensor | None:
        t = self.project.train
        if t.regularization == "none" or t.reg_rate == 0:
            return None
        if not self._penalised:
            return None
        if t.regularization == "l1":
            return t.reg_rate * total([w.abs().sum() for w in self._penalised])
        return t.reg_rate * 0.5 * total([(w * w).sum() for w in self._penalised])

    def train_epoch(
        self, max_steps: int | None = None, *, between: Callable[[], None] | None = None
    ) -> dict[str, float]:
        """``_train_epoch``; out of memory, it raises NodeplayError with a sentence
        (the runner pauses) and frees what it can."""
        if self.watch.start_loss is None and not self.batch_metrics:  # the loss before the first step
            self.watch.start_loss = self.evaluate()["train_loss"]
        try:
            return self._train_epoch(max_steps, between=between)
        except torch.OutOfMemoryError as err:
            raise out_of_memory(self, err) from None

    def _train_epoch(
        self, max_steps: int | None = None, *, between: Callable[[], None] | None = None
    ) -> dict[str, float]:
        """One pass over the training data in shuffled mini-batches, then metrics.

        With ``max_steps`` the pass may end early; only whole passes count as epochs.
        ``between`` runs after every mini-batch but the last (every FAST_CHUNK on the
        numpy path): the runner answers probe requests there, or leaves the epoch.
        """
        model, opt = self.model, self.optimizer
        x, y = self.x_train, self.y_train
        n, bs = len(x), min(self.project.train.batch_size, len(x))
        order = torch.randperm(n, generator=self.generator).to(self.device)
        t = self.project.train
        if self.fast and self._awaiting_kernel and compile_warmup.state.ready:
            self._take_compiled()
        if isinstance(self._fast, CompiledMLP):
            done, m = self._fast.train_epoch(
                order.numpy(),
                bs,
                opt.param_groups[0]["lr"],
                model.main.weight,
                t.regularization,
                t.reg_rate,
                max_steps,
            )
            return self._finish_epoch(done, bs, n, max_steps, m)
        if self._fast is not None:
            lr, mu = opt.param_groups[0]["lr"], 0.9 if t.optimizer == "momentum" else 0.0
            args = (bs, lr, model.main.weight, mu, t.regularization, t.reg_rate, max_steps)
            try:  # in chunks, with ``between`` after each (engine.train.abandon)
                done = self._fast.train_in_chunks(order.numpy(), *args, between=between)
            except EpochAbandoned as err:
                self.step += err.steps
                raise
            return self._finish_epoch(done, bs, n, max_steps)
        regularized = t.regularization != "none"
        kind = model.main.loss if model.main.on_data else None  # engine.train.epoch_metrics
        means = BatchMeans(kind) if self.batch_metrics else None
        model.train()
        done = 0
        try:
            for start in range(0, n, bs):
                if max_steps is not None and done >= max_steps:
                    break
                idx = order[start : start + bs]
                yb = y[idx]
                loss, pred = model.loss(x[idx], yb)
                if means is not None:
                    means.add(loss, pred, yb)
                    if self.watch.start_loss is None:  # the first batch's, before any step: one sync
                        self.watch.start_loss = float(loss.detach())
                if regularized and (pen := self._penalty()) is not None:
                    loss = loss + pen
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                done += 1
                if between is not None and start + bs < n:  # after the last, the runner takes over
                    between()
        except (EpochAbandoned, torch.OutOfMemoryError):
            self.step += done  # those steps were taken; the epoch was not
            raise
        figures = self.evaluate(means) if means is not None and means.count else None
        return self._finish_epoch(done, bs, n, max_steps, figures)

    def _finish_epoch(
        self, done: int, bs: int, n: int, max_steps: int | None, metrics: dict | None = None
    ) -> dict:
        self.step += done
        if max_steps is None or done * bs >= n:
            self.epoch += 1
        return self._record(metrics)

    @torch.inference_mode()
    def evaluate(self, batches: BatchMeans | None = None) -> dict[str, float]:
        """Loss and accuracy of both splits; with ``batches``, the train figures are
        its means over the epoch's mini-batches and only the test split is evaluated."""
        if isinstance(self._fast, CompiledMLP):  # compiled: it releases the GIL
            return self._fast.evaluate(self.model.main.weight)
        if self._fast is not None and self.numpy_evaluation:
            return self._fast.evaluate(self.model.main.weight)
        model = self.model
        if self._mode_matters:
            model.eval()
        rows = [*batches.means()] if batches is not None else []
        splits = ((self.x_train, self.y_train), (self.x_test, self.y_test))
        for x, y in splits[len(rows) // 2 :]:
            loss, pred = model.loss(x, y)
            rows.append(loss)
            rows.append(self._accuracy(pred, y))
        if self._mode_matters:
            model.train()
        tl, ta, vl, va = torch.stack(rows).tolist()  # one device sync
        return {"train_loss": tl, "test_loss": vl, "train_acc": ta, "test_acc": va}

    def _accuracy(self, pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        main = self.model.main
        # e.g. an autoencoder's reconstruction has no classes
        return accuracy(main.loss if main.on_data else None, pred, y)

    def _record(self, metrics: dict | None = None) -> dict[str, float]:
        m = self.evaluate() if metrics is None else metrics
        terms = loss_terms(self.model, self.x_test, self.y_test)  # G2: a VAE's recon and KL
        self._pending.append(
            (self.epoch, m["train_loss"], m["test_loss"], m["train_acc"], m["test_acc"], terms)
        )
        return m

    def take_rows(self) -> Metrics:
        return self._flush_history()

    def _flush_history(self) -> Metrics:
        """Move pending rows into the history; returns just those rows."""
        if not self._pending:
            return Metrics()
        cols = list(zip(*self._pending))
        names = {k for terms in cols[5] for k in terms}
        extra = {k: np.array([t.get(k, np.nan) for t in cols[5]], np.float64) for k in sorted(names)}
        new = Metrics(np.array(cols[0], np.int64), *(np.array(c, np.float64) for c in cols[1:5]), extra=extra)
        self._pending = []
        self.history = self.history.then(new)
        return new
