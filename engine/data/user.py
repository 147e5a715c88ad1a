"""The user's own 2-D points: read from a CSV file or drawn point by point.

A point set is a pair ``(x, y)``: ``x`` float32 (n, 2) positions and ``y`` (n,) labels,
int64 classes 0..9 for a classifier or float32 targets for regression. Positions and
targets are kept to 4 decimals, as the project file stores them, so that a saved and
reopened project trains exactly as before. Every function here returns new arrays and
leaves the ones it was given untouched; on a refusal it raises ``DataError`` and the
caller's data stays as it was.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np

from engine.errors import DataError

MAX_POINTS = 100_000
MAX_CLASSES = 10  # labels 0..9
DECIMALS = 4
# the largest magnitude a value may have: its square (the x1^2 feature) must stay finite in float32
MAX_MAGNITUDE = 1e18
COLUMNS = ("x1", "x2", "label")

Points = tuple[np.ndarray, np.ndarray]


def is_classification(y: np.ndarray) -> bool:
    return np.issubdtype(y.dtype, np.integer)


def class_count(y: np.ndarray) -> int | None:
    """Classes a point set's labels span (at least two); None for regression targets."""
    if not is_classification(y):
        return None
    return max(int(y.max()) + 1 if len(y) else 0, 2)


def make_points(x, y) -> Points:
    """Canonical arrays: positions and targets to 4 decimals, integer labels as int64."""
    x = np.round(np.asarray(x, dtype=np.float64).reshape(-1, 2), DECIMALS).astype(np.float32)
    y = np.asarray(y)
    if np.issubdtype(y.dtype, np.integer):
        y = y.astype(np.int64).reshape(-1)
    else:
        y = np.round(y.astype(np.float64).reshape(-1), DECIMALS).astype(np.float32)
    return x, y


# -- CSV -----------------------------------------------------------------------------


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _count_rows(path: Path) -> int:
    """Lines in the file, counted in binary chunks without parsing them; CR, LF and CRLF
    each end a line (a CR-only file is as long as its LF twin)."""
    lines, last, prev_cr = 0, b"\n", False
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            lines += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
            if prev_cr and chunk[:1] == b"\n":  # a CRLF split between two chunks
                lines -= 1
            prev_cr, last = chunk[-1:] == b"\r", chunk[-1:]
    return lines + (last not in (b"\n", b"\r"))


def _plain_points(path: Path) -> Points | None:
    """The points of a plain file (numbers, commas, an optional header, no quotes), read
    by numpy in one pass; None for anything else or any problem, which the careful
    row-by-row reading then words. Issue #14: that reading took seconds for 100,000 rows."""
    try:
        if path.stat().st_size == 0 or _count_rows(path) > MAX_POINTS + 1:
            return None
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if '"' in text or "#" in text:
        return None
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and not any(_is_number(c.strip()) for c in lines[0].split(",")):
        lines = lines[1:]  # a header, as the careful reading decides it
    if not 2 <= len(lines) <= MAX_POINTS:
        return None
    try:
        values = np.loadtxt(lines, delimiter=",", dtype=np.float64, comments=None, ndmin=2)
    except ValueError:
        return None
    if values.shape != (len(lines), 3) or not np.all(np.isfinite(values)):
        return None
    if np.any(np.abs(values) > MAX_MAGNITUDE):
        return None
    labels = values[:, 2]
    if np.all(labels == np.round(labels)):
        if np.any((labels < 0) | (labels >= MAX_CLASSES)) or len(np.unique(labels)) < 2:
            return None
        return make_points(values[:, :2], labels.astype(np.int64))
    return make_points(values[:, :2], labels)


def _count_nonblank(path: Path) -> int:
    with path.open(encoding="utf-8-sig", errors="replace") as f:  # universal newlines
        return sum(1 for line in f if line.strip())


def read_points_csv(path: str | os.PathLike) -> Points:
    """Points from a CSV of ``x1,x2,label`` rows, with an optional header row.

    Labels that are all whole numbers are classes 0..9 (at least two of them); if any
    label has a fraction, the labels are regression targets. Rows are numbered as in a
    text editor, the header (if any) being row 1. Blank lines are skipped. Files of more
    than 100,000 points are refused after counting their lines, without parsing them.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise DataError(f"There is no file at {path}.")
    fast = _plain_points(path)
    if fast is not None:
        return fast
    try:
        if path.stat().st_size == 0:
            raise DataError(f"{name} is empty; it needs rows of x1, x2, label.")
        if _count_rows(path) > MAX_POINTS:  # cheap: a header or blank lines may be among them
            with path.open(encoding="utf-8-sig", newline="") as f:
                first = next((r for r in csv.reader(f) if any(c.strip() for c in r)), [])
            header = bool(first) and not any(_is_number(c.strip()) for c in first)
            n = _count_nonblank(path) - header
            if n > MAX_POINTS:
                raise DataError(
                    f"{name} has {n:,} rows; Nodeplay's playground takes at most {MAX_POINTS:,} points."
                )
        rows = []
        with path.open(encoding="utf-8-sig", newline="") as f:
            for i, r in enumerate(csv.reader(f), 1):
                if any(c.strip() for c in r):
                    rows.append((i, r))
                if len(rows) > MAX_POINTS + 1:  # a backstop if the count above missed rows
                    raise DataError(
                        f"{name} has more than {MAX_POINTS:,} rows; Nodeplay's "
                        f"playground takes at most {MAX_POINTS:,} points."
                    )
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise DataError(f"{name} cannot be read as a CSV text file ({type(err).__name__}).") from None
    if rows and not any(_is_number(c.strip()) for c in rows[0][1]):
        rows = rows[1:]  # a header: no cell of the first row is a number
    if not rows:
        raise DataError(f"{name} is empty; it needs rows of x1, x2, label.")
    values = np.empty((len(rows), 3), dtype=np.float64)
    for k, (row_no, row) in enumerate(rows):
        if len(row) != 3:
            raise DataError(f"{name} needs three columns x1, x2, label; row {row_no} has {len(row)}.")
        for col, cell in enumerate(row):
            try:
                v = float(cell.strip())
            except ValueError:  # repr: a cell opened by a quote may hold line breaks
                raise DataError(
                    f"{name}: row {row_no}, column {COLUMNS[col]} holds "
                    f"{cell.strip()[:40]!r}, which is not a number."
                ) from None
            if not math.isfinite(v):
                raise DataError(
                    f"{name}: row {row_no} holds {cell.strip()[:40]} in column "
                    f"{COLUMNS[col]}; every value must be a finite number."
                )
            if abs(v) > MAX_MAGNITUDE:
                raise DataError(
                    f"{name}: row {row_no}, column {COLUMNS[col]} holds {v:g}, "
                    f"too large to train on; values must lie between "
                    f"-{MAX_MAGNITUDE:g} and {MAX_MAGNITUDE:g}."
                )
            values[k, col] = v
    labels = values[:, 2]
    if np.all(labels == np.round(labels)):
        bad = np.flatnonzero((labels < 0) | (labels >= MAX_CLASSES))
        if len(bad):
            raise DataError(
                f"{name}: row {rows[bad[0]][0]} has label {labels[bad[0]]:g}; "
                f"class labels must be whole numbers from 0 to {MAX_CLASSES - 1} "
                f"(at most {MAX_CLASSES} classes)."
            )
        y = labels.astype(np.int64)
        if len(np.unique(y)) < 2:
            raise DataError(f"{name}: all points have label {y[0]}; a classifier needs at least two classes.")
    else:
        y = labels  # type: ignore[assignment]  # float targets where classes are int64
        if len(y) < 2:
            raise DataError(f"{name} has a single point; training needs at least two.")
    return make_points(values[:, :2], y)


# -- editing ---------------------------------------------------------------------------


def add_point(points: Points | None, xy, label) -> Points:
    """The point set with one more point at ``xy``; ``points`` None starts a new set.

    An integer label (0..9) is a class; a float label is a regression target. A set
    keeps the kind of its existing labels.
    """
    xy = np.asarray(xy, dtype=np.float64).reshape(-1)
    if xy.shape != (2,) or not np.all(np.isfinite(xy)):
        raise DataError(f"A point needs two finite coordinates, not {xy.tolist()}.")
    if isinstance(label, bool) or not isinstance(label, int | float | np.integer | np.floating):
        raise DataError(f"A point's label must be a number, not {label!r}.")
    if points is None or len(points[1]) == 0:  # an empty set takes the kind of its first label
        classes = isinstance(label, int | np.integer)
        points = (np.empty((0, 2), np.float32), np.empty(0, np.int64 if classes else np.float32))
    x, y = points
    if len(y) >= MAX_POINTS:
        raise DataError(f"The point set is full: Nodeplay's playground takes at most {MAX_POINTS:,} points.")
    if is_classification(y):
        if not float(label).is_integer() or not 0 <= int(label) < MAX_CLASSES:
            raise DataError(
                f"A class label must be a whole number from 0 to {MAX_CLASSES - 1}, not {label!r}."
            )
        new_y = np.append(y, np.int64(int(label)))
    else:
        if not math.isfinite(float(label)):
            raise DataError(f"A point's target must be a finite number, not {label!r}.")
        new_y = np.append(y.astype(np.float64), float(label))
    return make_points(np.concatenate([x.astype(np.float64), xy[None]]), new_y)


def erase_points(points: Points | None, xy, radius: float) -> Points | None:
    """The point set without the points within ``radius`` of ``xy`` (edge included)."""
    if points is None:
        return None
    x, y = points
    centre = np.asarray(xy, dtype=np.float64).reshape(2)
    keep = np.hypot(x[:, 0] - centre[0], x[:, 1] - centre[1]) > radius
    return x[keep].copy(), y[keep].copy()
