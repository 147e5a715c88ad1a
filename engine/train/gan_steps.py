"""One GAN iteration's steps, and the failures they reveal (``GanSteps``, mixed into
``engine.train.adversarial.GanTrainer``).

An *iteration* is k discriminator steps, each on a fresh real batch and a fresh
generated one, then one generator step. ``_judge`` counts the iterations that look
saturated (D calls every real sample real and every fake fake) or collapsed (the
generated batch far narrower than the data); ``divergence`` names them, or a NaN
loss, in a sentence saying what to try.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from engine.builder.gan import GanNets
from engine.project import Project

SATURATED_ITERATIONS = 400  # iterations of D(x) > 0.99 and D(G(z)) < 0.01 that count as saturated
COLLAPSED_ITERATIONS = 400  # iterations of a generated batch far narrower than the data
COLLAPSE_RATIO = 0.03  # generated spread / real spread below this reads as one mode
WARM_UP = 200  # iterations before either is judged: a fresh generator is narrow


def spread(x: torch.Tensor) -> float:
    """Mean distance between the samples of a batch (its diversity)."""
    flat = x.detach().reshape(len(x), -1)
    return float(torch.pdist(flat).mean()) if len(flat) > 1 else 0.0


def _clear(params: Sequence[torch.Tensor]) -> None:
    """``zero_grad(set_to_none=True)`` without its profiler hooks (a tenth of a small
    GAN's iteration)."""
    for p in params:
        p.grad = None


class GanSteps:
    """The steps of ``GanTrainer``, which sets all of these."""

    nets: GanNets
    g_opt: torch.optim.Optimizer
    d_opt: torch.optim.Optimizer
    _g_params: list[torch.Tensor]
    _d_params: list[torch.Tensor]
    project: Project
    real: torch.Tensor
    device: torch.device
    generator: torch.Generator
    step: int
    d_steps_done: int
    _measure: bool
    _last: dict[str, float]
    _judged: int
    _saturated: int
    _collapsed: int

    @property
    def settings(self) -> dict:
        return self.nets.settings

    # -- one phase -----------------------------------------------------------------
    def _batch_size(self) -> int:
        return max(1, min(self.project.train.batch_size, len(self.real)))

    def _real_batch(self) -> torch.Tensor:
        idx = torch.randint(0, len(self.real), (self._batch_size(),), generator=self.generator)
        return self.real[idx.to(self.device)]

    def _noisy(self, x: torch.Tensor) -> torch.Tensor:
        sigma = self.settings["instance_noise"]
        return x + sigma * torch.randn_like(x) if sigma > 0 else x

    def d_step(self) -> None:
        """One discriminator step on a real and a generated batch."""
        nets, bs = self.nets, self._batch_size()
        real = self._real_batch()
        with torch.no_grad():
            fake = nets.generator(nets.noise(bs, self.generator, self.device))
        lr, lf = nets.discriminator(self._noisy(torch.cat([real, fake]))).reshape(2, bs)
        target = 1.0 - self.settings["label_smoothing"]
        loss = F.binary_cross_entropy_with_logits(lr, torch.full_like(lr, target)) + F.softplus(lf).mean()
        _clear(self._d_params)
        loss.backward()
        self.d_opt.step()
        self.d_steps_done += 1
        if self._measure:  # the figures cost a sync each: only for the rows' iterations
            lr, lf = lr.detach(), lf.detach()
            self._last.update(
                d_loss=float(loss.detach()),
                d_real=float(torch.sigmoid(lr).mean()),
                d_fake=float(torch.sigmoid(lf).mean()),
                d_acc=float(((lr > 0).float().mean() + (lf < 0).float().mean()) / 2),
            )
            self._last["real_spread"] = self._last.get("real_spread") or spread(real)

    def g_step(self) -> None:
        """One generator step: the discriminator's verdict on a fresh generated batch."""
        nets = self.nets
        fake = nets.generator(nets.noise(self._batch_size(), self.generator, self.device))
        logit = nets.discriminator(self._noisy(fake)).reshape(-1)
        if self.settings["loss"] == "minimax":
            loss = -F.softplus(logit).mean()  # log(1 - D(G(z))), minimised
        else:
            loss = F.softplus(-logit).mean()  # -log D(G(z))
        _clear(self._g_params)
        loss.backward()
        self.g_opt.step()
        self.step += 1
        if self._measure:
            self._last.update(g_loss=float(loss.detach()), fake_spread=spread(fake))
            self._judge()

    def _judge(self) -> None:
        """Count the iterations since the last look that looked saturated or collapsed
        (``divergence`` reports them): a row's figures stand for the iterations before it."""
        last, since = self._last, self.step - self._judged
        self._judged = self.step
        if self.step < WARM_UP:
            return
        saturated = last.get("d_real", 0.5) > 0.99 and last.get("d_fake", 0.5) < 0.01
        self._saturated = self._saturated + since if saturated else 0
        real = last.get("real_spread") or 0.0
        collapsed = real > 0 and last.get("fake_spread", real) < COLLAPSE_RATIO * real
        self._collapsed = self._collapsed + since if collapsed else 0

    def iteration(self, measure: bool = True) -> None:
        """k discriminator steps and a generator step; ``measure``: record their figures."""
        k = self.settings["d_steps"]
        for i in range(k):
            self._measure = measure and i == k - 1
            self.d_step()
        self._measure = measure
        self.g_step()
        self._measure = True

    def divergence(self, m: dict[str, float]) -> str | None:
        for k in ("d_loss", "g_loss"):
            if k in self._last and not math.isfinite(self._last[k]):
                who = "discriminator" if k == "d_loss" else "generator"
                what = "NaN" if math.isnan(self._last[k]) else "infinite"
                lr = self.g_opt.param_groups[0]["lr"]
                return (
                    f"The {who}'s loss became {what} at iteration {self.step}: "
                    f"lower the learning rate ({lr:g}) and press Reset."
                )
        if self._saturated >= SATURATED_ITERATIONS:
            self._saturated = 0
            return (
                f"The discriminator saturated: for {SATURATED_ITERATIONS} iterations it called every real "
                "sample real and every generated one fake, so the generator learns nothing. Try the "
                "non-saturating loss, label smoothing 0.1, instance noise, fewer discriminator steps or a "
                "lower learning rate, then press Reset."
            )
        if self._collapsed >= COLLAPSED_ITERATIONS:
            self._collapsed = 0
            return (
                f"The generator collapsed: for {COLLAPSED_ITERATIONS} iterations its samples were nearly all "
                "the same point, one mode of the data. Try a lower learning rate, more discriminator steps, "
                "instance noise or a larger noise size, then press Reset."
            )
        return None
