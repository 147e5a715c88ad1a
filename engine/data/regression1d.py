"""1-D regression sets: noisy samples of a chosen function of x₁ (issue #12, L2).

The points keep the playground's (n, 2) layout so that its input features and views
work unchanged: x₁ is uniform on [-6, 6] and x₂ is 0 (a network reading only x₁ is a
function of one variable). Targets are float32 (n, 1), the function's value plus
Gaussian noise of standard deviation noise / 100 (``noise`` is the 0–50 slider).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EXTENT = 6.0


def _line(x: np.ndarray) -> np.ndarray:
    return 0.12 * x + 0.2


def _sine(x: np.ndarray) -> np.ndarray:
    return 0.8 * np.sin(0.6 * x)


def _cubic(x: np.ndarray) -> np.ndarray:
    u = x / EXTENT
    return 1.6 * u**3 - 0.9 * u


FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "reg-line": _line,
    "reg-sine": _sine,
    "reg-cubic": _cubic,
}
SETS = tuple(FUNCTIONS)


def generate(name: str, n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points (n, 2) float32 with x₂ = 0, and targets (n, 1) float32."""
    x = rng.uniform(-EXTENT, EXTENT, n)
    y = FUNCTIONS[name](x) + rng.normal(0.0, noise / 100.0, n)
    points = np.column_stack([x, np.zeros(n)])
    return points.astype(np.float32), y.astype(np.float32).reshape(-1, 1)
