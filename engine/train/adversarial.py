"""The adversarial (GAN) trainer: two networks, two optimizers, one runner.

``GanTrainer`` fits ``engine.train.trainer.Trainer``. An *iteration* is k
discriminator steps (the Adversarial node's ``d_steps``), each on a fresh real batch
and a fresh generated one, then one generator step; ``step`` counts iterations and
an epoch is one pass over the real samples. Metric rows carry the generator's loss
as ``train_loss`` and the discriminator's accuracy as ``train_acc``; ``gan_history``
keeps every row's ``d_loss``, ``g_loss``, ``d_real`` (mean D(x)) and ``d_fake``
(mean D(G(z))) for the GAN views. ``divergence`` names a saturated discriminator or
a collapsed generator in a sentence saying what to try.

Slow motion (``SetSlowMotion``) makes every epoch one phase, D then G, so that a
paced run pauses after each; ``StepPhase`` runs one phase ("d", "g" or "both").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from engine.budget import out_of_memory
from engine.builder.gan import GanNets, build_gan
from engine.data.gan_real import gan_dataset
from engine.errors import NodeplayError
from engine.graph import validate
from engine.graph.gan import is_gan
from engine.project import Project
from engine.train import commands as cmd
from engine.train import gan_metrics, live_edit
from engine.train.device import choose_device
from engine.train.events import Metrics
from engine.train.gan_steps import COLLAPSE_RATIO, GanSteps, spread  # noqa: F401 - older imports
from engine.train.headless import run_until
from engine.train.optim import make_optimizer
from engine.train.runner import Runner
from engine.train.served import Served


@dataclass(frozen=True)
class StepPhase:
    """Run one phase now: "d" (a discriminator step), "g" (a generator step) or
    "both" (one whole iteration)."""

    phase: str = "both"


@dataclass(frozen=True)
class SetSlowMotion:
    """On: every epoch is one phase (D, then G), so a paced run pauses after each."""

    on: bool = True


class GanTrainer(GanSteps, Served):
    def __init__(
        self, project: Project, device: str | None = None, *, snapshot_interval: float = 1 / 60, **_
    ):
        self.generation = 0
        self.model = None  # supervised probes test for a model: a GAN has two networks, in ``nets``
        self.numpy_evaluation = False
        self.slow_motion = False
        self._load(project, device)
        self.runner = Runner(self, snapshot_interval=snapshot_interval, subscriptions={})

    def _load(self, project: Project, device: str | None) -> None:
        if not is_gan(project.graph):
            raise NodeplayError(
                "This graph is not a GAN: it needs a Noise, a Generated and an Adversarial node."
            )
        dataset = gan_dataset(project)
        check = validate(project.graph, dataset.spec)
        check.raise_if_invalid()
        self.project, self.dataset = project, dataset
        sample = int(np.prod(dataset.spec.x_shape))
        self.device = choose_device(
            device or project.train.device, check.total_params, sample, fallback=device is None
        )
        self.real = torch.as_tensor(dataset.x_train, device=self.device)
        self.real_test = torch.as_tensor(dataset.x_test, device=self.device)
        self.reset(project.train.seed, weights=project.weights, epoch=project.epoch)

    def set_project(self, project: Project) -> None:
        old = self.__dict__.copy()
        try:
            self._load(project, None)
        except Exception:
            self.__dict__.update(old)
            raise

    # -- set-up --------------------------------------------------------------------
    def reset(self, seed: int | None = None, *, weights: dict | None = None, epoch: int = 0) -> None:
        if seed is not None:
            self.seed = seed
        self.nets: GanNets = build_gan(self.project.graph, self.dataset.spec, self.seed).to(self.device)
        if weights is not None:
            self.load_weights(weights)
        self._optimizers()
        self.generator = torch.Generator().manual_seed(self.seed)
        self.epoch, self.step, self.d_steps_done = epoch, 0, 0
        self.phase = "both"  # the phase slow motion runs next, and "both" outside it
        self.last_phase = ""
        self.history = Metrics()
        self.gan_history: dict[str, list[float]] = {
            k: [] for k in ("epoch", "d_loss", "g_loss", "d_real", "d_fake")
        }
        self._pending: list[tuple] = []
        self._saturated = self._collapsed = self._judged = 0
        self._measure = True
        self._last: dict[str, float] = {}
        self.generation += 1

    def _optimizers(self, lr: float | None = None) -> None:
        self._g_params = list(self.nets.generator.parameters())
        self._d_params = list(self.nets.discriminator.parameters())
        t = self.project.train
        lr = t.learning_rate if lr is None else lr
        self.g_opt: torch.optim.Optimizer
        self.d_opt: torch.optim.Optimizer
        if t.optimizer == "adam":
            # DCGAN's β1 = 0.5: plain Adam's momentum makes GANs oscillate; the fused
            # kernel updates a small network's tensors in one call (a quarter faster)
            self.g_opt, self.d_opt = (
                torch.optim.Adam(net.parameters(), lr=lr, betas=(0.5, 0.999), fused=True)
                for net in (self.nets.generator, self.nets.discriminator)
            )
            return
        self.g_opt = make_optimizer(t.optimizer, self.nets.generator.parameters(), lr)
        self.d_opt = make_optimizer(t.optimizer, self.nets.discriminator.parameters(), lr)

    def weights(self) -> dict[str, np.ndarray]:
        """Both networks' state keyed ``layers.<node id>.<name>`` (node ids are unique)."""
        state = {**self.nets.generator.state_dict(), **self.nets.discriminator.state_dict()}
        # at least 1-D, as project files keep them (BatchNorm's step count is 0-D in torch)
        return {k: np.atleast_1d(v.detach().cpu().numpy()).copy() for k, v in state.items()}

    def load_weights(self, weights: dict[str, np.ndarray]) -> None:
        for net in (self.nets.generator, self.nets.discriminator):
            own = net.state_dict()
            mine = {k: v for k, v in weights.items() if k in own}
            if set(mine) != set(own) or any(np.size(mine[k]) != own[k].numel() for k in own):
                raise NodeplayError(
                    "The saved weights do not fit this GAN; reset the weights "
                    "or undo the change to the graph."
                )
            net.load_state_dict({k: torch.as_tensor(v).reshape(own[k].shape) for k, v in mine.items()})

    # -- the Trainer protocol ------------------------------------------------------
    def train_epoch(
        self, max_steps: int | None = None, *, between: Callable[[], None] | None = None
    ) -> dict[str, float]:
        """One pass over the real samples (len / (k * batch) iterations), or one phase
        in slow motion; ``max_steps`` caps the iterations."""
        try:
            if self.slow_motion:
                self._phase_step()
                return self._record()
            per = max(1, len(self.real) // (self._batch_size() * self.settings["d_steps"]))
            n = per if max_steps is None else min(per, max_steps)
            for i in range(n):
                self.iteration(measure=i == n - 1)
                if between is not None:
                    between()
        except torch.OutOfMemoryError as err:  # a pause with a sentence; Play goes on from here
            raise out_of_memory(self, err) from None
        if n == per:
            self.epoch += 1
        return self._record()

    def move_to(self, requested: str) -> torch.device:
        """Train on ``requested`` ("auto", "cpu", "cuda") from now on, keeping both
        networks, their optimizers' state, the iteration and the curves."""
        params = sum(p.numel() for p in self.nets.parameters())
        device = choose_device(requested, params, int(np.prod(self.dataset.spec.x_shape)))
        if device != self.device:
            self.nets.to(device)
            for opt in (self.g_opt, self.d_opt):
                opt.load_state_dict(opt.state_dict())  # each state tensor beside its parameter
            self.real, self.real_test = self.real.to(device), self.real_test.to(device)
            self.device = device
        self.project.train.device = requested
        return device

    def _phase_step(self) -> None:
        if self.phase == "g":
            self.g_step()
            self.last_phase, self.phase = "g", "d"
            self.epoch += 1
        else:
            self.d_step()
            self.last_phase = "d"
            self.phase = "g" if self.d_steps_done % self.settings["d_steps"] == 0 else "d"

    def _record(self) -> dict[str, float]:
        last = self._last
        m = {
            "train_loss": last.get("g_loss", math.nan),
            "test_loss": math.nan,
            "train_acc": last.get("d_acc", math.nan),
            "test_acc": math.nan,
            **{k: last.get(k, math.nan) for k in ("d_loss", "g_loss", "d_real", "d_fake")},
        }
        self._pending.append((self.epoch, m["train_loss"], m["test_loss"], m["train_acc"], m["test_acc"]))
        h = self.gan_history
        h["epoch"].append(float(self.epoch))
        for k in ("d_loss", "g_loss", "d_real", "d_fake"):
            h[k].append(m[k])
        gan_metrics.track(self)  # S-GAN: the KL/JS curve, every TRACK_EVERY iterations
        return m

    def take_rows(self) -> Metrics:
        if not self._pending:
            return Metrics()
        cols = list(zip(*self._pending))
        new = Metrics(np.array(cols[0], np.int64), *(np.array(c, np.float64) for c in cols[1:]))
        self._pending = []
        self.history = self.history.then(new)
        return new

    def stop_reason(self, m: dict[str, float]) -> str | None:
        t = self.project.train
        if t.stop_epochs is not None and self.epoch >= t.stop_epochs:
            return f"Reached {t.stop_epochs} epochs"
        return None

    # -- what views and tests ask for ------------------------------------------------
    @torch.no_grad()
    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` generated samples from the fixed noise of ``seed``, as numpy."""
        z = self.nets.noise(n, torch.Generator().manual_seed(seed), self.device)
        return self.nets.generator(z).cpu().numpy()

    def sample_images(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` generated images (N, C, H, W) from fixed noise, clipped to [0, 1]."""
        x = self.sample(n, seed)
        if x.ndim != 4:
            raise NodeplayError("This GAN generates points, not images; the gan-2d view shows them.")
        return np.clip(x, 0.0, 1.0)

    # -- commands ------------------------------------------------------------------
    def apply(self, c) -> bool | None:
        if isinstance(c, cmd.SetLearningRate):
            self.project.train.learning_rate = c.value
            for opt in (self.g_opt, self.d_opt):
                for g in opt.param_groups:
                    g["lr"] = c.value
            return False
        if isinstance(c, StepPhase):
            if c.phase not in ("d", "g", "both"):
                raise NodeplayError(f"A GAN steps its 'd', 'g' or 'both' phases, not {c.phase!r}.")
            if c.phase == "both":
                self.iteration()
            else:
                (self.d_step if c.phase == "d" else self.g_step)()
            self.last_phase = c.phase
            self._record()
            return True
        if isinstance(c, SetSlowMotion):
            self.slow_motion, self.phase = bool(c.on), "d"
            return False
        if isinstance(c, cmd.SetStop):
            self.project.train.stop_epochs, self.project.train.stop_loss = c.epochs, c.loss
            return False
        if isinstance(c, cmd.SetProject):
            self.set_project(c.project)
            return True
        if isinstance(c, cmd.SetGraph):
            self.set_graph(c.graph)
            return True
        return None

    def set_graph(self, graph) -> None:
        """Train an edited GAN graph; unchanged nodes keep their trained weights."""
        check = validate(graph, self.dataset.spec)
        err = check.first_error()
        if err is not None:
            raise NodeplayError(
                f"The edited graph cannot train yet: {err} Training goes on with the graph as it was."
            )
        old_graph, old = self.project.graph, self.nets
        nets = build_gan(graph, self.dataset.spec, self.seed).to(self.device)
        keep = live_edit.unchanged_nodes(old_graph, graph)
        live_edit.carry_state(old.generator, nets.generator, keep)
        live_edit.carry_state(old.discriminator, nets.discriminator, keep)
        lr = self.g_opt.param_groups[0]["lr"]
        self.project.graph, self.nets = graph, nets
        self._optimizers(lr)

    def train(self, epochs: int | None = None, steps: int | None = None) -> dict:
        """Train headless for ``epochs`` or ``steps`` iterations (or the stop condition)."""
        t = self.project.train
        if epochs is None and steps is None and t.stop_epochs is None:
            raise NodeplayError("This project has no stop condition; pass --epochs or --steps.")
        done = run_until(
            self, epochs, steps, first=self._record, diverged=self.divergence, finish=self.take_rows
        )
        return {**done, **gan_metrics.divergence(self)}  # S-GAN: a 2-D GAN's KL and JS
