"""Datasets as the engine sees them: train and test arrays plus what they mean.

Generated 2-D sets (``playground``), the user's points (``user``) and small image sets
(``images``) all come out as a ``Dataset``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.data import gan2d, images, imported, playground, regression1d, user
from engine.errors import DataError
from engine.graph.validate import DataSpec
from engine.settings import DataSettings


@dataclass
class Dataset:
    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int | None  # None for regression
    extent: float = playground.EXTENT  # 2-D sets live in [-extent, extent]²

    @property
    def spec(self) -> DataSpec:
        y_shape = () if self.classes else tuple(self.y_train.shape[1:])
        return DataSpec(tuple(self.x_train.shape[1:]), y_shape, self.classes)

    @property
    def is_2d(self) -> bool:
        return self.x_train.ndim == 2 and self.x_train.shape[1] == 2


USER = "user"  # the project's own points, drawn or imported
IMPORTED = "imported"  # the user's images: settings.path names a .npz file or a folder
# every name DataSettings takes
NAMES = (*playground.GENERATORS, *images.IMAGE_SETS, USER, IMPORTED, *gan2d.SETS, *regression1d.SETS)


def split(name, x, y, classes, train_percent: float, rng) -> Dataset:
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    n_train = int(round(len(x) * train_percent / 100.0))
    n_train = min(max(n_train, 1), len(x) - 1)
    return Dataset(name, x[:n_train], y[:n_train], x[n_train:], y[n_train:], classes)


def make_dataset(settings: DataSettings, points: tuple[np.ndarray, np.ndarray] | None = None) -> Dataset:
    """The dataset a project's data settings describe, the same for the same seed.

    The "user" set is the project's own ``points`` (see ``engine.data.user``), split into
    train and test by ``train_percent`` with the data seed; generated sets ignore ``points``.
    """
    rng = np.random.default_rng(settings.seed)
    if settings.name == USER:
        return _user_dataset(settings, points, rng)
    if settings.name in playground.GENERATORS:
        x, y = playground.generate(settings.name, settings.samples, settings.noise, rng, settings.classes)
        classes = playground.class_count(settings.name, settings.classes)
        return split(settings.name, x, y, classes, settings.train_percent, rng)
    if settings.name in gan2d.SETS:  # G1 (issue 11): GAN Lab's 2-D distributions
        x, y = gan2d.generate(settings.name, settings.samples, settings.noise, rng)
        ds = split(settings.name, x, y, None, settings.train_percent, rng)
        ds.extent = gan2d.EXTENT
        return ds
    if settings.name in regression1d.SETS:  # L2 (issue #12): noisy functions of x₁
        x, y = regression1d.generate(settings.name, settings.samples, settings.noise, rng)
        return split(settings.name, x, y, None, settings.train_percent, rng)
    if settings.name in images.IMAGE_SETS:
        x, y = images.make_images(settings.name, settings.samples, settings.noise, rng)
        return split(settings.name, x, y, images.CLASSES.get(settings.name), settings.train_percent, rng)
    if settings.name == IMPORTED:
        got = imported.load(settings.path)
        return split(IMPORTED, got.x, got.y, got.classes, settings.train_percent, rng)
    raise DataError(f"Unknown dataset '{settings.name}'; choose one of {', '.join(NAMES)}.")


def _user_dataset(settings: DataSettings, points, rng) -> Dataset:
    if points is None or len(points[1]) < 2:
        n = 0 if points is None else len(points[1])
        raise DataError(
            f"The user dataset has {n} point{'s' * (n != 1)}; draw or import at least two before training."
        )
    x, y = user.make_points(*points)
    classes = user.class_count(y)
    if classes is None:
        y = y.reshape(-1, 1)
    elif len(np.unique(y)) < 2:
        raise DataError(
            f"All the user dataset's points have label {y[0]}; a classifier needs at least two classes."
        )
    return split(USER, x, y, classes, settings.train_percent, rng)
