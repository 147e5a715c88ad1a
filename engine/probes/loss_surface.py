"""The ``loss-surface`` probe (issue #12, L2): the mean squared error of the line
y = w·x₁ + b over a grid of (w, b), and the paths that full-batch gradient descent,
mini-batch SGD and mini-batch SGD with momentum take on it from the same start, with
the same learning rate and the same number of epochs (GD: one step an epoch, the
others one a batch). Computed in numpy on the training points of a 1-D regression set,
so the three optimisers run side by side whatever the window trains.

Straightness is the distance from a path's start to its end over the path's length:
1 for a straight path, near 0 for one that zig-zags in place."""

from __future__ import annotations

import numpy as np

from engine.data.regression1d import SETS

# start_w, start_b: where every path starts, as an offset from the least-squares optimum
ARGS = {
    "epochs": 10,
    "batch": 10,
    "learning_rate": 0.0,
    "momentum": 0.9,
    "size": 64,
    "seed": 0,
    "start_w": -1.0,
    "start_b": 1.5,
}
LEVELS = 12  # contour lines, spaced evenly in log(loss − minimum)


def applies(ctx) -> bool:
    return getattr(getattr(ctx, "dataset", None), "name", None) in SETS


def mse_grad(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∇ of mean((w₀x + w₁ − y)²) with respect to (w₀, w₁)."""
    r = w[0] * x + w[1] - y
    return np.array([2 * np.mean(r * x), 2 * np.mean(r)])


def descend(x, y, start, lr, epochs, batch, momentum, rng) -> np.ndarray:
    """The (w, b) after every step of mini-batch descent (batch ≥ len(x): full batch),
    heavy-ball momentum v ← μv + ∇, w ← w − ηv (torch's SGD), the start first."""
    w, v, path = np.array(start, np.float64), np.zeros(2), [np.array(start, np.float64)]
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), batch):
            idx = order[i : i + batch]
            v = momentum * v + mse_grad(w, x[idx], y[idx])
            w = w - lr * v
            path.append(w.copy())
    return np.array(path)


def straightness(path: np.ndarray) -> float:
    length = float(np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1)))
    return float(np.linalg.norm(path[-1] - path[0]) / length) if length > 0 else 1.0


def loss_surface(ctx, args) -> dict:
    epochs, batch, size = int(args["epochs"]), int(args["batch"]), int(args["size"])
    lr, momentum = float(args["learning_rate"]), float(args["momentum"])
    if lr <= 0:  # 0: the project's own learning rate
        lr = float(ctx.project.train.learning_rate)
    if not (1 <= epochs <= 200 and 1 <= batch and 8 <= size <= 256 and 0 <= momentum < 1 and np.isfinite(lr)):
        raise ValueError(
            "The loss surface takes 1–200 epochs, a batch of at least 1, a grid of 8–256 "
            "and a momentum in [0, 1); change the one out of range."
        )
    ds = ctx.dataset
    x, y = ds.x_train[:, 0].astype(np.float64), np.asarray(ds.y_train, np.float64).reshape(-1)
    a = np.column_stack([x, np.ones(len(x))])
    best = np.linalg.lstsq(a, y, rcond=None)[0]
    start = best + np.array([float(args["start_w"]), float(args["start_b"])])
    seed = int(args["seed"])
    paths = {
        "gd": descend(x, y, start, lr, epochs, len(x), 0.0, np.random.default_rng(seed)),
        "sgd": descend(x, y, start, lr, epochs, batch, 0.0, np.random.default_rng(seed)),
        "momentum": descend(x, y, start, lr, epochs, batch, momentum, np.random.default_rng(seed)),
    }
    every = np.vstack([best[None], *(p[np.isfinite(p).all(1)] for p in paths.values())])
    lo, hi = every.min(0), every.max(0)
    pad = 0.15 * np.maximum(hi - lo, 0.2)
    ws = np.linspace(lo[0] - pad[0], hi[0] + pad[0], size)
    bs = np.linspace(lo[1] - pad[1], hi[1] + pad[1], size)
    # mean((w x + b − y)²) expanded in the data's moments: cheap on any grid
    m = {k: float(np.mean(v)) for k, v in {"xx": x * x, "x": x, "xy": x * y, "y": y, "yy": y * y}.items()}
    wg, bg = np.meshgrid(ws, bs, indexing="ij")
    loss = wg**2 * m["xx"] + 2 * wg * bg * m["x"] + bg**2 - 2 * wg * m["xy"] - 2 * bg * m["y"] + m["yy"]
    out: dict = {"w": ws, "b": bs, "loss": loss, "optimum": best, "start": start}
    out["contours"] = contours(ws, bs, loss)
    for name, path in paths.items():
        out[f"path_{name}"] = path
        out[f"{name}_straightness"] = np.float64(straightness(path))
        out[f"{name}_length"] = np.float64(np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1)))
        out[f"{name}_distance"] = np.float64(np.linalg.norm(path[-1] - best))  # from the optimum at the end
    current = _trained_line(ctx)
    if current is not None:
        out["trained"] = current
    return out


def _trained_line(ctx) -> np.ndarray | None:
    """The running network's (w, b) when it is one Dense layer reading x₁ alone."""
    import torch

    model = getattr(ctx, "model", None)
    dense = [] if model is None else [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    if len(dense) != 1 or dense[0].weight.shape != (1, 1) or dense[0].bias is None:
        return None
    return np.array([float(dense[0].weight.detach()[0, 0]), float(dense[0].bias.detach()[0])])


def contours(ws: np.ndarray, bs: np.ndarray, loss: np.ndarray) -> np.ndarray:
    """Contour lines of ``loss`` as rows (w, b), each line ended by a row of NaN."""
    from skimage.measure import find_contours

    excess = loss - loss.min() + 1e-12
    top = np.log(excess.max())
    bottom = max(np.log(np.percentile(excess, 0.5)), top - 12)
    rows = []
    for level in np.linspace(bottom, top, LEVELS + 2)[1:-1]:
        for c in find_contours(np.log(excess), level):
            w = np.interp(c[:, 0], np.arange(len(ws)), ws)
            b = np.interp(c[:, 1], np.arange(len(bs)), bs)
            rows.append(np.column_stack([w, b]))
            rows.append(np.full((1, 2), np.nan))
    return np.vstack(rows) if rows else np.empty((0, 2))
