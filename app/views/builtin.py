"""Nodeplay's own views, registered in app.views.registry (imported on first use)."""

from __future__ import annotations

from app.views.registry import (
    BOTTOM,
    GENERATIVE,
    IMAGES,
    KINDS,
    PLANE,
    POINTS,
    TABS,
    WINDOW,
    ViewSpec,
    register,
)


def _boundary():
    from app.views.boundary_view import QtBoundaryView

    return QtBoundaryView()


def _gallery():
    from app.views.sample_grid import QtSampleGrid

    return QtSampleGrid()


def _network():
    from app.views.network_view import QtNetworkView

    return QtNetworkView()


def _hidden():
    from app.views.hidden_view import QtHiddenSpaceView

    return QtHiddenSpaceView()


def _loss():
    from app.views.loss_plot import QtLossPlot

    return QtLossPlot()


register(
    ViewSpec(
        "boundary",
        "Output",
        frozenset({POINTS}),
        _boundary,
        PLANE,
        10,
        "The network's output over the input plane, with the data on top.",
        size=(640, 600),
    )
)
register(
    ViewSpec(
        "gallery",
        "Test images",
        frozenset({IMAGES, GENERATIVE}),
        _gallery,
        PLANE,
        20,
        "Test images with their labels, marked where the network is right or wrong.",
        size=(720, 600),
    )
)
register(
    ViewSpec(
        "network",
        "Network",
        frozenset({POINTS}),
        _network,
        TABS,
        10,
        "What each neuron computes (hover one to see it large; click a weight or a neuron to edit it).",
        size=(900, 640),
    )
)
register(
    ViewSpec(
        "hidden",
        "Hidden space",
        frozenset({POINTS}),
        _hidden,
        TABS,
        20,
        "How a layer bends the input plane.",
        size=(640, 600),
    )
)
register(
    ViewSpec(
        "loss",
        "Loss",
        frozenset(KINDS),
        _loss,
        BOTTOM,
        10,
        "Train and test loss or accuracy against epoch.",
        size=(720, 480),
    )
)
# the whole window: render makes it itself (app.render), so no factory here
register(
    ViewSpec(
        "window",
        "Window",
        frozenset(KINDS),
        lambda: None,
        WINDOW,
        0,
        "The main window as it opens, with the views trained so far.",
        size=(1280, 800),
    )
)


# --- V2 vision views (issue 10): confusion matrix, filters, feature maps -------------------
def _confusion():
    from app.views.confusion import QtConfusionView

    return QtConfusionView()


def _filters():
    from app.views.filters import QtFiltersView

    return QtFiltersView()


def _feature_maps():
    from app.views.feature_maps import QtFeatureMapsView

    return QtFeatureMapsView()


# -- V3 (issue #10): attribution and adversarial inputs ------------------------------
def _saliency():
    from app.views.saliency import QtSaliencyView

    return QtSaliencyView()


# -- V4: feature embedding (engine.probes.embedding) ---------------------------------
def _embedding():
    from app.views.embedding import QtEmbeddingView

    return QtEmbeddingView()


register(
    ViewSpec(
        "confusion",
        "Confusion",
        frozenset({IMAGES}),
        _confusion,
        TABS,
        30,
        "Which classes the network mistakes for which (click a cell to select its first sample).",
        size=(720, 600),
    )
)
register(
    ViewSpec(
        "filters",
        "Filters",
        frozenset({IMAGES}),
        _filters,
        TABS,
        40,
        "The kernels of a convolution layer, and how they changed over training.",
        size=(760, 640),
    )
)
register(
    ViewSpec(
        "feature-maps",
        "Feature maps",
        frozenset({IMAGES}),
        _feature_maps,
        TABS,
        45,
        "Every channel of a layer for the selected test sample.",
        size=(820, 560),
    )
)
register(
    ViewSpec(
        "saliency",
        "Saliency",
        frozenset({IMAGES}),
        _saliency,
        TABS,
        60,
        "Which pixels of the selected test image the network's answer depends on.",
        size=(760, 360),
    )
)


def _adversarial():
    from app.views.adversarial import QtAdversarialView

    return QtAdversarialView()


register(
    ViewSpec(
        "adversarial",
        "Adversarial",
        frozenset({IMAGES}),
        _adversarial,
        TABS,
        61,
        "The selected test image nudged to fool the network (FGSM), and accuracy against ε.",
        size=(900, 400),
    )
)
register(
    ViewSpec(
        "embedding",
        "Embedding",
        frozenset({IMAGES}),
        _embedding,
        TABS,
        40,
        "A layer's features for every test sample laid out in 2-D (PCA, then t-SNE), "
        "coloured by class; click a point to select that sample.",
        size=(720, 640),
    )
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


# -- V1: the edge-filter preset's learned kernel beside Sobel (issue #10) ---------------
def _edge_kernel():
    from app.views.edge_kernel import QtEdgeKernelView

    return QtEdgeKernelView()


register(
    ViewSpec(
        "edge-kernel",
        "Edge kernel",
        # image-to-image (MSE) projects count as generative: the edge filter is one
        frozenset({GENERATIVE}),
        _edge_kernel,
        TABS,
        45,
        "The 3×3 kernel a single convolution learned, beside the Sobel kernel, and their cosine similarity.",
        size=(640, 400),
    )
)


# -- V2 (issue #10): activation maximisation and receptive fields -----------------------
def _activation_max():
    from app.views.activation_max import QtActivationMaxView

    return QtActivationMaxView()


register(
    ViewSpec(
        "activation-max",
        "Activation max",
        frozenset({IMAGES}),
        _activation_max,
        TABS,
        50,
        "Inputs made by gradient ascent to excite a chosen class or unit as much as they can.",
        size=(760, 520),
    )
)


def _receptive_field():
    from app.views.receptive_field import QtReceptiveFieldView

    return QtReceptiveFieldView()


register(
    ViewSpec(
        "receptive-field",
        "Receptive field",
        frozenset({IMAGES}),
        _receptive_field,
        TABS,
        55,
        "The input pixels one unit of a layer sees: its theoretical box and where its gradient is.",
        size=(820, 520),
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
        frozenset({GENERATIVE}),
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


# -- L3: slow-motion backprop (issue #12, Classroom) --
def _backprop():
    from app.views.backprop_view import BackpropView

    return BackpropView()


register(
    ViewSpec(
        "backprop",
        "Backprop",
        frozenset({POINTS}),
        _backprop,
        TABS,
        90,
        "One mini-batch in slow motion: forward values, loss, gradients, update, one phase at a time.",
        size=(720, 520),
    )
)


# -- L2: views for the regression and optimisation lessons (issue #12) ---------------
from app.views.registry import FUNCTION_1D  # noqa: E402


def _regression_1d():
    from app.views.regression_1d import QtRegression1D

    return QtRegression1D()


register(
    ViewSpec(
        "regression-1d",
        "1-D regression",
        frozenset({FUNCTION_1D}),
        _regression_1d,
        TABS,
        70,
        "A function of one input: the points, the trained network's curve and the "
        "closed-form least-squares line, with a ridge penalty λ.",
        size=(820, 560),
    )
)


def _loss_surface():
    from app.views.loss_surface import QtLossSurface

    return QtLossSurface()


register(
    ViewSpec(
        "loss-surface",
        "Loss surface",
        frozenset({FUNCTION_1D}),
        _loss_surface,
        TABS,
        71,
        "The loss over a line's weight and bias as contours, with the paths of full-batch "
        "gradient descent, mini-batch SGD and momentum from one start; click to move the start.",
        size=(820, 600),
    )
)


def _polynomial_degree():
    from app.views.polynomial_degree import QtPolynomialDegree

    return QtPolynomialDegree()


register(
    ViewSpec(
        "polynomial-degree",
        "Polynomial degree",
        frozenset({FUNCTION_1D}),
        _polynomial_degree,
        TABS,
        72,
        "Least-squares polynomials of every degree: the chosen one over the points, and "
        "training and validation error against degree (under- then overfitting).",
        size=(1000, 520),
    )
)


# -- L4: activation and gradient histograms per layer (issue #12) ---------------------
def _init_histograms():
    from app.views.init_histograms import QtInitHistograms

    return QtInitHistograms()


register(
    ViewSpec(
        "init-histograms",
        "Layer histograms",
        frozenset({POINTS, IMAGES}),
        _init_histograms,
        TABS,
        67,
        "Each layer's activations and weight gradients by size over training: vanishing "
        "sinks, exploding rises.",
        size=(900, 820),
    )
)


# -- L4: colorization in Lab colour space (issue #12) ---------------------------------
def _colorization():
    from app.views.colorization import QtColorization

    return QtColorization()


register(
    ViewSpec(
        "colorization",
        "Colorization",
        frozenset({IMAGES}),
        _colorization,
        TABS,
        68,
        "Grey patches, the network's colouring and the true colours, with its error "
        "beside the gray-mean baseline's.",
        size=(820, 420),
    )
)
