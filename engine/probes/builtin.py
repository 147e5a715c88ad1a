"""The probes today's views use, registered in ``engine.probes.registry``.

Each takes the running trainer as its context: a supervised ``Session`` (``model``,
``dataset``, ``device``) or a ``CompareSession`` (``boundaries``).
"""

from __future__ import annotations

from functools import lru_cache

import torch

from engine.probes.boundary import boundary_values, plane_grid
from engine.probes.neurons import hidden_space, neuron_maps
from engine.probes.registry import COSTLY, register
from engine.probes.thumbnails import thumbnails

SMALL_NETWORK = 5000  # parameters; snapshots of smaller networks carry their weights
THUMBNAIL_RATE = 4.0  # node thumbnails (and image predictions) a second, at most
TAB_RATE = 12.0  # the network and hidden-space tabs' redraws a second while training


@lru_cache(maxsize=8)
def _grid(extent: float, size: int, device: str) -> torch.Tensor:
    return plane_grid(extent, size, torch.device(device))


def _size(args: dict) -> int:
    size = args["size"]
    if not isinstance(size, int) or isinstance(size, bool) or not 2 <= size <= 1024:
        raise ValueError(f"size must be a whole number from 2 to 1024, not {size!r}")
    return size


def _model(ctx) -> bool:
    return getattr(ctx, "model", None) is not None


def _on_plane(ctx) -> bool:
    return _model(ctx) and ctx.dataset.is_2d


def _small(ctx) -> bool:
    return _model(ctx) and sum(p.numel() for p in ctx.model.parameters()) <= SMALL_NETWORK


def boundary(ctx, args):
    size = _size(args)
    return boundary_values(ctx.model, _grid(ctx.dataset.extent, size, str(ctx.device)), size)


def neurons(ctx, args):
    size = _size(args)
    return neuron_maps(ctx.model, _grid(ctx.dataset.extent, size, str(ctx.device)), size)


def hidden(ctx, args):
    node = args["node"]
    if f"{node}.out" not in {o for _, o, _ in ctx.model.steps}:
        return None  # not a layer of this graph (any more): nothing to show
    return hidden_space(ctx.model, node, ctx.dataset.x_train, ctx.dataset.extent)


def variant_boundaries(ctx, args):
    return ctx.boundaries(_size(args))


register("boundary", boundary, applies=_on_plane, args={"size": 100})
# the tabs that draw these redraw at most TAB_RATE times a second while training
# (app.views.area), so computing them more often is worker time thrown away; a
# forced snapshot (pause, step, an edit) carries them whatever the rate
register("neurons", neurons, applies=_on_plane, args={"size": 24}, max_per_second=TAB_RATE)
register("hidden", hidden, applies=_on_plane, args={"node": None}, max_per_second=TAB_RATE)
register(
    "thumbnails",
    lambda ctx, _a: thumbnails(ctx.model, ctx.dataset, device=ctx.device),
    cost=COSTLY,
    max_per_second=THUMBNAIL_RATE,
    applies=_model,
)
register(
    "predictions", lambda ctx, _a: ctx.sample_predictions(), max_per_second=THUMBNAIL_RATE, applies=_model
)
register("weights", lambda ctx, _a: ctx.weights(), applies=_small, max_per_second=TAB_RATE)
register(
    "variant_boundaries",
    variant_boundaries,
    applies=lambda ctx: callable(getattr(ctx, "boundaries", None)) and ctx.dataset.is_2d,
    args={"size": 64},
)

# --- V2 vision views (issue 10): gallery probabilities, confusion, filters, feature maps ---
import engine.probes.vision  # noqa: E402, F401 - registers on import

# -- V3 (issue #10): attribution and adversarial inputs --------------------------------
# asked once by the saliency and adversarial views; captum is imported inside them
from engine.probes.adversarial import fgsm_curve_probe, fgsm_probe  # noqa: E402
from engine.probes.attribution import attribution_probe, on_images  # noqa: E402

register(
    "attribution",
    attribution_probe,
    cost=COSTLY,
    applies=on_images,
    args={"sample": 0, "method": "gradient", "target": None, "randomise": False},
)
register("fgsm", fgsm_probe, cost=COSTLY, applies=on_images, args={"sample": 0, "epsilon": 0.1})
register(
    "fgsm_curve",
    fgsm_curve_probe,
    cost=COSTLY,
    max_per_second=1.0,
    applies=on_images,
    args={"epsilons": None, "limit": 1000},
)

# -- V4: feature embedding (PCA, then openTSNE warm-started on each refresh) --------
import engine.probes.embedding  # noqa: E402,F401 - registers "embedding"

# -- G1: GAN probes (issue 11): gan_plane, gan_losses, gan_samples ------
import engine.probes.gan  # noqa: E402, F401 - registers on import

# -- G1: autoencoder and VAE latent probes (issue #11) --------------------------------
import engine.probes.latent  # noqa: E402, F401 - registers on import

# -- L1: lessons (issue #12): the current lesson step's check, measured on the worker ------
from engine.lessons.checks import lesson_check_probe  # noqa: E402

register(
    "lesson-check",
    lesson_check_probe,
    cost=COSTLY,
    max_per_second=2.0,
    applies=lambda ctx: hasattr(ctx, "evaluate") or hasattr(ctx, "nets"),  # S-L2: GANs too
    args={"check": None, "args": {}, "memory": {}, "token": ""},
)
from engine.probes.least_squares import applies as _regression_on_plane  # noqa: E402
from engine.probes.least_squares import least_squares  # noqa: E402

register("least-squares", least_squares, applies=_regression_on_plane, max_per_second=4.0)

# -- V2 (issue #10): activation maximisation and receptive fields, asked by their views --
# isort: split
import engine.probes.activation_max  # noqa: E402, F401 - registers "activation_max"
import engine.probes.receptive_field  # noqa: E402, F401 - registers "receptive_field"

# -- G2: samples, interpolation and the PCA basis (issue #11) -------------------------
from engine.probes import latent_samples as _ls  # noqa: E402
from engine.probes.pca_basis import has_data, pca_basis  # noqa: E402

register(
    "samples",
    _ls.samples,
    cost=COSTLY,
    max_per_second=2.0,
    applies=_ls.can_sample,
    args={"count": 16, "seed": 0},
)
register(
    "interpolation",
    _ls.interpolation,
    cost=COSTLY,
    max_per_second=2.0,
    applies=_ls.has_latent,
    args={"a": 0, "b": 1, "steps": 9},
)
register("pca-basis", pca_basis, max_per_second=1.0, applies=has_data, args={"components": 12})

# -- N1: boundary and neuron maps from the compiled kernel's forward pass (issue #13) --
# isort: split
import engine.probes.compiled_maps  # noqa: E402, F401 - serves "boundary" and "neurons"

# -- L3: slow-motion backprop (issue #12, Classroom) --
# isort: split
import engine.probes.backprop  # noqa: E402, F401

# -- L2: views for the regression and optimisation lessons (issue #12) ---------------
from engine.probes import regression1d as _r1d  # noqa: E402

register("regression-1d", _r1d.regression_1d, applies=_r1d.applies, max_per_second=4.0, args={"ridge": 0.0})
from engine.probes import loss_surface as _ls2  # noqa: E402

register("loss-surface", _ls2.loss_surface, applies=_ls2.applies, max_per_second=2.0, args=dict(_ls2.ARGS))
from engine.probes import polynomial as _poly  # noqa: E402

register(
    "polynomial-degree",
    _poly.polynomial_degree,
    applies=_poly.applies,
    max_per_second=2.0,
    args={"max_degree": 12},
)


# -- L4: activation and gradient histograms per layer over training (issue #12) ------
from engine.probes import init_histograms as _ih  # noqa: E402

register("init-histograms", _ih.init_histograms, max_per_second=2.0, applies=_ih.applies)
register("init-signal", _ih.init_signal, applies=_ih.applies)
from engine.probes import colorization as _col  # noqa: E402

register(
    "colorization",
    _col.colorization,
    cost=COSTLY,
    max_per_second=1.0,
    applies=_col.applies,
    args={"count": 8},
)


# -- S-L2: how close a VAE's, an autoencoder's or a GAN's samples are to the data (#12) --
from engine.probes import sample_fit as _fit  # noqa: E402

register("sample-fit", _fit.sample_fit, cost=COSTLY, max_per_second=1.0, applies=_fit.applies, args=_fit.ARGS)


# -- S-L1: the pca-basis, edge-filter and filter-visualization lessons (issue #12) ------
from engine.probes import filter_edges as _fe  # noqa: E402
from engine.probes import pca_match as _pm  # noqa: E402

register("pca-match", _pm.pca_match, max_per_second=1.0, applies=_pm.applies, args={"components": 2})
register("sobel-match", _fe.sobel_match, applies=_fe.applies_sobel, max_per_second=4.0)
register(
    "filter-edges",
    _fe.filter_edges,
    applies=_fe.applies,
    max_per_second=2.0,
    args={"layer": None, "orientations": 8},
)
