"""Activation maximisation: inputs that excite a chosen unit as much as they can.

Gradient ascent on a batch of inputs, one per unit asked for, from faint noise around
the data's middle value. Each step shifts the inputs by a random jitter of a pixel or
two (so the result does not hinge on exact pixel positions), and the objective
subtracts an L2 penalty (no unbounded brightness) and a total-variation penalty (no
high-frequency noise): the usual recipe of feature visualisation (Olah et al., 2017),
written here in a few lines. A unit is a channel of an image-shaped layer (its mean
over positions), a unit of a flat layer, or a class (a logit of the main head).

The probe is asked while training runs, between mini-batches: one ask optimises for
at most ``seconds`` and keeps its images, so the next ask goes on from them (warm
started on the network as it is then) until ``iterations`` steps are done. Only the
gradient with respect to the inputs is taken (``torch.autograd.grad``), so the
network's own ``.grad`` buffers, which the optimiser reads, are left alone.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass

import numpy as np
import torch

from engine.probes.registry import COSTLY, register

CLASSES = "classes"  # the layer name that means "the main head's classes"
UNITS = 8  # units shown when none are named
MAX_UNITS = 64
ITERATIONS = 256  # ascent steps to a finished picture
BUDGET_S = 0.15  # seconds one ask may optimise (answered between mini-batches)
LEARNING_RATE = 0.05  # Adam's, in units of the data's range
L2 = 0.5  # weight of the mean squared distance from the data's middle value
TV = 1.0  # weight of the mean absolute difference between neighbouring pixels


def flat_or_image_layers(model, x: torch.Tensor) -> dict[str, str]:
    """node id -> key of its output, for layers with (N, D) or (N, C, H, W) outputs."""
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            vals = model.values(x[:1])
    finally:
        model.train(was_training)
    return {n: out for n, out, _ in model.steps if vals[out].ndim in (2, 4)}


def choices(model, x: torch.Tensor) -> list[str]:
    """What the ``layer`` argument accepts: "classes", then the layers in data order."""
    return [CLASSES] + list(flat_or_image_layers(model, x))


def _key_and_count(model, x: torch.Tensor, layer) -> tuple[str, int]:
    """The value's key for ``layer`` and how many units it has (channels or features)."""
    if layer is None or layer == CLASSES:
        key = model.main.pred
    else:
        found = flat_or_image_layers(model, x)
        if layer not in found:
            raise ValueError(
                f"there is no layer {layer!r} to maximise; choose one of {', '.join(choices(model, x))}"
            )
        key = found[layer]
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            shape = model.values(x[:1])[key].shape
    finally:
        model.train(was_training)
    return key, int(shape[1])


def check_units(units, count: int, what: str) -> list[int]:
    if units is None:
        return list(range(min(UNITS, count)))
    if isinstance(units, int) and not isinstance(units, bool):
        units = [units]
    if not isinstance(units, list | tuple) or not units or len(units) > MAX_UNITS:
        raise ValueError(f"units must be a list of 1 to {MAX_UNITS} indices, not {units!r}")
    for u in units:
        if not isinstance(u, int) or isinstance(u, bool) or not 0 <= u < count:
            plural = "classes" if what == "class" else f"{what}s"
            raise ValueError(f"there is no {what} {u!r}; this layer has {plural} 0 to {count - 1}")
    return list(units)


def unit_activation(value: torch.Tensor, units: list[int]) -> torch.Tensor:
    """(k,) the activation of unit ``units[i]`` for input i: a channel's spatial mean."""
    idx = torch.arange(len(units), device=value.device)
    chosen = value[idx, torch.as_tensor(units, device=value.device)]
    return chosen.reshape(len(units), -1).mean(1)


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """(k,) mean absolute difference between vertically and horizontally adjacent pixels."""
    dy = (x[:, :, 1:, :] - x[:, :, :-1, :]).abs().flatten(1).mean(1)
    dx = (x[:, :, :, 1:] - x[:, :, :, :-1]).abs().flatten(1).mean(1)
    return dy + dx


@dataclass
class Ascent:
    """One batch of inputs being optimised for ``units`` of value ``key``."""

    key: str
    units: list[int]
    x: torch.Tensor  # (k, C, H, W), requires grad
    optimizer: torch.optim.Optimizer
    lo: float
    hi: float
    jitter: int
    generator: torch.Generator
    iteration: int = 0

    @classmethod
    def start(cls, model, key: str, units: list[int], data: np.ndarray, device, seed: int = 0) -> Ascent:
        lo, hi = float(np.min(data)), float(np.max(data))
        gen = torch.Generator().manual_seed(seed)
        shape = (len(units), *data.shape[1:])
        mid, span = (lo + hi) / 2, (hi - lo) or 1.0
        x0 = mid + 0.05 * span * torch.randn(shape, generator=gen)
        x = x0.to(device).requires_grad_(True)
        opt = torch.optim.Adam([x], lr=LEARNING_RATE * span)
        jitter = max(1, min(data.shape[-2:]) // 8)  # a pixel on 8×8 digits, 3 on 28×28
        return cls(key, units, x, opt, lo, hi, jitter, gen)

    def step(self, model, count: int | None = None, seconds: float | None = None) -> None:
        """``count`` ascent steps, or as many as fit in ``seconds``, on ``model`` as it is."""
        t0, done = time.perf_counter(), 0
        mid, span = (self.lo + self.hi) / 2, (self.hi - self.lo) or 1.0
        was_training = model.training
        model.eval()
        try:
            while self.iteration < ITERATIONS if count is None else done < count:
                dy, dx = (
                    int(v)
                    for v in torch.randint(-self.jitter, self.jitter + 1, (2,), generator=self.generator)
                )
                moved = torch.roll(self.x, shifts=(dy, dx), dims=(2, 3))
                act = unit_activation(model.values(moved)[self.key], self.units)
                scaled = (self.x - mid) / span
                penalty = L2 * (scaled**2).flatten(1).mean(1) + TV * total_variation(scaled)
                objective = (act - penalty).sum()
                # the step shrinks to a tenth over the ascent: Adam's steps do not shrink
                # with the gradient, and full-size ones leave a dither on flat regions
                share = min(self.iteration / ITERATIONS, 1.0)
                for group in self.optimizer.param_groups:
                    group["lr"] = LEARNING_RATE * span * (1 - 0.9 * share)
                (grad,) = torch.autograd.grad(objective, self.x)
                self.optimizer.zero_grad(set_to_none=True)
                self.x.grad = -grad  # Adam descends: ascend the objective
                self.optimizer.step()
                with torch.no_grad():
                    self.x.clamp_(self.lo, self.hi)
                self.x.grad = None
                self.iteration += 1
                done += 1
                if seconds is not None and time.perf_counter() - t0 >= seconds:
                    break
        finally:
            model.train(was_training)

    @torch.no_grad()
    def activations(self, model) -> np.ndarray:
        was_training = model.training
        model.eval()
        try:
            return unit_activation(model.values(self.x)[self.key], self.units).float().cpu().numpy()
        finally:
            model.train(was_training)


# trainer -> (generation, args key, Ascent); weak so a closed session's pictures go with it
_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def activation_max(ctx, args) -> dict:
    """The probe: {"images" (k, C, H, W), "activations" (k,), "units", "layer",
    "iteration", "iterations", "done"}. ``layer``: a node id or "classes" (None: the
    classes); ``units``: the channels, units or classes (None: the first UNITS);
    ``seconds``: how long this ask may optimise (None: to the end); ``restart``: start
    again from noise."""
    model, data = ctx.model, np.asarray(ctx.dataset.x_test, np.float32)
    if data.ndim != 4:
        raise ValueError("activation maximisation needs image inputs (channels × height × width)")
    seconds = args["seconds"]
    if seconds is not None and (
        not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 < seconds <= 10
    ):
        raise ValueError(f"seconds must be a number above 0 and at most 10, not {seconds!r}")
    device = getattr(ctx, "device", torch.device("cpu"))
    probe_x = torch.as_tensor(data[:1], device=device)
    layer = args["layer"] or CLASSES
    key, count = _key_and_count(model, probe_x, layer)
    units = check_units(args["units"], count, "class" if layer == CLASSES else "unit")
    wanted = (layer, tuple(units))
    generation = getattr(ctx, "generation", 0)
    found = _STATES.get(ctx)
    if args["restart"] or found is None or found[0] != generation or found[1] != wanted:
        found = (generation, wanted, Ascent.start(model, key, units, data, device))
        _STATES[ctx] = found
    ascent = found[2]
    if ascent.iteration >= ITERATIONS:  # finished: follow the training with a few more steps
        ascent.step(model, count=8, seconds=seconds)
    else:
        ascent.step(model, seconds=seconds)
    return {
        "images": ascent.x.detach().float().cpu().numpy().copy(),
        "activations": ascent.activations(model),
        "units": np.array(units, np.int64),
        "layer": layer,
        "iteration": ascent.iteration,
        "iterations": ITERATIONS,
        "done": ascent.iteration >= ITERATIONS,
    }


def _applies(ctx) -> bool:
    return getattr(ctx, "model", None) is not None and np.ndim(ctx.dataset.x_test) == 4


register(
    "activation_max",
    activation_max,
    cost=COSTLY,
    applies=_applies,
    args={"layer": None, "units": None, "seconds": BUDGET_S, "restart": False},
)
