"""Node types that join or split values, sample latents, and turn predictions into losses."""

from __future__ import annotations

from engine.errors import GraphError
from engine.graph.nodetype import LOSSES, NodeType, Param, Port, PortValue, shape_text, tensor

OUT = (Port("out"),)
LOSS = PortValue("loss", ())
LOSS_NAMES = {"cross_entropy": "Cross-entropy", "bce": "Binary cross-entropy", "mse": "MSE", "l1": "L1"}


def _infer_add(p, i):
    a, b = tensor(i["a"], "Add", "a"), tensor(i["b"], "Add", "b")
    if a.shape != b.shape:
        raise GraphError(f"Add needs inputs of one shape; it gets {a} and {b}.")
    return {"out": a}


def _infer_concat(p, i):
    parts = [tensor(i[k], "Concat", k) for k in ("a", "b", "c", "d") if k in i]
    first = parts[0]
    for other in parts[1:]:
        if len(other.shape) != len(first.shape) or other.shape[1:] != first.shape[1:]:
            raise GraphError(
                f"Concat joins its inputs along dimension 1, so their other "
                f"dimensions must match; it gets {first} and {other}."
            )
    width = sum(v.shape[0] for v in parts)
    return {"out": PortValue("tensor", (width, *first.shape[1:]))}


def _infer_split(p, i):
    x = tensor(i["x"], "Split")
    what = "channels" if len(x.shape) == 3 else "features"
    n, first = x.shape[0], p["first"]
    if first >= n:
        raise GraphError(
            f"Split takes the first {first} of {n} {what} for 'a', leaving none for 'b'; lower 'first'."
        )
    rest = x.shape[1:]
    return {"a": PortValue("tensor", (first, *rest)), "b": PortValue("tensor", (n - first, *rest))}


def _infer_sampling(p, i):
    mean, logvar = tensor(i["mean"], "Sampling", "mean"), tensor(i["logvar"], "Sampling", "logvar")
    if mean.shape != logvar.shape:
        raise GraphError(
            f"Sampling needs a mean and a log-variance of one shape; it gets {mean} and {logvar}."
        )
    return {"z": mean, "kl": LOSS}


def _check_class_target(loss: str, pred: PortValue, target: PortValue) -> None:
    if loss == "cross_entropy":
        if target.classes is None:
            raise GraphError(
                "Cross-entropy needs class labels; this dataset is a regression "
                "task, so choose the MSE or L1 loss."
            )
        if pred.shape != (target.classes,):
            raise GraphError(
                f"Cross-entropy over {target.classes} classes expects "
                f"(N, {target.classes}); this port gives {pred}."
            )
    elif loss == "bce":
        if target.classes != 2:
            raise GraphError(
                "Binary cross-entropy needs a two-class dataset; "
                "use cross-entropy for more classes or MSE for regression."
            )
        if pred.shape != (1,):
            raise GraphError(f"Binary cross-entropy expects one logit (N, 1); this port gives {pred}.")
    else:
        if target.classes is not None:
            raise GraphError(
                f"{LOSS_NAMES[loss]} compares numbers; this dataset has class "
                "labels, so choose cross-entropy."
            )
        if pred.shape != target.shape:
            raise GraphError(
                f"{LOSS_NAMES[loss]} expects predictions shaped like the targets "
                f"{shape_text(target.shape)}; this port gives {pred}."
            )


def _infer_output(p, i):
    pred, target, loss = tensor(i["pred"], "Output", "pred"), i["target"], p["loss"]
    if target.kind == "target":
        _check_class_target(loss, pred, target)
    elif loss == "cross_entropy":
        raise GraphError(
            f"Cross-entropy needs class labels on 'target'; this port gives the "
            f"tensor {target}, so connect an Input's y or choose MSE, L1 or BCE."
        )
    elif pred.shape != target.shape:
        raise GraphError(
            f"{LOSS_NAMES[loss]} expects predictions shaped like the target {target}; this port gives {pred}."
        )
    return {"loss": LOSS}


def _infer_losssum(p, i):
    return {"total": LOSS}


NODES = [
    NodeType(
        "Add",
        "Merge",
        (Port("a"), Port("b")),
        OUT,
        (),
        infer=_infer_add,
        doc="Adds two tensors of one shape (residual connection).",
    ),
    NodeType(
        "Concat",
        "Merge",
        (Port("a"), Port("b"), Port("c"), Port("d")),
        OUT,
        (),
        infer=_infer_concat,
        optional_inputs=("c", "d"),
        doc="Joins two to four tensors along dimension 1 (features or channels).",
    ),
    NodeType(
        "Split",
        "Merge",
        (Port("x"),),
        (Port("a"), Port("b")),
        (
            Param(
                "first",
                "int",
                1,
                low=1,
                high=65536,
                help="How many features (or channels) go to 'a'; the rest go to 'b'.",
            ),
        ),
        infer=_infer_split,
        doc="Cuts a tensor in two along dimension 1, e.g. into a mean and a log-variance.",
    ),
    NodeType(
        "Sampling",
        "Generative",
        (Port("mean"), Port("logvar")),
        (Port("z"), Port("kl", "loss")),
        (),
        infer=_infer_sampling,
        doc="A VAE's latent: z = mean + exp(logvar / 2) · noise while training, the mean "
        "otherwise; kl is the KL divergence from a standard normal.",
    ),
    NodeType(
        "Output",
        "Output",
        (Port("pred"), Port("target", "target", accepts=("target", "tensor"))),
        (Port("loss", "loss"),),
        (
            Param(
                "loss",
                "choice",
                "bce",
                LOSSES,
                help="cross_entropy: classes; bce: two classes or values in [0, 1]; mse and l1: numbers.",
            ),
            Param("weight", "float", 1.0, low=0.0, live=True, help="Weight of this loss in the total."),
        ),
        infer=_infer_output,
        doc="A prediction head and the loss that trains it: against the dataset's "
        "targets, or against any tensor (an autoencoder's input).",
    ),
    NodeType(
        "LossSum",
        "Output",
        (Port("a", "loss"), Port("b", "loss"), Port("c", "loss"), Port("d", "loss")),
        (Port("total", "loss"),),
        tuple(
            Param(f"w{k}", "float", 1.0, low=0.0, live=True, help=f"Weight of the loss on '{k}'.")
            for k in "abcd"
        ),
        infer=_infer_losssum,
        optional_inputs=("c", "d"),
        doc="A weighted sum of two to four losses, e.g. a VAE's reconstruction and KL.",
    ),
]
