"""The feature embedding probe: a layer's features for the test set laid out in 2-D.

PCA gives a picture at once; openTSNE then optimises the layout a time budget at a
time, so each snapshot shows it further along. When training changes the features,
the next refresh rebuilds the affinities and warm-starts from the previous layout
(no early exaggeration), so the points move smoothly instead of jumping to a fresh
random-looking layout. Neighbours are found with "exact" (small sets) or "annoy":
never openTSNE's pynndescent path, which JIT-compiles for a minute on first use.

The state lives per trainer and layer (``_STATES``, weakly keyed by the trainer), and
runs only on the worker thread, between training steps.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from engine.probes.finite import finite
from engine.probes.registry import COSTLY, register

# points; up to these, exact neighbours (sklearn's brute force: 1 CPU s for 10,000 points
# of 50 dims, annoy 3.3) and Barnes-Hut gradients (above, FFT's are faster)
EXACT_UP_TO = 20_000
BH_UP_TO = 3000
PCA_DIMS = 50  # t-SNE's neighbours are found in this many principal components
EARLY_ITERATIONS = 100  # with exaggeration, from the PCA layout (cold start)
COLD_ITERATIONS = 200  # without exaggeration, after the early phase
WARM_ITERATIONS = 100  # a refresh from the previous layout
CHUNK = 25  # iterations between looks at the clock
BUDGET_S = 0.3  # seconds of optimisation a snapshot may take while training plays
PAUSED_BUDGET_S = 0.5  # seconds a paused worker spends on one request
RATE = 1.0  # embedding snapshots a second, at most
BATCH = 1024  # test samples per forward pass


def pca_2d(x: np.ndarray, dims: int = 2) -> np.ndarray:
    """The first ``dims`` principal components of ``x`` (N, D), largest first."""
    from sklearn.decomposition import PCA

    x = np.asarray(x, np.float64)
    dims = max(1, min(dims, x.shape[0], x.shape[1]))
    if x.shape[0] < 2 or not (x.std(0) > 0).any():  # e.g. a diverged layer: all one value
        return np.zeros((x.shape[0], dims))
    return finite(PCA(dims, random_state=0, svd_solver="auto").fit_transform(x))


def _perplexity(n: int) -> float:
    return float(max(1.0, min(30.0, (n - 1) / 3.0)))


@dataclass
class Embedder:
    """One t-SNE layout of ``features`` (N, D), optimised progressively.

    ``Embedder(x)`` starts from PCA (``coords`` is the PCA layout until ``step`` runs);
    ``Embedder(x, previous=coords)`` warm-starts from an earlier layout of the same N
    points. ``step(seconds)`` optimises for about that long (None: to the end) and
    returns the layout; ``done`` says when the planned iterations have all run."""

    features: np.ndarray
    previous: np.ndarray | None = None
    threads: int = 1
    iteration: int = 0
    coords: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.features)
        self.warm = self.previous is not None and len(self.previous) == n
        self.plan = (0, WARM_ITERATIONS) if self.warm else (EARLY_ITERATIONS, COLD_ITERATIONS)
        self._embedding: Any = None  # openTSNE's TSNEEmbedding, made by the first step
        if self.warm:  # the previous layout stays on show until the first chunk runs
            self.coords = np.asarray(self.previous, np.float64).copy()
        else:
            pca = pca_2d(np.asarray(self.features, np.float64).reshape(n, -1))
            self.coords = np.hstack([pca, np.zeros((n, 2 - pca.shape[1]))]) if pca.shape[1] < 2 else pca
        if n < 4 or not np.ptp(self.coords) > 0:  # too few or identical points: PCA is all there is
            self.plan = (0, 0)

    def _prepare(self) -> None:
        """The neighbours' affinities and the optimiser: not in the constructor, so that
        the first picture (PCA) costs only the PCA."""
        from openTSNE import TSNEEmbedding, affinity, initialization

        x = np.asarray(self.features, np.float64).reshape(len(self.features), -1)
        n = len(x)
        reduced = pca_2d(x, PCA_DIMS) if x.shape[1] > PCA_DIMS else x
        method = "exact" if n <= EXACT_UP_TO else "annoy"
        aff = affinity.PerplexityBasedNN(
            reduced, perplexity=_perplexity(n), method=method, n_jobs=self.threads, random_state=0
        )
        start = self.coords.copy() if self.warm else initialization.rescale(self.coords)
        self._embedding = TSNEEmbedding(
            start,
            aff,
            negative_gradient_method="bh" if n <= BH_UP_TO else "fft",
            learning_rate="auto",
            n_jobs=self.threads,
            random_state=0,
        )

    @property
    def total(self) -> int:
        return sum(self.plan)

    @property
    def done(self) -> bool:
        return self.iteration >= self.total

    def step(self, seconds: float | None = BUDGET_S) -> np.ndarray:
        end = None if seconds is None else time.perf_counter() + seconds
        if not self.done and self._embedding is None:
            self._prepare()
        first = True  # at least one chunk a step, however long the affinities took
        while not self.done and (first or end is None or time.perf_counter() < end):
            first = False
            early = self.iteration < self.plan[0]
            limit = self.plan[0] if early else self.total
            n_iter = min(CHUNK, limit - self.iteration)
            self._embedding = self._embedding.optimize(
                n_iter,
                exaggeration=12.0 if early else None,
                momentum=0.5 if early else 0.8,
                inplace=True,
            )
            self.iteration += n_iter
            self.coords = np.array(self._embedding)
        return self.coords


@dataclass
class _LayerState:
    step: int  # the trainer's step the features were taken at
    generation: int
    embedder: Embedder
    labels: np.ndarray


# trainer -> layer -> state; weak so a closed session's layouts go with it
_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def layers(model) -> list[str]:
    """The layers an embedding can show: the inputs, then every node with a tensor out."""
    return list(model.inputs) + [node for node, _, _ in model.steps]


def default_layer(model) -> str:
    """The layer feeding the main head's prediction (the most class-shaped features)."""
    pred_node = model.main.pred.split(".")[0]
    for node, _out, ins in model.steps:
        if node == pred_node and ins:
            return ins[0].split(".")[0]
    return layers(model)[-1]


def _key(model, layer: str) -> str:
    if layer in model.inputs:
        return f"{layer}.x"
    for node, out, _ in model.steps:
        if node == layer:
            return out
    raise ValueError(f"there is no layer '{layer}'; the layers are {', '.join(layers(model))}")


@torch.inference_mode()
def layer_features(model, x: np.ndarray, layer: str, device=None) -> np.ndarray:
    """``layer``'s output for every row of ``x``, flattened to (N, D) float32."""
    key = _key(model, layer)
    if device is None:
        device = next((p.device for p in model.parameters()), torch.device("cpu"))
    was_training = model.training
    model.eval()
    try:
        parts = []
        for i in range(0, len(x), BATCH):
            xb = torch.as_tensor(x[i : i + BATCH], dtype=torch.float32, device=device)
            parts.append(model.values(xb)[key].reshape(len(xb), -1).float().cpu().numpy())
    finally:
        model.train(was_training)
    # a diverged layer is drawn as clipped values rather than failing in PCA (issue #14)
    return finite(np.concatenate(parts)) if parts else np.zeros((0, 0), np.float32)


def embedding(ctx, args) -> dict:
    """The probe: {"coords" (N, 2), "features" (N, D), "labels" (N,), "layer", "stage"
    ("pca" or "tsne"), "iteration", "iterations", "done"}. While training plays each call
    optimises for ``seconds``; a paused worker for PAUSED_BUDGET_S (the view asks again
    until ``done``); a call on the main thread (``nodeplay render``, scripts) to the end."""
    model = ctx.model
    layer = args["layer"] or default_layer(model)
    if not isinstance(layer, str):
        raise ValueError(f"layer must be a layer's name, not {layer!r}")
    seconds = args["seconds"]
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 < seconds <= 10:
        raise ValueError(f"seconds must be a number above 0 and at most 10, not {seconds!r}")
    _key(model, layer)  # a sentence naming the layers when it is not one
    states = _STATES.setdefault(ctx, {})
    state = states.get(layer)
    generation, step = getattr(ctx, "generation", 0), getattr(ctx, "step", 0)
    fresh = state is None or state.generation != generation
    playing = bool(getattr(ctx, "playing", False))
    if fresh or (state.step != step and state.embedder.done):
        # new features: cold start from PCA, or warm start from the layout so far
        features = layer_features(model, ctx.dataset.x_test, layer, getattr(ctx, "device", None))
        previous = None if fresh else state.embedder.coords
        labels = np.asarray(ctx.dataset.y_test).reshape(len(features), -1)[:, 0]
        state = _LayerState(step, generation, Embedder(features, previous, threads=1), labels)
        if fresh:  # one layer's layout kept: a big layer's features weigh megabytes
            states.clear()
        states[layer] = state
        if fresh and playing:
            return _value(layer, state)  # the first picture: PCA at once, t-SNE from the next on
    if playing:
        budget: float | None = seconds
    elif threading.current_thread() is threading.main_thread():
        budget = None  # a script or ``nodeplay render``: no one waits, finish the layout
    else:  # a paused worker: keep it ready for Play; the view asks for the rest
        budget = PAUSED_BUDGET_S
    state.embedder.step(budget)
    return _value(layer, state)


def _value(layer: str, state: _LayerState) -> dict:
    e = state.embedder
    return {
        "coords": e.coords.astype(np.float32),
        "features": np.asarray(e.features, np.float32),
        "labels": state.labels.copy(),
        "layer": layer,
        "stage": "tsne" if e.iteration or e.warm else "pca",
        "iteration": e.iteration,
        "iterations": e.total,
        "done": e.done,
    }


register(
    "embedding",
    embedding,
    cost=COSTLY,
    max_per_second=RATE,
    applies=lambda ctx: getattr(ctx, "model", None) is not None and getattr(ctx, "dataset", None) is not None,
    args={"layer": None, "seconds": BUDGET_S},
)
