"""GAN probes: what the gan-2d and gan-samples views draw, computed on the worker.

* ``gan_plane`` (2-D GANs): real points, generated points from fixed noise, the
  generator's gradient on them (where its loss would move each point), the
  discriminator's output over the plane, the noise grid as the generator bends it,
  and the KL and JS divergences of the two point clouds on a grid, as a curve.
* ``gan_losses``: every row's discriminator and generator losses, D(x) and D(G(z)).
* ``gan_samples`` (image GANs): a grid of samples from fixed noise and the
  mode-collapse meter: the batch's diversity against the data's, and the digit
  classes a small classifier (trained once, cached) finds among the samples.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from engine.probes.registry import COSTLY, register
from engine.train import gan_metrics
from engine.train.gan_metrics import kl_js  # noqa: F401 - its old home

NOISE_LINES = 9  # lines of the noise grid each way
LINE_POINTS = 24  # points along each line


def _gan(ctx) -> bool:
    return getattr(ctx, "nets", None) is not None


def _plane_gan(ctx) -> bool:
    return _gan(ctx) and ctx.dataset.is_2d


def _image_gan(ctx) -> bool:
    return _gan(ctx) and ctx.dataset.x_train.ndim == 4


def _int(args: dict, name: str, low: int, high: int) -> int:
    v = args[name]
    if not isinstance(v, int) or isinstance(v, bool) or not low <= v <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, not {v!r}")
    return v


def energy_distance(a: np.ndarray, b: np.ndarray) -> float:
    """2 E|X - Y| - E|X - X'| - E|Y - Y'|: zero only when the two clouds match."""
    ta, tb = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    return float(2 * torch.cdist(ta, tb).mean() - torch.cdist(ta, ta).mean() - torch.cdist(tb, tb).mean())


def _noise_grid(ctx) -> np.ndarray | None:
    """(2, lines, points, 2): the lines of a grid over the noise plane, through G."""
    nets = ctx.nets
    if nets.latent != 2:
        return None
    top = 1.0 if nets.noise_kind == "uniform" else 2.0
    t = np.linspace(-top, top, LINE_POINTS, dtype=np.float32)
    c = np.linspace(-top, top, NOISE_LINES, dtype=np.float32)
    across = np.stack(np.broadcast_arrays(t[None, :], c[:, None]), -1)  # lines of fixed z2
    z = np.concatenate([across, across[..., ::-1]]).reshape(-1, 2)
    out = nets.generator(torch.as_tensor(z, device=ctx.device)).cpu().numpy()
    return out.reshape(2, NOISE_LINES, LINE_POINTS, 2)


def gan_plane(ctx, args) -> dict:
    count, size = _int(args, "count", 2, 4096), _int(args, "size", 2, 256)
    nets, device, extent = ctx.nets, ctx.device, float(ctx.dataset.extent)
    real = ctx.dataset.x_train[:count]
    z = nets.noise(count, torch.Generator().manual_seed(args["seed"]), device)
    with torch.enable_grad():
        fake = nets.generator(z).detach().requires_grad_(True)
        logit = nets.discriminator(fake).reshape(-1)
        if ctx.settings["loss"] == "minimax":
            loss = -F.softplus(logit).sum()
        else:
            loss = F.softplus(-logit).sum()
        (grad,) = torch.autograd.grad(loss, fake)
    with torch.no_grad():
        axis = torch.linspace(-extent, extent, size, device=device)
        yy, xx = torch.meshgrid(axis, axis, indexing="ij")  # row 0 at y = -extent
        grid = torch.stack([xx.reshape(-1), yy.reshape(-1)], 1)
        field = torch.sigmoid(nets.discriminator(grid)).reshape(size, size)
        lines = _noise_grid(ctx)
    gan_metrics.note(ctx)  # S-GAN: the run's curve, which the trainer adds to as it trains
    value = {
        "real": np.asarray(real, np.float32).copy(),
        "generated": fake.detach().cpu().numpy(),
        "gradient": -grad.cpu().numpy(),  # downhill: where the generator moves each point
        "field": field.cpu().numpy(),
        "extent": np.float32(extent),
        "divergence": {k: np.asarray(v) for k, v in gan_metrics.curve(ctx).items()},
        "step": np.int64(ctx.step),
        "phase": getattr(ctx, "last_phase", ""),
    }
    if lines is not None:
        value["noise_grid"] = lines
    return value


def gan_losses(ctx, _args) -> dict:
    return {k: np.asarray(v, np.float64) for k, v in ctx.gan_history.items()}


@lru_cache(maxsize=1)
def digits_classifier():
    """A logistic regression on all 1,797 8×8 digits, trained once per process."""
    from sklearn.linear_model import LogisticRegression

    from engine.data.images import digits

    x, y = digits(10_000, np.random.default_rng(0))
    return LogisticRegression(max_iter=300).fit(x.reshape(len(x), -1), y)


CONFIDENT = 0.7  # a sample counts for a class only when the classifier is this sure


def classes_covered(images: np.ndarray) -> np.ndarray:
    """How many samples the digits classifier confidently puts in each class (10,):
    a blob that looks like no digit counts for none."""
    clf = digits_classifier()
    prob = clf.predict_proba(np.asarray(images, np.float64).reshape(len(images), -1))
    labels = clf.classes_[prob.argmax(1)][prob.max(1) >= CONFIDENT]
    return np.bincount(labels.astype(np.int64), minlength=10)


def _spread(x: np.ndarray) -> float:
    t = torch.as_tensor(x.reshape(len(x), -1), dtype=torch.float64)
    return float(torch.pdist(t).mean())


def gan_samples(ctx, args) -> dict:
    count, seed = _int(args, "count", 1, 256), int(args["seed"])
    images = ctx.sample_images(count, seed)
    batch = ctx.sample_images(256, seed + 1)
    real = ctx.dataset.x_train[:256]
    value = {
        "images": images,
        "diversity": np.float64(_spread(batch) / max(_spread(real), 1e-9)),
        "step": np.int64(ctx.step),
    }
    if tuple(ctx.dataset.spec.x_shape) == (1, 8, 8):  # the digits the classifier knows
        counts = classes_covered(batch)
        value["class_counts"] = counts
        value["classes_covered"] = np.int64((counts >= max(2, len(batch) // 100)).sum())
    return value


def gan_phase(ctx, args) -> dict:
    """Run one phase now ("d", "g" or "both": the Step D / Step G buttons) and answer
    with the plane as it then is; asked between steps, on the worker."""
    from engine.train.adversarial import StepPhase

    ctx.apply(StepPhase(args["phase"]))
    return gan_plane(ctx, {"count": 256, "size": 48, "seed": 0})


def gan_slow_motion(ctx, args) -> dict:
    """Slow motion on or off: every epoch one phase, so a paced run pauses after each."""
    from engine.train.adversarial import SetSlowMotion

    ctx.apply(SetSlowMotion(bool(args["on"])))
    return {"on": np.bool_(ctx.slow_motion)}


register("gan_phase", gan_phase, applies=_plane_gan, args={"phase": "both"})
register("gan_slow_motion", gan_slow_motion, applies=_gan, args={"on": True})
register(
    "gan_plane",
    gan_plane,
    cost=COSTLY,
    max_per_second=20.0,
    applies=_plane_gan,
    args={"count": 256, "size": 48, "seed": 0},
)
register("gan_losses", gan_losses, applies=_gan, max_per_second=10.0)
register("gan_samples", gan_samples, cost=COSTLY, applies=_image_gan, args={"count": 36, "seed": 0})
