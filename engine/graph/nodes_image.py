"""Node types of image networks: convolutions, pooling and upsampling on (N, C, H, W)."""

from __future__ import annotations

from engine.errors import GraphError
from engine.graph.nodetype import INITS, NodeType, Param, Port, PortValue, image

X = (Port("x"),)
OUT = (Port("out"),)


def _fit(who: str, what: str, k: int, h: int, w: int, pad: int, fix: str) -> None:
    """Refuse a window larger than the (padded) input."""
    if h + 2 * pad < k or w + 2 * pad < k:
        padded = f" padded by {pad}" if pad else ""
        raise GraphError(f"{who}'s {k}×{k} {what} does not fit a {h}×{w} input{padded}; {fix}.")


def _slide(size: int, k: int, stride: int, pad: int = 0) -> int:
    return (size + 2 * pad - k) // stride + 1


def _infer_conv(p, i):
    c, h, w = image(i["x"], "Conv2d")
    k, s, pad = p["kernel"], p["stride"], p["padding"]
    _fit("Conv2d", "kernel", k, h, w, pad, "lower the kernel or add padding")
    return {"out": PortValue("tensor", (p["channels"], _slide(h, k, s, pad), _slide(w, k, s, pad)))}


def _infer_deconv(p, i):
    c, h, w = image(i["x"], "ConvTranspose2d")
    k, s, pad, extra = p["kernel"], p["stride"], p["padding"], p["output_padding"]
    if extra >= s:
        raise GraphError(
            f"ConvTranspose2d's output padding ({extra}) must be smaller than its "
            f"stride ({s}); lower the output padding."
        )
    oh, ow = ((n - 1) * s - 2 * pad + k + extra for n in (h, w))
    if oh < 1 or ow < 1:
        raise GraphError(
            f"ConvTranspose2d's padding {pad} leaves nothing of a {h}×{w} input; lower the padding."
        )
    return {"out": PortValue("tensor", (p["channels"], oh, ow))}


def _pool(name):
    def infer(p, i):
        c, h, w = image(i["x"], name)
        k, s = p["kernel"], p["stride"]
        _fit(name, "window", k, h, w, 0, "lower its kernel or remove a pooling layer")
        return {"out": PortValue("tensor", (c, _slide(h, k, s), _slide(w, k, s)))}

    return infer


def _infer_upsample(p, i):
    c, h, w = image(i["x"], "Upsample")
    return {"out": PortValue("tensor", (c, h * p["scale"], w * p["scale"]))}


def _conv_count(p, i):
    c = i["x"].shape[0]
    return (c * p["kernel"] ** 2 + int(p["bias"])) * p["channels"]


def _window_params(kernel_help: str) -> tuple[Param, ...]:
    return (
        Param("kernel", "int", 2, low=1, high=8, help=kernel_help),
        Param("stride", "int", 2, low=1, high=8, help="How far the window moves each step."),
    )


NODES = [
    NodeType(
        "Conv2d",
        "Image",
        X,
        OUT,
        (
            Param("channels", "int", 8, low=1, high=1024, help="Number of filters, one output channel each."),
            Param("kernel", "int", 3, low=1, high=15, help="Width and height of each filter."),
            Param(
                "stride",
                "int",
                1,
                low=1,
                high=8,
                help="How far the filter moves each step; 2 halves the image.",
            ),
            Param(
                "padding",
                "int",
                1,
                low=0,
                high=8,
                help="Zeros added around the image; kernel 3 with padding 1 keeps its size.",
            ),
            Param("bias", "bool", True, help="Add a learned offset to every channel."),
            Param(
                "init",
                "choice",
                "default",
                INITS,
                help="How the filters start; biases start at zero (except 'default', PyTorch's own).",
            ),
        ),
        infer=_infer_conv,
        count_params=_conv_count,
        doc="Slides learned filters over the image: each output channel is one filter's "
        "response at every position.",
    ),
    NodeType(
        "ConvTranspose2d",
        "Image",
        X,
        OUT,
        (
            Param("channels", "int", 8, low=1, high=1024, help="Number of output channels."),
            Param("kernel", "int", 2, low=1, high=15, help="Width and height of each filter."),
            Param(
                "stride",
                "int",
                2,
                low=1,
                high=8,
                help="How far apart input pixels land in the output; 2 doubles the image.",
            ),
            Param("padding", "int", 0, low=0, high=8, help="Pixels trimmed from every border of the output."),
            Param(
                "output_padding",
                "int",
                0,
                low=0,
                high=7,
                help="Extra rows and columns added on one side, to hit an odd size.",
            ),
            Param("bias", "bool", True, help="Add a learned offset to every channel."),
        ),
        infer=_infer_deconv,
        count_params=_conv_count,
        doc="A learned upsampling: the reverse of a strided convolution (decoders).",
    ),
    NodeType(
        "MaxPool2d",
        "Image",
        X,
        OUT,
        _window_params("Width and height of the window whose largest value is kept."),
        infer=_pool("MaxPool2d"),
        doc="Keeps the largest value of each window: a smaller image of the strongest responses.",
    ),
    NodeType(
        "AvgPool2d",
        "Image",
        X,
        OUT,
        _window_params("Width and height of the window that is averaged."),
        infer=_pool("AvgPool2d"),
        doc="Averages each window: a smaller, smoother image.",
    ),
    NodeType(
        "Upsample",
        "Image",
        X,
        OUT,
        (
            Param(
                "scale",
                "int",
                2,
                low=1,
                high=8,
                help="How many times larger the image gets in each direction.",
            ),
            Param(
                "mode",
                "choice",
                "nearest",
                ("nearest", "bilinear"),
                help="nearest repeats pixels; bilinear blends neighbours.",
            ),
        ),
        infer=_infer_upsample,
        doc="Enlarges the image without learned weights.",
    ),
]
