"""Probes that sample and walk a latent code (issue #11), and the sentence that says
when a VAE has nothing worth drawing.

* ``samples`` {count, seed}: images decoded from fixed N(0, I) noise (the same noise
  for the same seed, so a grid updates in place as the decoder learns). A trainer that
  makes its own samples (``ctx.sample_images(n, seed)``, the GAN trainer) is asked
  instead. For a VAE they look like digits; for a plain autoencoder, whose codes were
  never pulled towards the prior, they fall where few codes are (``prior_share``: the
  share of test codes inside the ball holding 95% of the prior's draws).
* ``interpolation`` {a, b, steps}: the codes of test samples ``a`` and ``b`` and the
  images decoded at ``steps`` evenly spaced points on the line between them.

Both carry ``problem``: "" or one sentence (``diagnose``) when the loss has become NaN
or the posterior has collapsed (the KL term near 0: every code is the prior and the
decoder draws one average image whatever z is).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from engine.probes.latent import _eval_values, _need, decode, encode, has_latent

COLLAPSED_KL = 0.05  # nats per sample, all dimensions together: the code carries nothing
COLLAPSE_AFTER = 3  # epochs: an untrained encoder's KL is near 0 too
KL_SAMPLES = 512  # test samples the KL is measured on


def _sampling_inputs(model) -> tuple[str, str] | None:
    """The (mean, logvar) values feeding the graph's first Sampling node."""
    for node_id, _first, ins in model.steps:
        if type(model.layers[node_id]).__name__ == "Sampling" and len(ins) == 2:
            return ins[0], ins[1]
    return None


def kl_per_dimension(ctx) -> np.ndarray | None:
    """The mean KL divergence from N(0, 1) of each latent dimension over test samples,
    or None for a graph without a Sampling node."""
    keys = _sampling_inputs(ctx.model)
    if keys is None:
        return None
    x = torch.as_tensor(ctx.dataset.x_test[:KL_SAMPLES], device=ctx.device)
    vals = _eval_values(ctx.model, x)
    mean, logvar = vals[keys[0]].flatten(1).double(), vals[keys[1]].flatten(1).double()
    kl = -0.5 * (1 + logvar - mean * mean - logvar.exp())
    return kl.mean(0).cpu().numpy()


def diagnose(ctx) -> str:
    """One sentence saying why this latent is not worth drawing, or ""."""
    broken = any(not bool(torch.isfinite(p).all()) for p in ctx.model.parameters())
    kl = kl_per_dimension(ctx)
    if broken or (kl is not None and not np.all(np.isfinite(kl))):
        return (
            "The loss became NaN and the weights no longer hold numbers, so every decoded "
            "image is noise: lower the learning rate (or β) and press Reset."
        )
    if kl is not None and getattr(ctx, "epoch", 0) >= COLLAPSE_AFTER and float(kl.sum()) < COLLAPSED_KL:
        return (
            f"Posterior collapse: the KL term is {float(kl.sum()):.3f} nats, so every code is "
            "the prior and the decoder draws the same average image whatever z is; lower β "
            "(the KL weight), or start it near 0 and raise it as training goes."
        )
    return ""


def _whole(args: dict, name: str, low: int, high: int) -> int:
    n = args[name]
    if not isinstance(n, int) or isinstance(n, bool) or not low <= n <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, not {n!r}")
    return n


def noise(count: int, dims: int, seed: int) -> np.ndarray:
    """Fixed N(0, I) noise: the same rows for the same seed, whatever the device."""
    return np.random.default_rng(seed).standard_normal((count, dims)).astype(np.float32)


def can_sample(ctx) -> bool:
    return callable(getattr(ctx, "sample_images", None)) or has_latent(ctx)


def prior_share(ctx, dims: int) -> float:
    """The share of test codes inside the ball where N(0, I) puts 95% of its draws: near
    1 for a VAE, whose KL term pulls codes onto the prior; often near 0 for a plain
    autoencoder, whose codes spread at whatever scale training left them."""
    radius = np.percentile(np.linalg.norm(noise(4096, dims, 12345), axis=1), 95)
    codes = encode(ctx, ctx.dataset.x_test[:KL_SAMPLES])
    return float((np.linalg.norm(codes, axis=1) <= radius).mean())


def samples(ctx, args) -> dict:
    count, seed = _whole(args, "count", 1, 256), _whole(args, "seed", 0, 2**31 - 1)
    own = getattr(ctx, "sample_images", None)
    if callable(own):  # a generator (the GAN trainer) samples its own noise
        images = np.asarray(own(count, seed), np.float32)
        return {"images": images, "seed": np.int64(seed), "variational": np.bool_(False), "problem": ""}
    latent = _need(ctx)
    z = noise(count, latent.dims, seed)
    problem = diagnose(ctx)
    images = decode(ctx.model, latent, torch.as_tensor(z, device=ctx.device)).float().cpu().numpy()
    shape = (count, *ctx.dataset.x_test.shape[1:])
    return {
        "images": images.reshape(shape),
        "z": z,
        "seed": np.int64(seed),
        "variational": np.bool_(latent.variational),
        "prior_share": np.float64(prior_share(ctx, latent.dims)),
        "problem": problem,
    }


def interpolation(ctx, args) -> dict:
    latent = _need(ctx)
    n = len(ctx.dataset.x_test)
    a, b = _whole(args, "a", 0, n - 1), _whole(args, "b", 0, n - 1)
    steps = _whole(args, "steps", 2, 64)
    x = ctx.dataset.x_test
    ends = encode(ctx, np.stack([x[a], x[b]]))
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    z = (1 - t) * ends[0] + t * ends[1]
    images = decode(ctx.model, latent, torch.as_tensor(z, device=ctx.device)).float().cpu().numpy()
    return {
        "images": images.reshape((steps, *x.shape[1:])),
        "z": z.astype(np.float32),
        "originals": np.stack([x[a], x[b]]),
        "ends": np.array([a, b], np.int64),
        "distance": np.float64(math.dist(ends[0].tolist(), ends[1].tolist())),
        "problem": diagnose(ctx),
    }
