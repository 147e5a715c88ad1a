"""The graph builders and settings the preset scripts share (make_presets.py,
course_presets.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.graph import Graph  # noqa: E402
from engine.graph.layout import lay_out  # noqa: E402
from engine.graph.mlp import mlp_graph  # noqa: E402
from engine.project import Project  # noqa: E402
from engine.settings import DataSettings, TrainSettings  # noqa: E402

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
