"""Write the built-in presets in resources/presets (run after changing them here).

The presets are data; this script only spares us hand-writing their graph JSON.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.graph import Graph  # noqa: E402
from engine.graph.layout import lay_out  # noqa: E402
from engine.graph.mlp import mlp_graph  # noqa: E402
from engine.project import Project  # noqa: E402
from engine.settings import DataSettings, TrainSettings  # noqa: E402
from resources import PRESETS  # noqa: E402

TF_DEFAULT = dict(learning_rate=0.03, batch_size=10)


def playground(
    name,
    dataset,
    text,
    *,
    regression=False,
    hidden=(4, 2),
    act="tanh",
    features=("x1", "x2"),
    stop=500,
    train=None,
    data=None,
):
    graph = mlp_graph(list(hidden), act, features=list(features), loss="mse" if regression else "bce")
    return Project(
        graph,
        DataSettings(name=dataset, **(data or {})),
        TrainSettings(**{**TF_DEFAULT, "stop_epochs": stop, **(train or {})}),
        name=name,
        description=text,
    )


def graph(nodes, chains, edges=()) -> Graph:
    """``nodes``: (id, type, params); ``chains``: runs of ids, each feeding the next one's
    'x' from its 'out' (an Input's 'x'); ``edges``: ("node.port", "node.port") pairs."""
    g = Graph()
    for node_id, type_, params in nodes:
        g.add_node(type_, params, id=node_id)
    for run in chains:
        for a, b in zip(run, run[1:]):
            g.connect(a, "x" if g.nodes[a].type == "Input" else "out", b, "x")
    for src, dst in edges:
        g.connect(*src.split("."), *dst.split("."))
    return lay_out(g)


def relu(i):
    return (f"relu{i}", "Activation", {"fn": "relu"})


def small_cnn(classes: int) -> Graph:
    """Conv-ReLU-MaxPool twice, then one Dense layer over the flattened maps."""
    nodes = [
        ("input", "Input", {}),
        ("conv1", "Conv2d", {"channels": 8}),
        relu(1),
        ("pool1", "MaxPool2d", {}),
        ("conv2", "Conv2d", {"channels": 16}),
        relu(2),
        ("pool2", "MaxPool2d", {}),
        ("flatten", "Flatten", {}),
        ("head", "Dense", {"units": classes, "init": "default"}),
        ("output", "Output", {"loss": "cross_entropy"}),
    ]
    return graph(
        nodes, [[n[0] for n in nodes[:-1]]], [("head.out", "output.pred"), ("input.y", "output.target")]
    )


def autoencoder() -> Graph:
    """A convolutional encoder to an 8-number code, a decoder back to the image (MSE
    against the input) and a classifier of the code with a tenth of the weight."""
    nodes = [
        ("input", "Input", {}),
        ("conv1", "Conv2d", {"channels": 8}),
        relu(1),
        ("pool1", "MaxPool2d", {}),
        ("flatten", "Flatten", {}),
        ("code", "Dense", {"units": 8}),
        ("expand", "Dense", {"units": 128}),
        relu(2),
        ("unflatten", "Reshape", {"shape": [8, 4, 4]}),
        ("deconv", "ConvTranspose2d", {"channels": 1}),
        ("pixels", "Activation", {"fn": "sigmoid"}),
        ("reconstruction", "Output", {"loss": "mse"}),
        ("classify", "Dense", {"units": 10}),
        ("label", "Output", {"loss": "cross_entropy", "weight": 0.1}),
    ]
    return graph(
        nodes,
        [
            [
                "input",
                "conv1",
                "relu1",
                "pool1",
                "flatten",
                "code",
                "expand",
                "relu2",
                "unflatten",
                "deconv",
                "pixels",
            ],
            ["code", "classify"],
        ],
        [
            ("pixels.out", "reconstruction.pred"),
            ("input.x", "reconstruction.target"),
            ("classify.out", "label.pred"),
            ("input.y", "label.target"),
        ],
    )


def vae(beta: float = 1.0) -> Graph:
    """Dense encoder to a mean and log-variance of a 2-D latent, a sampled z, a dense
    decoder; BCE reconstruction (summed over the 64 pixels by its weight) plus beta * KL."""
    nodes = [
        ("input", "Input", {}),
        ("flatten", "Flatten", {}),
        ("encoder", "Dense", {"units": 64}),
        relu(1),
        ("stats", "Dense", {"units": 4}),
        ("split", "Split", {"first": 2}),
        ("sampling", "Sampling", {}),
        ("decoder", "Dense", {"units": 64}),
        relu(2),
        ("pixels", "Dense", {"units": 64}),
        ("image", "Reshape", {"shape": [1, 8, 8]}),
        ("reconstruction", "Output", {"loss": "bce", "weight": 64.0}),
        ("objective", "LossSum", {"wa": 1.0, "wb": beta}),
    ]
    return graph(
        nodes,
        [["input", "flatten", "encoder", "relu1", "stats", "split"], ["decoder", "relu2", "pixels", "image"]],
        [
            ("split.a", "sampling.mean"),
            ("split.b", "sampling.logvar"),
            ("sampling.z", "decoder.x"),
            ("image.out", "reconstruction.pred"),
            ("input.x", "reconstruction.target"),
            ("reconstruction.loss", "objective.a"),
            ("sampling.kl", "objective.b"),
        ],
    )


def image_preset(name, dataset, text, g, *, stop, data=None, train=None):
    return Project(
        g,
        DataSettings(name=dataset, **{"train_percent": 70, **(data or {})}),
        TrainSettings(
            **{
                "optimizer": "adam",
                "learning_rate": 0.01,
                "batch_size": 32,
                "stop_epochs": stop,
                **(train or {}),
            }
        ),
        name=name,
        description=text,
    )


IMAGE_PRESETS = [
    image_preset(
        "digits-cnn",
        "digits",
        "A small convolutional network reading 8×8 handwritten digits (about 97% "
        "test accuracy in 10 epochs).",
        small_cnn(10),
        stop=10,
        data=dict(samples=1797),
    ),
    image_preset(
        "shapes-cnn",
        "shapes",
        "A small convolutional network telling circles, squares and triangles apart in noisy 16×16 images.",
        small_cnn(3),
        stop=10,
        data=dict(samples=1500, noise=25),
    ),
    image_preset(
        "autoencoder",
        "digits",
        "An autoencoder squeezing digits through an 8-number code and rebuilding "
        "them, with a lightly weighted classifier reading the same code: two losses.",
        autoencoder(),
        stop=30,
        data=dict(samples=1797),
        train=dict(learning_rate=0.005),
    ),
    image_preset(
        "vae",
        "digits",
        "A variational autoencoder with a 2-D latent: reconstruction (BCE) plus the KL "
        "term weighted by beta in a LossSum; z is sampled while training.",
        vae(),
        stop=40,
        data=dict(samples=1797),
        train=dict(learning_rate=0.003),
    ),
]

PRESET_LIST = [
    playground("circle", "circle", "Circle: one class inside a ring of the other (TF Playground's default)."),
    playground("xor", "xor", "XOR: classes in opposite quadrants; no straight line separates them."),
    playground("gauss", "gauss", "Two Gaussians: two blobs a straight line can separate."),
    playground("spiral", "spiral", "Spiral: two interleaved arms, hard for a small network."),
    playground(
        "reg-plane",
        "reg-plane",
        "Regression on a tilted plane: the target grows with x1 + x2.",
        regression=True,
    ),
    playground(
        "reg-gauss", "reg-gauss", "Regression on six Gaussian bumps of alternating sign.", regression=True
    ),
    playground(
        "spiral-deep",
        "spiral",
        "Spiral with a deeper network and sine features, reaching 95% test accuracy.",
        hidden=(16, 16, 16),
        act="tanh",
        features=("x1", "x2", "sin x1", "sin x2"),
        stop=400,
        train=dict(optimizer="adam", learning_rate=0.01, batch_size=16),
    ),
    *IMAGE_PRESETS,
]


# -- G1: autoencoders to set beside PCA and the VAE (issue #11) ------------------------
def linear_autoencoder(code: int = 8) -> Graph:
    """Flatten, a linear code of ``code`` numbers, a linear decoder back to the image:
    MSE against the input. It can do no better than PCA with as many components."""
    nodes = [
        ("input", "Input", {}),
        ("flatten", "Flatten", {}),
        ("code", "Dense", {"units": code}),
        ("pixels", "Dense", {"units": 64}),
        ("image", "Reshape", {"shape": [1, 8, 8]}),
        ("reconstruction", "Output", {"loss": "mse"}),
    ]
    return graph(
        nodes,
        [["input", "flatten", "code", "pixels", "image"]],
        [("image.out", "reconstruction.pred"), ("input.x", "reconstruction.target")],
    )


def dense_autoencoder() -> Graph:
    """The vae preset's encoder and decoder with a plain 2-D code in place of the
    sampled one (and no KL term): its latent plane has holes the VAE's has not."""
    nodes = [
        ("input", "Input", {}),
        ("flatten", "Flatten", {}),
        ("encoder", "Dense", {"units": 64}),
        relu(1),
        ("code", "Dense", {"units": 2}),
        ("decoder", "Dense", {"units": 64}),
        relu(2),
        ("pixels", "Dense", {"units": 64}),
        ("image", "Reshape", {"shape": [1, 8, 8]}),
        ("reconstruction", "Output", {"loss": "bce", "weight": 64.0}),
    ]
    return graph(
        nodes,
        [["input", "flatten", "encoder", "relu1", "code", "decoder", "relu2", "pixels", "image"]],
        [("image.out", "reconstruction.pred"), ("input.x", "reconstruction.target")],
    )


PRESET_LIST += [
    image_preset(
        "autoencoder-linear",
        "digits",
        "A linear autoencoder with an 8-number code: it finds PCA's subspace, so after "
        "100 epochs its reconstructions are within 1% of 8 principal components' "
        "(see Reconstructions).",
        linear_autoencoder(8),
        stop=100,
        data=dict(samples=1797),
        train=dict(learning_rate=0.01),
    ),
    image_preset(
        "autoencoder-2d",
        "digits",
        "A plain autoencoder with a 2-D code, the vae preset without sampling or KL: its "
        "latent plane has holes where decoded points are no digit (compare the Latent space tabs).",
        dense_autoencoder(),
        stop=40,
        data=dict(samples=1797),
        train=dict(learning_rate=0.003),
    ),
]


# -- G1: GANs (issue 11): GAN Lab's 2-D set-up and a DCGAN on the digits ------------------
from engine.graph.gan_graphs import dcgan_8x8, gan_2d  # noqa: E402

PRESET_LIST += [
    Project(
        gan_2d(),
        DataSettings(name="gan-ring", samples=2048, train_percent=90),
        TrainSettings(optimizer="adam", learning_rate=0.002, batch_size=64, stop_epochs=120),
        name="gan-2d",
        description="GAN Lab's set-up: a generator and a discriminator of two ReLU layers of 32 "
        "learn a ring of 2-D points (choose the data: gan-ring, gan-gaussians, gan-line, gan-disjoint).",
    ),
    image_preset(
        "gan",
        "digits",
        "A DCGAN on the 8×8 digits: transposed convolutions turn 16 random numbers into a "
        "digit, a small convolutional discriminator tells them from real ones.",
        dcgan_8x8(),
        stop=40,
        data=dict(samples=1797, train_percent=90),
        train=dict(learning_rate=0.002, batch_size=64),
    ),
]


# -- L2: presets for the regression and optimisation lessons (issue #12) ---------------
PRESET_LIST += [
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


PRESET_LIST += [
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


# -- L2: presets for the regression and optimisation lessons (issue #12) ---------------
PRESET_LIST += [
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


# -- L4: a deep ReLU perceptron whose initialisation decides whether it trains (issue #12)
PRESET_LIST += [
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


PRESET_LIST += [
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


PRESET_LIST += [
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


PRESET_LIST += [
    Project(
        pca_autoencoder(),
        DataSettings(name="gauss", samples=500),
        TrainSettings(optimizer="adam", learning_rate=0.03, batch_size=10, stop_epochs=30),
        name="pca-2d",
        description="A linear autoencoder squeezing 2-D points through one number: its "
        "rebuilds fall on PCA's first axis (see PCA basis).",
    ),
]


if __name__ == "__main__":
    PRESETS.mkdir(parents=True, exist_ok=True)
    for p in PRESET_LIST:
        (PRESETS / f"{p.name}.json").write_text(json.dumps(p.to_dict(), indent=1) + "\n")
        print("wrote", p.name)
