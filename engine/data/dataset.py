"""Datasets as the engine sees them: train and test arrays plus what they mean."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.data import playground
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


def split(name, x, y, classes, train_percent: float, rng) -> Dataset:
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    n_train = int(round(len(x) * train_percent / 100.0))
    n_train = min(max(n_train, 1), len(x) - 1)
    return Dataset(name, x[:n_train], y[:n_train], x[n_train:], y[n_train:], classes)


def make_dataset(settings: DataSettings) -> Dataset:
    """The dataset a project's data settings describe, the same for the same seed."""
    rng = np.random.default_rng(settings.seed)
    if settings.name in playground.GENERATORS:
        x, y = playground.generate(settings.name, settings.samples, settings.noise, rng)
        classes = None if settings.name in playground.REGRESSION else 2
        return split(settings.name, x, y, classes, settings.train_percent, rng)
    raise DataError(f"Unknown dataset '{settings.name}'; choose one of "
                    f"{', '.join(playground.GENERATORS)}.")
