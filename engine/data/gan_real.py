"""A GAN's real samples, and the 2-D points a user draws for one to imitate.

Drawn points are the project's own point set (``project.points``, data name "user"),
so they are saved in the project file, undone like every edit and trained by
``nodeplay train`` and ``render``. Their labels mean nothing to a GAN: they are kept as
zero regression targets, which the user dataset accepts whatever their number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from engine.data import make_dataset
from engine.data.dataset import USER, Dataset, split
from engine.data.gan2d import EXTENT
from engine.data.user import MAX_POINTS, Points, make_points
from engine.errors import NodeplayError

if TYPE_CHECKING:
    from engine.project import Project

MARGIN = 1.1  # the plane reaches this much past the farthest drawn point


def real_extent(x: np.ndarray) -> float:
    """The half side of the square plane that shows drawn points ``x``: GAN Lab's
    [-2, 2]² unless a point (imported, say) lies further out."""
    far = float(np.abs(x).max()) if len(x) else 0.0
    return max(EXTENT, far * MARGIN)


def drawn_points(xy, before: Points | None = None) -> Points:
    """The point set of ``xy`` (n, 2), after the points ``before`` when given."""
    xy = np.asarray(xy, np.float64).reshape(-1, 2)
    if before is not None:
        xy = np.concatenate([np.asarray(before[0], np.float64), xy])
    if len(xy) > MAX_POINTS:
        raise NodeplayError(f"A drawing holds at most {MAX_POINTS:,} points; clear some and draw again.")
    return make_points(xy, np.zeros(len(xy), np.float32))


def gan_dataset(project: Project) -> Dataset:
    """The real samples: the project's dataset, or the user's drawn points whatever
    their labels (a GAN imitates where they lie; it learns every one of them)."""
    d = project.data
    if d.name != USER:
        return make_dataset(d, project.points)
    if project.points is None or len(project.points[0]) < 2:
        raise NodeplayError("Draw at least two real points before training the GAN.")
    x, _ = make_points(project.points[0], np.zeros(len(project.points[0]), np.float32))
    ds = split(
        USER, x, np.zeros((len(x), 1), np.float32), None, d.train_percent, np.random.default_rng(d.seed)
    )
    ds.x_train = x
    ds.extent = real_extent(x)
    return ds
