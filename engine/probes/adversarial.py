"""Adversarial inputs by the fast gradient sign method (Goodfellow et al., 2014):
x' = clip(x + ε · sign(∇ₓ loss(f(x), y))), one gradient per image.

ε is a share of the data's range (0.1 moves every pixel by a tenth of black-to-white)
and the result stays inside that range, so it is still a valid image.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812 - torch's usual name

from engine.probes.attribution import check_sample

CURVE_EPSILONS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
CURVE_LIMIT = 1000  # test samples the curve is computed on (the first ones)
BATCH = 500


def check_epsilon(epsilon) -> float:
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or not 0 <= epsilon <= 1:
        raise ValueError(
            f"epsilon must be a number from 0 to 1 (a share of the data's range), not {epsilon!r}"
        )
    return float(epsilon)


def data_range(dataset) -> tuple[float, float]:
    lo, hi = float(dataset.x_train.min()), float(dataset.x_train.max())
    return lo, (hi if hi > lo else lo + 1.0)


def fgsm(model, x: torch.Tensor, y: torch.Tensor, epsilon: float, lo: float, hi: float) -> torch.Tensor:
    """The FGSM images of the batch ``x`` with labels ``y`` (the model stays as it is)."""
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            x = x.detach().clone().requires_grad_(True)
            loss = F.cross_entropy(model(x).float(), y.long())
            (grad,) = torch.autograd.grad(loss, x)
    finally:
        model.train(was_training)
    return (x.detach() + epsilon * (hi - lo) * grad.sign()).clamp(lo, hi)


def _classes(model, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            p = torch.softmax(model(x).float(), 1)
    finally:
        model.train(was_training)
    return p.argmax(1), p


def fgsm_probe(ctx, args) -> dict:
    """The probe "fgsm": one test sample attacked with ``epsilon``: {image, adversarial,
    perturbation, label, predicted, adversarial_predicted, probabilities,
    adversarial_probabilities, sample, epsilon}."""
    dataset = ctx.dataset
    sample = check_sample(dataset, args["sample"])
    epsilon = check_epsilon(args["epsilon"])
    lo, hi = data_range(dataset)
    x = torch.as_tensor(dataset.x_test[sample : sample + 1], device=ctx.device)
    y = torch.as_tensor(np.asarray(dataset.y_test[sample : sample + 1]), device=ctx.device)
    adv = fgsm(ctx.model, x, y, epsilon, lo, hi)
    before, p0 = _classes(ctx.model, x)
    after, p1 = _classes(ctx.model, adv)
    return {
        "image": x[0].cpu().numpy().copy(),
        "adversarial": adv[0].cpu().numpy().copy(),
        "perturbation": (adv - x)[0].cpu().numpy().copy(),
        "label": np.int64(int(y[0])),
        "predicted": np.int64(int(before[0])),
        "adversarial_predicted": np.int64(int(after[0])),
        "probabilities": p0[0].cpu().numpy().copy(),
        "adversarial_probabilities": p1[0].cpu().numpy().copy(),
        "sample": np.int64(sample),
        "epsilon": np.float32(epsilon),
    }


def accuracy_curve(model, x: np.ndarray, y: np.ndarray, epsilons, lo: float, hi: float, device) -> np.ndarray:
    """Test accuracy of ``model`` on the FGSM images of (x, y) for each ε."""
    right = np.zeros(len(epsilons))
    for start in range(0, len(x), BATCH):
        xb = torch.as_tensor(x[start : start + BATCH], device=device)
        yb = torch.as_tensor(np.asarray(y[start : start + BATCH]), device=device)
        for i, eps in enumerate(epsilons):
            predicted, _ = _classes(model, fgsm(model, xb, yb, eps, lo, hi) if eps else xb)
            right[i] += int((predicted == yb.long()).sum())
    return right / max(len(x), 1)


def fgsm_curve_probe(ctx, args) -> dict:
    """The probe "fgsm_curve": {epsilons, accuracy} over the first ``limit`` test samples."""
    epsilons = args["epsilons"]
    epsilons = CURVE_EPSILONS if epsilons is None else tuple(check_epsilon(e) for e in epsilons)
    limit = args["limit"]
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ValueError(f"limit must be a whole number of test samples of at least 1, not {limit!r}")
    dataset = ctx.dataset
    lo, hi = data_range(dataset)
    x, y = dataset.x_test[:limit], dataset.y_test[:limit]
    accuracy = accuracy_curve(ctx.model, x, y, epsilons, lo, hi, ctx.device)
    return {"epsilons": np.asarray(epsilons, np.float32), "accuracy": accuracy.astype(np.float32)}
