"""Probes for image classifiers (issue 10, vision views): class probabilities of the
gallery's samples, the test set's confusion matrix, the kernels of a conv layer and
the feature maps of any image-shaped layer for one test sample.

All run on the worker between steps, in eval mode and without gradients, and return
numpy copies.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from engine.probes.registry import COSTLY, register

GALLERY = 48  # test samples the gallery shows (app/views/sample_grid.MAX_SAMPLES)
BATCH = 512  # test samples per forward pass for the confusion matrix
CONFUSION_RATE = 1.0  # a second, at most: it runs the whole test set (bench/vision_probes.py)


def _classifier(ctx) -> bool:
    model = getattr(ctx, "model", None)
    if model is None or ctx.dataset.is_2d or not ctx.dataset.classes:
        return False
    main = model.main
    return main.on_data and main.loss in ("bce", "cross_entropy")


def _images(ctx) -> bool:
    return getattr(ctx, "model", None) is not None and np.ndim(ctx.dataset.x_test) == 4


class _Eval:
    """The model in eval mode (dropout, batch norm) and without gradients, restored after."""

    def __init__(self, model) -> None:
        self.model, self.grad = model, torch.inference_mode()

    def __enter__(self):
        self.was_training = self.model.training
        self.model.eval()
        self.grad.__enter__()
        return self.model

    def __exit__(self, *exc) -> None:
        self.grad.__exit__(*exc)
        self.model.train(self.was_training)


def _probabilities(ctx, x: torch.Tensor) -> torch.Tensor:
    """(N, K) class probabilities of the main head for inputs ``x``."""
    with _Eval(ctx.model) as model:
        out = model(x).float()
    if ctx.model.main.loss == "bce":
        p = torch.sigmoid(out[:, 0])
        return torch.stack([1 - p, p], 1)
    return torch.softmax(out, 1)


def _x_test(ctx) -> torch.Tensor:
    x = getattr(ctx, "x_test", None)
    if x is None:
        x = torch.as_tensor(ctx.dataset.x_test, device=ctx.device)
    return x


def class_probabilities(ctx, args) -> dict:
    """The first ``count`` test samples' class probabilities (N, K) and classes (N,)."""
    count = args["count"]
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError(f"count must be a whole number of at least 1, not {count!r}")
    probs = _probabilities(ctx, _x_test(ctx)[:count]).cpu().numpy()
    return {"probabilities": probs.astype(np.float32), "predicted": probs.argmax(1).astype(np.int64)}


def confusion(ctx, _args) -> dict:
    """``matrix[t, p]``: how many test samples of class t the network calls p; and
    every test sample's predicted class (``predicted``), so a view can find the
    samples behind a cell."""
    x = _x_test(ctx)
    k = max(int(ctx.dataset.classes), 2)
    predicted = np.concatenate(
        [_probabilities(ctx, x[i : i + BATCH]).argmax(1).cpu().numpy() for i in range(0, len(x), BATCH)]
    ).astype(np.int64)
    truth = np.asarray(ctx.dataset.y_test).reshape(-1).astype(np.int64)
    matrix = np.bincount(truth * k + predicted, minlength=k * k).reshape(k, k)
    return {"matrix": matrix.astype(np.int64), "predicted": predicted}


def conv_layers(model) -> list[str]:
    """The node ids of ``model``'s 2-D convolutions, in the graph's order."""
    return [n for n, _, _ in model.steps if isinstance(model.layers[n], nn.Conv2d)]


def image_layers(model, x: torch.Tensor) -> dict[str, str]:
    """node id -> key of its first output, for the layers whose output is (N, C, H, W)."""
    with _Eval(model) as m:
        vals = m.values(x[:1])
    return {n: out for n, out, _ in model.steps if vals[out].ndim == 4}


def _choose(layer, known: list[str], what: str) -> str:
    if not known:
        raise ValueError(f"this network has no {what}")
    if layer is None:
        return known[0]
    if layer not in known:
        raise ValueError(f"there is no {what} '{layer}'; choose one of {', '.join(known)}")
    return layer


def kernels(ctx, args) -> dict:
    """The weights (out, in, kh, kw) of conv layer ``layer`` (None: the first)."""
    layer = _choose(args["layer"], conv_layers(ctx.model), "convolution layer")
    weight = ctx.model.layers[layer].weight.detach().float().cpu().numpy().copy()
    return {"kernels": weight, "layer": np.array(layer), "epoch": np.array(int(getattr(ctx, "epoch", 0)))}


def feature_maps(ctx, args) -> dict:
    """Every channel (C, H, W) of layer ``layer`` (None: the first image-shaped one)
    for test sample ``sample``, with that sample's image (C_in, H_in, W_in)."""
    x = _x_test(ctx)
    sample = args["sample"]
    if not isinstance(sample, int) or isinstance(sample, bool) or not 0 <= sample < len(x):
        raise ValueError(f"sample must be a test sample from 0 to {len(x) - 1}, not {sample!r}")
    layers = image_layers(ctx.model, x)
    layer = _choose(args["layer"], list(layers), "layer with image-shaped output")
    with _Eval(ctx.model) as model:
        maps = model.values(x[sample : sample + 1])[layers[layer]][0].float().cpu().numpy().copy()
    image = np.array(ctx.dataset.x_test[sample], np.float32)
    return {"maps": maps, "image": image, "sample": np.array(sample), "layer": np.array(layer)}


register(
    "class_probabilities",
    class_probabilities,
    applies=_classifier,
    args={"count": GALLERY},
    max_per_second=4.0,
)
register("confusion", confusion, cost=COSTLY, max_per_second=CONFUSION_RATE, applies=_classifier)
register("kernels", kernels, applies=_images, args={"layer": None}, max_per_second=4.0)
register("feature_maps", feature_maps, cost=COSTLY, applies=_images, args={"layer": None, "sample": 0})
