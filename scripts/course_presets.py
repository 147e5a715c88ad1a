"""The presets of the course's lessons and image views (issues #10 and #12), written by
make_presets.py with the others."""

from preset_graphs import (
    TF_DEFAULT,
    DataSettings,
    Graph,
    Project,
    TrainSettings,
    graph,
    image_preset,
    playground,
    relu,
)

COURSE_PRESETS: list = []


# -- L2: presets for the regression and optimisation lessons (issue #12) ---------------
COURSE_PRESETS += [
    playground(
        "linear-regression",
        "reg-line",
        "Linear regression on a noisy line: a network with no hidden layer reading x1 is "
        "y = w·x1 + b; see 1-D regression for its line beside the normal equations'.",
        regression=True,
        hidden=(),
        features=("x1",),
        stop=80,
        data=dict(samples=200, noise=15),
        train=dict(learning_rate=0.003, batch_size=10),
    ),
    playground(
        "sgd-vs-gd",
        "reg-line",
        "Full-batch gradient descent, mini-batch SGD and momentum on a line's two "
        "parameters: see Loss surface for their paths on the loss's contours.",
        regression=True,
        hidden=(),
        features=("x1",),
        stop=10,
        data=dict(samples=200, noise=15),
        train=dict(learning_rate=0.01, batch_size=10),
    ),
    playground(
        "polynomial-regression",
        "reg-sine",
        "Fifteen noisy samples of a sine wave and fifteen held out: see Polynomial degree "
        "for least-squares polynomials of every degree, and where validation error rises again.",
        regression=True,
        hidden=(8, 8),
        features=("x1",),
        stop=300,
        data=dict(samples=30, noise=20, train_percent=50),
        train=dict(learning_rate=0.03, batch_size=5),
    ),
]


# -- V1: presets on the embedded 28×28 digits and the scikit-image photos (issue #10) --
def digits28_cnn() -> Graph:
    """A 5×5 and a 3×3 conv block, then the class layer: 97% on the embedded digits."""
    nodes = [
        ("input", "Input", {}),
        ("conv1", "Conv2d", {"channels": 16, "kernel": 5, "padding": 2}),
        relu(1),
        ("pool1", "MaxPool2d", {}),
        ("conv2", "Conv2d", {"channels": 32}),
        relu(2),
        ("pool2", "MaxPool2d", {}),
        ("flatten", "Flatten", {}),
        ("head", "Dense", {"units": 10, "init": "default"}),
        ("output", "Output", {"loss": "cross_entropy"}),
    ]
    return graph(
        nodes, [[n[0] for n in nodes[:-1]]], [("head.out", "output.pred"), ("input.y", "output.target")]
    )


def large_kernel_cnn(classes: int) -> Graph:
    """A first layer of 9×9 filters, as in the course's filter-visualization notebook."""
    nodes = [
        ("input", "Input", {}),
        ("conv1", "Conv2d", {"channels": 16, "kernel": 9, "padding": 4}),
        relu(1),
        ("pool1", "MaxPool2d", {"kernel": 4, "stride": 4}),
        ("conv2", "Conv2d", {"channels": 32}),
        relu(2),
        ("pool2", "MaxPool2d", {}),
        ("flatten", "Flatten", {}),
        ("head", "Dense", {"units": classes, "init": "default"}),
        ("output", "Output", {"loss": "cross_entropy"}),
    ]
    return graph(
        nodes, [[n[0] for n in nodes[:-1]]], [("head.out", "output.pred"), ("input.y", "output.target")]
    )


def edge_filter() -> Graph:
    """One 3×3 convolution without bias: a linear map it can learn exactly."""
    nodes = [
        ("input", "Input", {}),
        ("conv", "Conv2d", {"channels": 1, "kernel": 3, "padding": 1, "bias": False}),
        ("output", "Output", {"loss": "mse"}),
    ]
    return graph(nodes, [["input", "conv"]], [("conv.out", "output.pred"), ("input.y", "output.target")])


COURSE_PRESETS += [
    image_preset(
        "cnn",
        "digits28",
        "A small convolutional network reading the 5,000 embedded 28×28 handwritten "
        "digits: about 97% test accuracy in 8 epochs, under a minute on two CPU cores.",
        digits28_cnn(),
        stop=8,
        data=dict(samples=5000, train_percent=80),
        train=dict(learning_rate=0.002, batch_size=32),
    ),
    image_preset(
        "filter-visualization",
        "photo-patches",
        "A CNN with 9×9 first-layer filters learning which photograph a 32×32 colour "
        "patch comes from: its first filters turn into edge and colour-blob detectors "
        "(see Filters).",
        large_kernel_cnn(5),
        stop=15,
        data=dict(samples=4000),
        # plain momentum with L2 lets the random start decay, so that what stays is what
        # the photos taught: smooth colour blobs and edges (Adam kept the noise visible)
        train=dict(
            optimizer="momentum", learning_rate=0.05, batch_size=32, regularization="l2", reg_rate=0.003
        ),
    ),
    image_preset(
        "edge-filter",
        "photo-edges",
        "One 3×3 convolution without bias learning the Sobel edge filter; its data are "
        "grey photo patches paired with their edge images (see Edge kernel: learned beside true).",
        edge_filter(),
        stop=10,
        data=dict(samples=1000, train_percent=80),
        train=dict(learning_rate=0.05, batch_size=8),
    ),
]


# -- L4: a deep ReLU perceptron whose initialisation decides whether it trains (issue #12)
COURSE_PRESETS += [
    playground(
        "init-deep",
        "circle",
        "Six hidden ReLU layers of eight: with Xavier or He weights it learns the circle in "
        "a few epochs; with zero, tiny or too-large weights it does not (see Layer histograms).",
        hidden=(8, 8, 8, 8, 8, 8),
        act="relu",
        stop=10,
        train=dict(optimizer="adam", learning_rate=0.01, batch_size=16),
    ),
]


# -- L4: colorization in Lab colour space with a small U-Net (issue #12) -----------------
def colorization_unet() -> Graph:
    """L* in, a*b* out: two 3×3 convolutions at full size, two at half size, upsampled
    and joined with the full-size features (the skip connection), then two more."""
    nodes = [
        ("input", "Input", {}),
        ("conv1", "Conv2d", {"channels": 16, "padding": 1}),
        relu(1),
        ("pool", "MaxPool2d", {}),
        ("conv2", "Conv2d", {"channels": 32, "padding": 1}),
        relu(2),
        ("up", "Upsample", {"mode": "bilinear"}),
        ("skip", "Concat", {}),
        ("conv3", "Conv2d", {"channels": 16, "padding": 1}),
        relu(3),
        ("head", "Conv2d", {"channels": 2, "padding": 1, "init": "default"}),
        ("output", "Output", {"loss": "mse"}),
    ]
    return graph(
        nodes,
        [["input", "conv1", "relu1", "pool", "conv2", "relu2", "up"], ["conv3", "relu3", "head"]],
        [
            ("relu1.out", "skip.a"),
            ("up.out", "skip.b"),
            ("skip.out", "conv3.x"),
            ("head.out", "output.pred"),
            ("input.y", "output.target"),
        ],
    )


COURSE_PRESETS += [
    image_preset(
        "colorization",
        "photo-colour",
        "A small U-Net colouring grey 32×32 patches of the embedded photographs: it "
        "predicts the a*, b* colour channels of Lab from the lightness L* (see Colorization).",
        colorization_unet(),
        stop=8,
        data=dict(samples=1000, train_percent=80),
        train=dict(learning_rate=0.003, batch_size=16),
    ),
]


# -- S-L2: polynomial regression as a graph, with the Polynomial node (issue #12) ------------
def polynomial_graph(degree: int) -> Graph:
    """x₁'s powers u, u², … u^degree (u = x₁ / 6) into one linear neuron: least squares
    on polynomial features, trained by gradient descent."""
    nodes = [
        ("input", "Input", {}),
        ("x1", "Features", {"features": ["x1"]}),
        ("powers", "Polynomial", {"degree": degree, "scale": 6.0}),
        ("fit", "Dense", {"units": 1}),
        ("output", "Output", {"loss": "mse"}),
    ]
    return graph(
        nodes, [["input", "x1", "powers", "fit"]], [("fit.out", "output.pred"), ("input.y", "output.target")]
    )


COURSE_PRESETS += [
    Project(
        polynomial_graph(5),
        DataSettings(name="reg-sine", samples=30, noise=20, train_percent=50),
        TrainSettings(
            **{**TF_DEFAULT, "optimizer": "adam", "learning_rate": 0.05, "batch_size": 5, "stop_epochs": 300}
        ),
        name="polynomial-features",
        description="Fifteen noisy samples of a sine wave fitted by a polynomial of degree 5: a "
        "Polynomial node (the powers of x / 6) feeding one linear neuron, trained by gradient "
        "descent. Change the degree in the Editor and compare with Polynomial degree's fits.",
    ),
]


# -- S-L1: a linear autoencoder on 2-D points for the PCA lesson (issue #12) -----------
def pca_autoencoder() -> Graph:
    """2 numbers -> 1 -> 2, no activation: every rebuild lies on one line through the mean."""
    nodes = [
        ("input", "Input", {}),
        ("code", "Dense", {"units": 1}),
        ("rebuild", "Dense", {"units": 2}),
        ("output", "Output", {"loss": "mse"}),
    ]
    return graph(
        nodes, [["input", "code", "rebuild"]], [("rebuild.out", "output.pred"), ("input.x", "output.target")]
    )


COURSE_PRESETS += [
    Project(
        pca_autoencoder(),
        DataSettings(name="gauss", samples=500),
        TrainSettings(optimizer="adam", learning_rate=0.03, batch_size=10, stop_epochs=30),
        name="pca-2d",
        description="A linear autoencoder squeezing 2-D points through one number: its "
        "rebuilds fall on PCA's first axis (see PCA basis).",
    ),
]
