"""A saved run (issue #12, Classroom, L3): one CSV row per epoch with the wall-clock
seconds since training began, so that two runs can be compared on one time axis.

``nodeplay train FILE --epochs N --metrics run.csv`` writes one (``train_logged``);
the window's View › Compare saved runs… reads two or more (``read_run``).
"""

from __future__ import annotations

import csv
import math
import time
from pathlib import Path

import numpy as np

from engine.errors import NodeplayError

COLUMNS = ("epoch", "seconds", "train_loss", "test_loss", "train_acc", "test_acc")


def train_logged(session, epochs: int, path) -> dict:
    """Train ``epochs`` epochs, writing a row after each (and one for the start) to
    ``path``; returns the last epoch's metrics as ``Session.train`` does."""
    path = Path(path)
    t0 = time.perf_counter()
    rows = [_row(session.epoch, 0.0, session.evaluate())]
    m: dict = {}
    for _ in range(epochs):
        m = session.train_epoch()
        rows.append(_row(session.epoch, time.perf_counter() - t0, m))
        if not math.isfinite(m["train_loss"]):
            break  # the rows so far are still written: they show where it diverged
    write_run(path, rows)
    return m


def _row(epoch: int, seconds: float, m: dict) -> list:
    return [epoch, round(seconds, 4), *(m.get(k, float("nan")) for k in COLUMNS[2:])]


def write_run(path, rows: list[list]) -> None:
    try:
        with open(path, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(COLUMNS)
            out.writerows(rows)
    except OSError as err:
        raise NodeplayError(f"{path} cannot be written ({err.strerror or type(err).__name__}).") from None


def read_run(path) -> dict[str, np.ndarray]:
    """The columns of a saved run; a file that is not one is refused in a sentence."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8") as f:
            table = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as err:
        raise NodeplayError(
            f"{path.name} cannot be read ({getattr(err, 'strerror', None) or err})."
        ) from None
    if not table or tuple(table[0]) != COLUMNS:
        raise NodeplayError(
            f"{path.name} is not a saved run: its first line must be {','.join(COLUMNS)} "
            "(write one with nodeplay train FILE --epochs N --metrics run.csv)."
        )
    try:
        values = np.array([[float(v) for v in row] for row in table[1:] if row], np.float64)
    except ValueError:
        raise NodeplayError(f"{path.name} holds a value that is not a number; write it again.") from None
    if values.ndim != 2 or len(values) == 0 or values.shape[1] != len(COLUMNS):
        raise NodeplayError(f"{path.name} has no complete rows; write it again.")
    return {name: values[:, i] for i, name in enumerate(COLUMNS)}
