"""A 2-D GAN's KL and JS divergences as metrics: how far its generated points are from
the real ones, binned on a grid over the plane (GAN Lab's measure).

``divergence(trainer)`` is what the gan-2d view's curve draws (engine.probes.gan) and
what the GAN's rows add for ``nodeplay train --metrics`` (``logged``) and ``--json``,
so a saved run carries it and the runs window can compare it between runs.
"""

from __future__ import annotations

import math

import numpy as np
import torch

BINS = 24  # per side, for KL and JS
SAMPLES = 2048  # generated points the divergence is measured on
NOISE_SEED = 1  # the same noise at every measure, so the curve moves with G alone
GAN_COLUMNS = ("d_loss", "g_loss", "d_real", "d_fake")  # every GAN's rows
DIVERGENCES = ("kl", "js")  # a 2-D GAN's


def histogram(points: np.ndarray, extent: float, bins: int = BINS) -> np.ndarray:
    """Points' share per cell of a bins × bins grid over [-extent, extent]²."""
    h, _, _ = np.histogram2d(points[:, 0], points[:, 1], bins, [[-extent, extent]] * 2)
    return h / max(len(points), 1)


def kl_js(real: np.ndarray, fake: np.ndarray, extent: float, bins: int = BINS) -> tuple[float, float]:
    """KL(real ‖ generated) and the Jensen-Shannon divergence of two point clouds,
    binned on a grid (a small floor keeps empty cells finite), in nats."""
    eps = 1e-4
    p = histogram(real, extent, bins) + eps
    q = histogram(fake, extent, bins) + eps
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2
    kl = float((p * np.log(p / q)).sum())
    js = float(0.5 * (p * np.log(p / m)).sum() + 0.5 * (q * np.log(q / m)).sum())
    return kl, js


def is_plane_gan(trainer) -> bool:
    return getattr(trainer, "nets", None) is not None and trainer.dataset.is_2d


@torch.no_grad()
def divergence(trainer) -> dict[str, float]:
    """{"kl", "js"} of the real points and SAMPLES generated ones; {} unless 2-D."""
    if not is_plane_gan(trainer):
        return {}
    nets = trainer.nets
    z = nets.noise(SAMPLES, torch.Generator().manual_seed(NOISE_SEED), trainer.device)
    fake = nets.generator(z).cpu().numpy()
    if not np.isfinite(fake).all():
        return {"kl": math.nan, "js": math.nan}
    kl, js = kl_js(trainer.dataset.x_train, fake, float(trainer.dataset.extent))
    return {"kl": kl, "js": js}


def columns(trainer) -> tuple[str, ...]:
    """The columns a saved run of ``trainer`` adds to engine.train.run_log.COLUMNS."""
    if getattr(trainer, "nets", None) is None:
        return ()
    return GAN_COLUMNS + (DIVERGENCES if is_plane_gan(trainer) else ())


def logged(trainer, m: dict) -> dict[str, float]:
    """The extra columns' values after a row ``m`` (the GAN's losses, its divergence)."""
    keys = columns(trainer)
    if not keys:
        return {}
    return {**{k: m.get(k, math.nan) for k in GAN_COLUMNS}, **divergence(trainer)}


# -- the run's curve: what the gan-2d view draws ----------------------------------------
TRACK_EVERY = 25  # iterations between the curve's points the trainer adds (~1 ms each)


def curve(trainer) -> dict[str, list]:
    """The KL/JS curve of this run ({"step", "kl", "js"}): it starts again at every reset."""
    key = trainer.generation
    if getattr(trainer, "_divergence_curve", (None,))[0] != key:
        trainer._divergence_curve = (key, {"step": [], "kl": [], "js": []})
    return trainer._divergence_curve[1]


def note(trainer, measured: dict[str, float] | None = None) -> None:
    """Add the divergence at this step (``measured``, or measured now) to the curve."""
    c = curve(trainer)
    if c["step"] and c["step"][-1] == trainer.step:
        return
    d = divergence(trainer) if measured is None else measured
    for k, v in (("step", trainer.step), ("kl", d["kl"]), ("js", d["js"])):
        c[k].append(float(v))


def track(trainer) -> None:
    """After a row: a point every TRACK_EVERY iterations, so a run trained headless
    (``nodeplay render``) or out of sight draws its whole curve, not its last point."""
    if is_plane_gan(trainer):
        c = curve(trainer)
        if not c["step"] or trainer.step - c["step"][-1] >= TRACK_EVERY:
            note(trainer)
