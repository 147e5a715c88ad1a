"""Write the built-in presets in resources/presets (run after changing them here).

The presets are data; this script only spares us hand-writing their graph JSON.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from preset_graphs import (  # noqa: E402
    autoencoder,
    graph,
    image_preset,
    playground,
    relu,
    small_cnn,
    vae,
)

from engine.graph import Graph  # noqa: E402
from engine.project import Project  # noqa: E402
from engine.settings import DataSettings, TrainSettings  # noqa: E402
from resources import PRESETS  # noqa: E402

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


from course_presets import COURSE_PRESETS  # noqa: E402

PRESET_LIST += COURSE_PRESETS


if __name__ == "__main__":
    PRESETS.mkdir(parents=True, exist_ok=True)
    for p in PRESET_LIST:
        (PRESETS / f"{p.name}.json").write_text(json.dumps(p.to_dict(), indent=1) + "\n")
        print("wrote", p.name)
