"""The generative views (autoencoders, VAEs, GANs), registered in app.views.registry."""

from __future__ import annotations

from app.views.registry import (
    GENERATIVE,
    IMAGES,
    PLANE,
    POINTS,
    TABS,
    ViewSpec,
    register,
)


# -- G1: autoencoder and VAE latent views (issue #11) ---------------------------------
def _latent_sliders():
    from app.views.latent_sliders import QtLatentSliders

    return QtLatentSliders()


def _latent_scatter():
    from app.views.latent_scatter import QtLatentScatter

    return QtLatentScatter()


def _reconstructions():
    from app.views.reconstructions import QtReconstructions

    return QtReconstructions()


register(
    ViewSpec(
        "latent-sliders",
        "Latent sliders",
        frozenset({GENERATIVE}),
        _latent_sliders,
        TABS,
        60,
        "One slider per latent dimension and the image the decoder makes of that point.",
        size=(720, 420),
    )
)
register(
    ViewSpec(
        "latent-scatter",
        "Latent space",
        frozenset({GENERATIVE}),
        _latent_scatter,
        TABS,
        61,
        "Test images' codes coloured by class over the decoded manifold; click to decode a point.",
        size=(900, 640),
    )
)
register(
    ViewSpec(
        "reconstructions",
        "Reconstructions",
        frozenset({GENERATIVE}),
        _reconstructions,
        TABS,
        62,
        "Test images, the network's reconstructions and those of a PCA basis of the same size.",
        size=(820, 320),
    )
)


# --- G1: GAN views (issue 11): gan-2d (GAN Lab's picture) and gan-samples ---------------
from app.views.registry import GAN_IMAGES, GAN_POINTS  # noqa: E402


def _gan_2d():
    from app.views.gan_2d import QtGan2d

    return QtGan2d()


def _gan_samples():
    from app.views.gan_samples import QtGanSamples

    return QtGanSamples()


register(
    ViewSpec(
        "gan-2d",
        "GAN",
        frozenset({GAN_POINTS}),
        _gan_2d,
        PLANE,
        70,
        "Real and generated points over the discriminator's verdict, with the generator's gradient "
        "and noise grid.",
        size=(560, 880),
    )
)
register(
    ViewSpec(
        "gan-samples",
        "GAN samples",
        frozenset({GAN_IMAGES}),
        _gan_samples,
        PLANE,
        71,
        "Images the generator makes from fixed noise, how diverse they are, and both losses.",
        size=(560, 880),
    )
)


# -- G2: samples, interpolation, latent grid and PCA basis (issue #11) ----------------
def _samples():
    from app.views.samples import QtSamples

    return QtSamples()


def _interpolation():
    from app.views.interpolation import QtInterpolation

    return QtInterpolation()


def _latent_grid():
    from app.views.latent_grid import QtLatentGrid

    return QtLatentGrid()


def _pca_basis():
    from app.views.pca_basis import QtPcaBasis

    return QtPcaBasis()


register(
    ViewSpec(
        "samples",
        "Samples",
        frozenset({GENERATIVE, GAN_IMAGES}),  # S-GAN: a GAN's generated images too
        _samples,
        TABS,
        63,
        "Images decoded from fixed random latent points drawn from N(0, I): a VAE's look "
        "like digits, a plain autoencoder's mostly do not.",
        size=(760, 460),
    )
)
register(
    ViewSpec(
        "interpolation",
        "Interpolation",
        frozenset({GENERATIVE}),
        _interpolation,
        TABS,
        64,
        "Images decoded along the line between the codes of two test images.",
        size=(820, 300),
    )
)
register(
    ViewSpec(
        "latent-grid",
        "Latent grid",
        frozenset({GENERATIVE}),
        _latent_grid,
        TABS,
        65,
        "The decoded manifold of a 2-D latent: a grid of the images the decoder makes across the plane.",
        size=(900, 640),
    )
)
register(
    ViewSpec(
        "pca-basis",
        "PCA basis",
        frozenset({POINTS, IMAGES, GENERATIVE}),
        _pca_basis,
        TABS,
        66,
        "The data's principal axes: drawn over 2-D points, or as eigen-images with the "
        "variance each explains.",
        size=(760, 560),
    )
)
