"""How close a generative model's samples are to the data (issue #12's VAE and GAN
lessons): the ``sample-fit`` probe, measured the same way for every generator.

The samples are a GAN's generated points or images (``ctx.sample``), or a VAE's or a
plain autoencoder's decodes of fixed N(0, I) noise: what "draw a new digit" means for
them. Each value is a plain number a lesson check reads:

* ``energy``: the energy distance between the samples and held-out real data, divided
  by the real data's mean pairwise distance, so that it has no unit: 0 when the two
  clouds match, growing as the samples fall away from the data or bunch up on part of
  it (a mode);
* ``kl``, ``js`` (2-D data): the binned divergences the gan-2d view draws;
* ``classes_covered``, ``confident`` (8×8 digits): how many digit classes a small
  classifier recognises among the samples, and the share it recognises at all;
* ``prior_share`` (a latent model): the share of test codes inside the ball holding
  95 % of the prior's draws, where N(0, I) samples land.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.probes.gan import CONFIDENT, classes_covered, digits_classifier, energy_distance, kl_js
from engine.probes.latent import _need, decode, has_latent
from engine.probes.latent_samples import noise, prior_share

ARGS = {"count": 512, "seed": 7}
MAX_COUNT = 2048


def applies(ctx) -> bool:
    return getattr(ctx, "nets", None) is not None or has_latent(ctx)


def _samples(ctx, count: int, seed: int) -> np.ndarray:
    if getattr(ctx, "nets", None) is not None:
        return np.asarray(ctx.sample(count, seed), np.float64)
    latent = _need(ctx)
    z = torch.as_tensor(noise(count, latent.dims, seed), device=ctx.device)
    images = decode(ctx.model, latent, z).double().cpu().numpy()
    return images.reshape((count, *ctx.dataset.x_test.shape[1:]))


def _real(ctx, count: int) -> np.ndarray:
    """Held-out data where a split holds it (the model never trained on it), else the
    training data (a GAN learns every real point)."""
    held = ctx.dataset.x_test
    x = held if len(held) >= min(count, 256) else ctx.dataset.x_train
    return np.asarray(x[:count], np.float64)


def relative_energy(samples: np.ndarray, real: np.ndarray) -> float:
    """Energy distance over the real data's mean pairwise distance (no unit)."""
    a, b = samples.reshape(len(samples), -1), real.reshape(len(real), -1)
    scale = float(torch.cdist(torch.as_tensor(b), torch.as_tensor(b)).mean())
    return max(energy_distance(a, b), 0.0) / max(scale, 1e-12)


def sample_fit(ctx, args) -> dict:
    count, seed = args["count"], args["seed"]
    if not isinstance(count, int) or isinstance(count, bool) or not 16 <= count <= MAX_COUNT:
        raise ValueError(f"count must be a whole number from 16 to {MAX_COUNT}, not {count!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a whole number from 0, not {seed!r}")
    with torch.no_grad():
        samples = _samples(ctx, count, seed)
    real = _real(ctx, count)
    if not np.all(np.isfinite(samples)):
        return {"energy": np.float64(np.inf), "count": np.int64(count)}
    value: dict = {"energy": np.float64(relative_energy(samples, real)), "count": np.int64(count)}
    if ctx.dataset.is_2d:
        kl, js = kl_js(np.asarray(ctx.dataset.x_train), samples, float(ctx.dataset.extent))
        value.update(kl=np.float64(kl), js=np.float64(js))
    if tuple(ctx.dataset.spec.x_shape) == (1, 8, 8):
        images = np.clip(samples, 0.0, 1.0)
        counts = classes_covered(images)
        prob = digits_classifier().predict_proba(images.reshape(count, -1))
        value.update(
            classes_covered=np.int64((counts >= max(2, count // 100)).sum()),
            confident=np.float64((prob.max(1) >= CONFIDENT).mean()),
        )
    if getattr(ctx, "nets", None) is None:
        value["prior_share"] = np.float64(prior_share(ctx, _need(ctx).dims))
    return value
