"""The views the course's lessons need (regression, optimisation, initialisation,
colorization, slow-motion backprop), registered in app.views.registry."""

from __future__ import annotations

from app.views.registry import (
    IMAGES,
    POINTS,
    TABS,
    ViewSpec,
    register,
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
