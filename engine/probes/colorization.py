"""The ``colorization`` probe (issue #12, L4): for the first test patches of the
photo-colour set, the grey input, the network's colouring and the true colours as sRGB
pictures, with the test error of the predicted a*, b* and that of the gray-mean
baseline (every pixel given the training set's mean a*, b*), both in the set's scaled
units (a*, b* / AB_SCALE), mean squared over pixels and both channels."""

from __future__ import annotations

import numpy as np
import torch

from engine.data.colorization import to_rgb

BATCH = 256  # test patches per forward pass


def applies(ctx) -> bool:
    ds = getattr(ctx, "dataset", None)
    return getattr(ctx, "model", None) is not None and ds is not None and ds.name == "photo-colour"


def _predict(ctx, x: np.ndarray) -> np.ndarray:
    model, was_training = ctx.model, ctx.model.training
    model.eval()
    try:
        with torch.inference_mode():
            outs = [
                model(torch.as_tensor(x[i : i + BATCH], device=ctx.device)).float().cpu().numpy()
                for i in range(0, len(x), BATCH)
            ]
    finally:
        model.train(was_training)
    return np.concatenate(outs)


def baseline_error(ds) -> float:
    """Mean squared error on the test set of predicting the training set's mean a*, b*."""
    mean = ds.y_train.mean(axis=(0, 2, 3), dtype=np.float64)[None, :, None, None]
    return float(np.mean((ds.y_test - mean) ** 2))


def colorization(ctx, args) -> dict[str, np.ndarray | np.generic]:
    ds, count = ctx.dataset, int(args["count"])
    if not 1 <= count <= 64:
        raise ValueError(f"count must be from 1 to 64, not {count}")
    pred = _predict(ctx, ds.x_test)
    shown = slice(0, min(count, len(ds.x_test)))
    x, y = ds.x_test[shown], ds.y_test[shown]
    return {
        "grey": to_rgb(x).astype(np.float32),
        "prediction": to_rgb(x, pred[shown]).astype(np.float32),
        "truth": to_rgb(x, y).astype(np.float32),
        "error": np.float64(np.mean((pred.astype(np.float64) - ds.y_test) ** 2)),
        "baseline": np.float64(baseline_error(ds)),
        "epoch": np.int64(ctx.epoch),
    }
