"""Attribution maps: which pixels of one test image the network's answer depends on.

Five methods, computed with Captum (imported inside the functions: it loads
matplotlib, which a worker that never shows a saliency map should not pay for):
vanilla gradient, SmoothGrad, Integrated Gradients, occlusion and Grad-CAM on the
last convolution. The sanity check (Adebayo et al., 2018) computes the same map on a
copy of the network with its weights randomised, never on the trained one: a map that
barely changes does not depend on what the network learned.
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

METHODS = ("gradient", "smoothgrad", "integrated-gradients", "occlusion", "grad-cam")
SMOOTH_SAMPLES = 16  # noisy copies SmoothGrad averages, in one batch
SMOOTH_NOISE = 0.15  # its noise, as a share of the data's range
IG_STEPS = 32  # points on the path from the baseline, in one batch
RANDOM_SEED = 1234  # the randomised copy's weights: the same map on every refresh


def check_method(method) -> str:
    if method not in METHODS:
        raise ValueError(f"there is no attribution method {method!r}; choose one of {', '.join(METHODS)}")
    return method


def check_sample(dataset, sample) -> int:
    n = len(dataset.x_test)
    if not isinstance(sample, int) or isinstance(sample, bool) or not 0 <= sample < n:
        raise ValueError(f"sample must be a test sample's index from 0 to {n - 1}, not {sample!r}")
    return sample


def check_target(classes: int, target) -> int | None:
    if target is None:
        return None
    if not isinstance(target, int) or isinstance(target, bool) or not 0 <= target < classes:
        raise ValueError(f"class {target!r} does not exist; the classes are 0 to {classes - 1}")
    return target


def last_conv(model: nn.Module) -> nn.Module | None:
    """The last convolution of the network (Grad-CAM looks at its channels)."""
    convs = [m for m in model.modules() if isinstance(m, nn.modules.conv._ConvNd)]
    return convs[-1] if convs else None


def randomised(model: nn.Module) -> nn.Module:
    """A copy of ``model`` with every layer's weights drawn afresh (the trained model
    is left as it is)."""
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    twin = copy.deepcopy(model).cpu()
    # drawn on the CPU from a fixed seed, leaving the training's random stream as it was
    with torch.random.fork_rng(devices=[]):
        torch.random.default_generator.manual_seed(RANDOM_SEED)  # the CPU one only
        for m in twin.modules():
            reset = getattr(m, "reset_parameters", None)
            if m is not twin and callable(reset):
                reset()
    return twin.to(device)


def occlusion_window(height: int) -> tuple[int, int]:
    """(window, stride) for an image ``height`` pixels high: about a seventh of it."""
    window = max(2, height // 7)
    return window, max(1, window // 2)


def attribute(model: nn.Module, x: torch.Tensor, target: int, method: str, *, span: float = 1.0) -> dict:
    """The ``method`` map of ``model``'s logit ``target`` for one input ``x`` (1, C, H, W),
    as a float32 array (C, H, W); ``span``: the data's range (SmoothGrad's noise).
    Integrated Gradients also gives ``delta``: the completeness gap
    sum(map) - (f(x) - f(0))."""
    import captum.attr as ca  # lazily: captum imports matplotlib

    check_method(method)
    was_training = model.training
    model.eval()
    x = x.detach().clone().requires_grad_(True)
    out: dict = {}
    try:
        with torch.enable_grad():
            if method == "gradient":
                attr = ca.Saliency(model).attribute(x, target=target, abs=False)
            elif method == "smoothgrad":
                attr = ca.NoiseTunnel(ca.Saliency(model)).attribute(
                    x,
                    nt_type="smoothgrad",
                    nt_samples=SMOOTH_SAMPLES,
                    nt_samples_batch_size=SMOOTH_SAMPLES,
                    stdevs=SMOOTH_NOISE * span,
                    target=target,
                    abs=False,
                )
            elif method == "integrated-gradients":
                attr, delta = ca.IntegratedGradients(model).attribute(
                    x,
                    baselines=torch.zeros_like(x),
                    target=target,
                    n_steps=IG_STEPS,
                    internal_batch_size=IG_STEPS,
                    return_convergence_delta=True,
                )
                out["delta"] = np.float32(delta.detach().abs().max().item())
            elif method == "occlusion":
                window, stride = occlusion_window(x.shape[-2])
                shape = (x.shape[1], window, window)
                attr = ca.Occlusion(model).attribute(
                    x,
                    sliding_window_shapes=shape,
                    strides=(x.shape[1], stride, stride),
                    baselines=0.0,
                    target=target,
                    perturbations_per_eval=256,
                )
            else:
                conv = last_conv(model)
                if conv is None:
                    raise ValueError(
                        "Grad-CAM looks at a convolution layer and this network has none; "
                        "choose another method"
                    )
                cam = ca.LayerGradCam(model, conv).attribute(x, target=target, relu_attributions=True)
                cam = ca.LayerAttribution.interpolate(cam, tuple(x.shape[-2:]), "bilinear")
                attr = cam.expand(-1, x.shape[1], -1, -1)
    finally:
        model.train(was_training)
    out["attribution"] = attr.detach()[0].float().cpu().numpy().copy()
    return out


def _scores(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return torch.softmax(model(x).float(), 1)[0]
    finally:
        model.train(was_training)


def attribution_probe(ctx, args) -> dict:
    """The probe "attribution": {attribution (C, H, W), image, sample, method (str
    array), target, predicted, label, probabilities, randomised}."""
    dataset = ctx.dataset
    sample = check_sample(dataset, args["sample"])
    method = check_method(args["method"])
    model = ctx.model
    x = torch.as_tensor(dataset.x_test[sample : sample + 1], device=ctx.device)
    scores = _scores(model, x)
    target = check_target(len(scores), args["target"])
    predicted = int(scores.argmax())
    if target is None:
        target = predicted
    span = float(dataset.x_train.max() - dataset.x_train.min()) or 1.0
    shown = randomised(model) if args["randomise"] else model
    out = attribute(shown, x, target, method, span=span)
    out.update(
        image=np.asarray(dataset.x_test[sample], np.float32).copy(),
        sample=np.int64(sample),
        method=np.array(method),
        target=np.int64(target),
        predicted=np.int64(predicted),
        label=np.asarray(dataset.y_test[sample]).copy(),
        probabilities=scores.cpu().numpy().copy(),
        randomised=np.bool_(bool(args["randomise"])),
    )
    return out


def on_images(ctx) -> bool:
    """A classifier of images: something to attribute."""
    model = getattr(ctx, "model", None)
    x = getattr(getattr(ctx, "dataset", None), "x_test", None)
    return model is not None and x is not None and x.ndim == 4 and model.main.loss == "cross_entropy"
