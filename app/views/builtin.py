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


# the generative and the lessons' views: their own modules, imported to register
import app.views.builtin_generative  # noqa: E402, F401
import app.views.builtin_lessons  # noqa: E402, F401
