"""How much a convolution's kernels look like edge detectors, as numbers a lesson checks
(the course's edge-filter and filter-visualization examples).

``sobel-match``: the first convolution's first kernel against the Sobel kernel that the
edge-filter preset's targets were made with: ``sobel_distance`` = ‖k − S‖ / ‖S‖ (0 when
learned exactly) and ``sobel_cosine``.

``filter-edges``: for every kernel of convolution ``layer`` (None: the first), each
input channel's weights with their mean removed, compared with smooth oriented step
edges of the kernel's size at ``orientations`` angles (unit-norm templates):

- ``edge_correlation``: the mean over kernels of the best |cosine| with a template, over
  channels and angles. White noise of 81 weights scores about 0.2; a trained 9×9 edge
  detector 0.5 and more.
- ``edge_chance``: the same score for white noise of the kernels' shape (fixed random
  kernels, computed once per shape): what an untrained layer scores by chance.
- ``low_frequency``: the mean over kernels of the share of the kernel's energy (summed
  over channels) at spatial frequencies of at most ``LOW`` cycles across the kernel; a
  random kernel spreads its energy evenly (about 0.16 for 9×9), smooth edges and colour
  blobs keep most of it low.
"""

from __future__ import annotations

import numpy as np

from engine.data.photos import SOBEL
from engine.probes.vision import _choose, _images, conv_layers

LOW = 2.0  # cycles across the kernel counted as low frequency
SOFTNESS = 1.5  # the edge templates' width, in pixels, of the step from dark to bright


def edge_templates(size: int, orientations: int) -> np.ndarray:
    """(orientations, size, size) unit-norm, zero-mean smooth step edges in a Gaussian
    window, at angles 0, π/n, … (an edge and its negative are one template)."""
    centre = (size - 1) / 2
    y, x = np.mgrid[0:size, 0:size] - centre
    window = np.exp(-(x**2 + y**2) / (2 * (size / 3) ** 2))
    out = []
    for angle in np.arange(orientations) * np.pi / orientations:
        edge = np.tanh((x * np.cos(angle) + y * np.sin(angle)) / SOFTNESS) * window
        edge -= edge.mean()
        out.append(edge / np.linalg.norm(edge))
    return np.array(out)


def edge_correlation(weights: np.ndarray, orientations: int = 8) -> np.ndarray:
    """Each kernel's best |cosine| with an oriented edge template, over its channels."""
    w = np.asarray(weights, np.float64)
    w = w - w.mean((-1, -2), keepdims=True)
    norm = np.linalg.norm(w, axis=(-1, -2), keepdims=True)
    w = np.divide(w, norm, out=np.zeros_like(w), where=norm > 0)
    templates = edge_templates(w.shape[-1], orientations)
    return np.abs(np.einsum("ocij,tij->oct", w, templates)).max((1, 2))


def low_frequency_share(weights: np.ndarray) -> np.ndarray:
    """Each kernel's share of energy at radial frequency ≤ ``LOW`` cycles per kernel."""
    w = np.asarray(weights, np.float64)
    fy = np.fft.fftfreq(w.shape[-2]) * w.shape[-2]
    fx = np.fft.fftfreq(w.shape[-1]) * w.shape[-1]
    low = np.hypot(fy[:, None], fx[None, :]) <= LOW
    power = (np.abs(np.fft.fft2(w)) ** 2).sum(1)  # (out, h, w), channels summed
    total = power.reshape(len(power), -1).sum(1)
    return np.divide(power[:, low].sum(1), total, out=np.zeros(len(w)), where=total > 0)


_chance: dict[tuple, float] = {}  # kernel shape and orientations -> the noise's score


def edge_chance(shape: tuple[int, ...], orientations: int = 8) -> float:
    """The mean ``edge_correlation`` of 256 white-noise kernels of ``shape`` (in, h, w)."""
    key = (*shape, orientations)
    if key not in _chance:
        noise = np.random.default_rng(0).normal(size=(256, *shape))
        _chance[key] = float(edge_correlation(noise, orientations).mean())
    return _chance[key]


def _weights(ctx, layer) -> np.ndarray:
    layer = _choose(layer, conv_layers(ctx.model), "convolution layer")
    return ctx.model.layers[layer].weight.detach().float().cpu().numpy()


def sobel_match(ctx, _args) -> dict:
    kernel = _weights(ctx, None)[0, 0].astype(np.float64)
    if kernel.shape != SOBEL.shape:
        raise ValueError(f"the first convolution's kernels are {kernel.shape[0]}×{kernel.shape[1]}, not 3×3")
    sobel = SOBEL.astype(np.float64)
    norm = np.linalg.norm(kernel) * np.linalg.norm(sobel)
    return {
        "sobel_distance": np.float64(np.linalg.norm(kernel - sobel) / np.linalg.norm(sobel)),
        "sobel_cosine": np.float64(float((kernel * sobel).sum()) / norm if norm else 0.0),
    }


def filter_edges(ctx, args) -> dict:
    count = args["orientations"]
    if not isinstance(count, int) or isinstance(count, bool) or not 2 <= count <= 64:
        raise ValueError(f"orientations must be a whole number from 2 to 64, not {count!r}")
    w = _weights(ctx, args["layer"])
    return {
        "edge_correlation": np.float64(edge_correlation(w, count).mean()),
        "edge_chance": np.float64(edge_chance(w.shape[1:], count)),
        "low_frequency": np.float64(low_frequency_share(w).mean()),
    }


def applies(ctx) -> bool:
    """An image network with a convolution."""
    return _images(ctx) and bool(conv_layers(ctx.model))


def applies_sobel(ctx) -> bool:
    """An image network whose first convolution has 3×3 kernels (the edge-filter preset)."""
    return applies(ctx) and tuple(_weights(ctx, None).shape[-2:]) == SOBEL.shape
