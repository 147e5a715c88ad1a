"""Node types of any network: data, dense layers, element-wise layers and reshaping."""

from __future__ import annotations

from engine.errors import GraphError
from engine.graph.nodetype import (
    ACTIVATIONS,
    FEATURES,
    INITS,
    NodeType,
    Param,
    Port,
    PortValue,
    flat,
    numel,
    shape_text,
    tensor,
)

X = (Port("x"),)
OUT = (Port("out"),)


def _infer_features(p, i):
    n = flat(i["x"], "Features")
    if n != 2:
        raise GraphError(f"Features expects the two coordinates (N, 2); this port gives {i['x']}.")
    return {"out": PortValue("tensor", (len(p["features"]),))}


def _infer_dense(p, i):
    flat(i["x"], "Dense")
    return {"out": PortValue("tensor", (p["units"],))}


def same(name):
    """Shape inference of a layer that keeps its input's shape."""

    def infer(p, i):
        return {"out": tensor(i["x"], name)}

    return infer


def _infer_batchnorm(p, i):
    x = tensor(i["x"], "BatchNorm")
    if len(x.shape) not in (1, 3):
        raise GraphError(f"BatchNorm expects (N, features) or (N, C, H, W); this port gives {x}.")
    return {"out": x}


def _infer_flatten(p, i):
    x = tensor(i["x"], "Flatten")
    return {"out": PortValue("tensor", (numel(x.shape),))}


def _infer_reshape(p, i):
    x = tensor(i["x"], "Reshape")
    want = tuple(p["shape"])
    if numel(want) != numel(x.shape):
        raise GraphError(
            f"Reshape to {shape_text(want)} needs {numel(want)} values per sample; this port gives {x}."
        )
    return {"out": PortValue("tensor", want)}


NODES = [
    NodeType(
        "Input",
        "Data",
        (),
        (Port("x"), Port("y", "target")),
        (),
        infer=lambda p, i: {},
        doc="The project's dataset: samples on x, targets on y. Every Input node gives the same batch.",
    ),
    NodeType(
        "Features",
        "Data",
        X,
        OUT,
        (
            Param(
                "features",
                "features",
                ["x1", "x2"],
                FEATURES,
                help="Which features of the 2-D point the network sees.",
            ),
        ),
        infer=_infer_features,
        doc="TF Playground's input features of a 2-D point.",
    ),
    NodeType(
        "Dense",
        "Layers",
        X,
        OUT,
        (
            Param("units", "int", 4, low=1, high=4096, help="Number of neurons."),
            Param("bias", "bool", True, help="Add a learned offset to every neuron."),
            Param(
                "init",
                "choice",
                "xavier",
                INITS,
                help="How the weights start; biases start at zero (except 'default', PyTorch's own).",
            ),
        ),
        infer=_infer_dense,
        count_params=lambda p, i: (i["x"].shape[0] + int(p["bias"])) * p["units"],
        doc="Fully connected layer: every output is a weighted sum of every input.",
    ),
    NodeType(
        "Activation",
        "Layers",
        X,
        OUT,
        (Param("fn", "choice", "tanh", ACTIVATIONS, help="The non-linearity applied to every value."),),
        infer=same("Activation"),
        doc="Applies a non-linearity to every value.",
    ),
    NodeType(
        "Dropout",
        "Layers",
        X,
        OUT,
        (
            Param(
                "p",
                "float",
                0.2,
                low=0.0,
                high=0.95,
                live=True,
                help="Probability of zeroing a value while training.",
            ),
        ),
        infer=same("Dropout"),
        doc="Zeroes random values while training.",
    ),
    NodeType(
        "BatchNorm",
        "Layers",
        X,
        OUT,
        (),
        infer=_infer_batchnorm,
        count_params=lambda p, i: 2 * i["x"].shape[0],
        doc="Normalizes each feature (or channel of an image) over the batch.",
    ),
    NodeType(
        "LayerNorm",
        "Layers",
        X,
        OUT,
        (),
        infer=same("LayerNorm"),
        count_params=lambda p, i: 2 * numel(i["x"].shape),
        doc="Normalizes each sample over all its values.",
    ),
    NodeType(
        "Flatten",
        "Shape",
        X,
        OUT,
        (),
        infer=_infer_flatten,
        doc="Lays every value of a sample out in one row (N, features).",
    ),
    NodeType(
        "Reshape",
        "Shape",
        X,
        OUT,
        (
            Param(
                "shape",
                "shape",
                [1, 8, 8],
                help="The shape of one sample, e.g. 1, 8, 8 for a one-channel 8×8 image; "
                "it must hold as many values as the input.",
            ),
        ),
        infer=_infer_reshape,
        doc="Gives each sample a new shape with the same values.",
    ),
]
