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
from engine.train import gan_metrics

COLUMNS = ("epoch", "seconds", "train_loss", "test_loss", "train_acc", "test_acc")


def train_logged(session, epochs: int, path) -> dict:
    """Train ``epochs`` epochs, writing a row after each (and one for the start) to
    ``path``; returns the last epoch's metrics as ``Session.train`` does."""
    path = Path(path)
    # S-GAN: a GAN has no evaluation; its rows add its losses and divergence (gan_metrics)
    extra = gan_metrics.columns(session)
    t0 = time.perf_counter()
    first = session.evaluate() if hasattr(session, "evaluate") else {}
    rows = [_row(session.epoch, 0.0, {**first, **gan_metrics.logged(session, first)}, extra)]
    m: dict = {}
    for _ in range(epochs):
        m = session.train_epoch()
        m = {**m, **gan_metrics.logged(session, m)}
        rows.append(_row(session.epoch, time.perf_counter() - t0, m, extra))
        if not math.isfinite(m["train_loss"]):
            break  # the rows so far are still written: they show where it diverged
    write_run(path, rows, extra)
    return m


def _row(epoch: int, seconds: float, m: dict, extra: tuple[str, ...] = ()) -> list:
    return [epoch, round(seconds, 4), *(m.get(k, float("nan")) for k in (*COLUMNS[2:], *extra))]


def write_run(path, rows: list[list], extra: tuple[str, ...] = ()) -> None:
    """``rows`` under COLUMNS and then the ``extra`` columns (a GAN's, say)."""
    try:
        with open(path, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow((*COLUMNS, *extra))
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
    if not table or tuple(table[0][: len(COLUMNS)]) != COLUMNS:
        raise NodeplayError(
            f"{path.name} is not a saved run: its first line must start with {','.join(COLUMNS)} "
            "(write one with nodeplay train FILE --epochs N --metrics run.csv)."
        )
    try:
        values = np.array([[float(v) for v in row] for row in table[1:] if row], np.float64)
    except ValueError:
        raise NodeplayError(f"{path.name} holds a value that is not a number; write it again.") from None
    if values.ndim != 2 or len(values) == 0 or values.shape[1] != len(table[0]):
        raise NodeplayError(f"{path.name} has no complete rows; write it again.")
    return {name: values[:, i] for i, name in enumerate(table[0])}  # COLUMNS, then any extra
