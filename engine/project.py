"""Project files: graph and settings as JSON, trained weights as safetensors.

A file is parsed into plain records, checked, and migrated forward before anything
is built from it; unknown versions are refused; nothing is ever unpickled. Saving
writes a temporary file and renames it over the target, so a crash or a full disk
never leaves half a project where the user's work was.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from safetensors.numpy import load as st_load
from safetensors.numpy import save as st_save

from engine.data.user import DECIMALS, MAX_CLASSES, MAX_POINTS, make_points
from engine.errors import NodeplayError, ProjectFileError
from engine.graph import Graph, graph_from_dict, graph_to_dict
from engine.project_schema import ProjectRecord, StateRecord, check, decode_json, excerpt
from engine.settings import DataSettings, TrainSettings, data_from_dict, to_dict, train_from_dict

FORMAT_VERSION = 1
SUFFIX = ".nodeplay"
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}  # version N -> function turning an N dict into N+1


@dataclass
class Project:
    graph: Graph
    data: DataSettings = field(default_factory=DataSettings)
    train: TrainSettings = field(default_factory=TrainSettings)
    name: str = "untitled"
    description: str = ""
    epoch: int = 0
    weights: dict[str, np.ndarray] | None = None  # trained state, absent before training
    # the "user" dataset's points: x float32 (n, 2), y (n,) int64 classes or float32 targets
    points: tuple[np.ndarray, np.ndarray] | None = None

    def to_dict(self) -> dict:
        out = {
            "format_version": FORMAT_VERSION,
            "app": "nodeplay",
            "name": self.name,
            "description": self.description,
            "graph": graph_to_dict(self.graph),
            "data": to_dict(self.data),
            "train": to_dict(self.train),
        }
        if self.points is not None:
            out["points"] = points_to_dict(self.points)
        if self.weights is not None:
            blob = st_save({k: np.ascontiguousarray(v) for k, v in self.weights.items()})
            out["state"] = {
                "epoch": self.epoch,
                "weights": {
                    "format": "safetensors",
                    "encoding": "base64",
                    "data": base64.b64encode(blob).decode("ascii"),
                    "sha256": hashlib.sha256(blob).hexdigest(),
                },
            }
        return out

    def copy(self) -> Project:
        """An independent copy. The points and weights are copied as arrays, not through
        their JSON and base64 forms: that took seconds for 100,000 points (issue #14)."""
        twin = project_from_dict(replace(self, points=None, weights=None).to_dict())
        twin.epoch = self.epoch
        if self.points is not None:
            twin.points = (self.points[0].copy(), self.points[1].copy())
        if self.weights is not None:
            twin.weights = {k: np.array(v, copy=True) for k, v in self.weights.items()}
        return twin


def project_from_dict(data: object, where: str = "The project") -> Project:
    if not isinstance(data, dict):
        raise ProjectFileError(f"{where} is not a Nodeplay project: it holds no JSON object.")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProjectFileError(f"{where} is not a Nodeplay project: it has no format_version.")
    if version > FORMAT_VERSION:
        raise ProjectFileError(
            f"{where} was saved by a newer Nodeplay (format {excerpt(version)}; this "
            f"version reads up to {FORMAT_VERSION}); update Nodeplay to open it."
        )
    while version < FORMAT_VERSION:
        if version not in MIGRATIONS:
            raise ProjectFileError(f"{where} uses format {version}, which this Nodeplay cannot migrate.")
        data, version = MIGRATIONS[version](data), version + 1
    try:
        record = check(data, ProjectRecord, where, ProjectFileError)
        project = Project(
            graph_from_dict(data["graph"]),
            data_from_dict(data.get("data", {})),
            train_from_dict(data.get("train", {})),
            name=record.name,
            description=record.description,
        )
        if data.get("points") is not None:
            project.points = points_from_dict(data["points"], where)
        if record.state is not None:
            project.epoch, project.weights = _read_state(record.state, project.graph)
    except ProjectFileError:
        raise
    except NodeplayError as err:
        raise ProjectFileError(f"{where} cannot be used: {err}") from None
    return project


def points_to_dict(points: tuple[np.ndarray, np.ndarray]) -> dict:
    """Plain lists, positions and targets rounded to 4 decimals, classes as integers."""
    x, y = points
    xs = np.round(np.asarray(x, dtype=np.float64), DECIMALS).tolist()
    if np.issubdtype(np.asarray(y).dtype, np.integer):
        ys = np.asarray(y).astype(int).tolist()
    else:
        ys = np.round(np.asarray(y, dtype=np.float64), DECIMALS).tolist()
    return {"x": xs, "y": ys}


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _finite(v) -> bool:
    try:
        return math.isfinite(v)
    except OverflowError:  # an integer too large for a float
        return False


def points_from_dict(data, where: str = "The project") -> tuple[np.ndarray, np.ndarray]:
    """Checked point arrays from a project's ``points`` entry; integer labels are classes."""

    def damaged(why: str):
        return ProjectFileError(f"{where} has damaged points: {why}.")

    if (
        not isinstance(data, dict)
        or not isinstance(data.get("x"), list)
        or not isinstance(data.get("y"), list)
    ):
        raise damaged("they need an 'x' list of positions and a 'y' list of labels")
    xs, ys = data["x"], data["y"]
    if len(xs) != len(ys):
        raise damaged(f"there are {len(xs):,} positions but {len(ys):,} labels")
    if len(xs) > MAX_POINTS:
        raise damaged(f"there are {len(xs):,} points, more than the {MAX_POINTS:,} the playground takes")
    for i, p in enumerate(xs):
        if not (isinstance(p, list) and len(p) == 2 and all(_is_number(v) for v in p)):
            raise damaged(f"position {i} is {excerpt(p)}, not a pair of numbers")
        if not all(_finite(v) for v in p):
            raise damaged(f"position {i} is {excerpt(p)}, which is not finite")
    classes = all(isinstance(v, int) and not isinstance(v, bool) for v in ys)
    for i, v in enumerate(ys):
        if not _is_number(v):
            raise damaged(f"label {i} is {excerpt(v)}, not a number")
        if not _finite(v):
            raise damaged(f"label {i} is {excerpt(v)}, which is not finite")
        if classes and not 0 <= v < MAX_CLASSES:
            raise damaged(f"label {i} is {excerpt(v)}, not a class from 0 to {MAX_CLASSES - 1}")
    x = np.array(xs, dtype=np.float64).reshape(-1, 2)
    y = np.array(ys, dtype=np.int64 if classes else np.float64)
    return make_points(x, y)


def _damaged_weights(why: str) -> ProjectFileError:
    return ProjectFileError(f"its trained weights are damaged: {why}.")


def _read_state(state: StateRecord, graph: Graph) -> tuple[int, dict[str, np.ndarray]]:
    """Checked weights: the blob's checksum (when the file has one), then each tensor's
    key, dtype and values; float16/float64 tensors are converted to float32."""
    w = state.weights
    if (w.format, w.encoding) != ("safetensors", "base64"):
        raise _damaged_weights("only base64 safetensors weights can be read")
    try:
        blob = base64.b64decode(w.data, validate=True)
    except ValueError:
        raise _damaged_weights("their text is not base64") from None
    if w.sha256 is not None and hashlib.sha256(blob).hexdigest() != w.sha256:
        raise _damaged_weights("their checksum does not match, so some bytes have changed")
    try:
        raw = dict(st_load(blob))
    except Exception as err:  # any damage in the blob means the same thing to the user
        raise _damaged_weights(f"they cannot be unpacked ({type(err).__name__})") from None
    weights = {}
    for key, value in raw.items():
        parts = key.split(".")
        if len(parts) < 3 or parts[0] != "layers" or parts[1] not in graph.nodes:
            raise _damaged_weights(f"{excerpt(key)} names no layer of the graph")
        if parts[-1] == "num_batches_tracked":  # BatchNorm's step counter is an integer
            if value.dtype != np.int64 or value.size != 1 or int(value.reshape(-1)[0]) < 0:
                raise _damaged_weights(f"'{key}' must be one non-negative int64")
        elif value.dtype in (np.float16, np.float64):
            value = value.astype(np.float32)
        elif value.dtype != np.float32:
            raise _damaged_weights(f"'{key}' holds {value.dtype} values where float32 is needed")
        if value.ndim > 5:
            raise _damaged_weights(f"'{key}' has {value.ndim} dimensions, more than a layer has")
        if value.dtype == np.float32 and not np.all(np.isfinite(value)):
            raise _damaged_weights(
                f"'{key}' holds NaN or infinite values; reset the weights or open an earlier save"
            )
        weights[key] = value
    return state.epoch, weights


def load_project(path: str | os.PathLike) -> Project:
    path = Path(path)
    if not path.is_file():
        raise ProjectFileError(f"There is no project file at {path}.")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ProjectFileError(f"{path} cannot be read ({err.__class__.__name__}).") from None
    try:
        data = decode_json(raw, str(path))
    except NodeplayError as err:
        raise ProjectFileError(str(err)) from None
    try:
        return project_from_dict(data, str(path))
    except ProjectFileError as err:
        msg = str(err)
        if msg.startswith("its trained weights"):
            msg = f"{path}: {msg[0].upper()}{msg[1:]}"
        raise ProjectFileError(msg) from None


def save_project(project: Project, path: str | os.PathLike) -> Path:
    """Write through a temporary file renamed over ``path``; an existing file keeps its
    permission bits (mkstemp makes 0600 files), a new one gets the umask's default."""
    path = Path(path)
    text = json.dumps(project.to_dict(), indent=1, allow_nan=False)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.chmod(tmp, mode)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
