"""Every setting of a project in one typed table, seed included (TF Playground's
``state.ts``). Each field's metadata gives its range so that files, the CLI and the
GUI check values the same way.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from engine.errors import NodeplayError
from engine.project_schema import excerpt

OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adam", "adagrad", "adadelta", "rprop")
REGULARIZATIONS = ("none", "l1", "l2")
DEVICES = ("auto", "cpu", "cuda")


def _f(default, low=None, high=None, choices=None, optional=False, max_length=40):
    return field(
        default=default,
        metadata={
            "low": low,
            "high": high,
            "choices": choices,
            "optional": optional,
            "max_length": max_length,
        },
    )


@dataclass
class DataSettings:
    name: str = _f("circle")
    samples: int = _f(500, 4, 1_000_000)
    noise: float = _f(0.0, 0.0, 50.0)  # TF Playground's 0–50 slider
    train_percent: float = _f(50.0, 10.0, 90.0)
    seed: int = _f(0, 0, 2**31 - 1)
    classes: int = _f(2, 2, 10)  # classes of the multi-class sets (blobs, spiral); see playground
    # V1: the imported dataset's .npz file or image folder (engine.data.imported); "" for others
    path: str = _f("", max_length=4096)


@dataclass
class TrainSettings:
    learning_rate: float = _f(0.03, 0.0, 100.0)
    optimizer: str = _f("sgd", choices=OPTIMIZERS)
    batch_size: int = _f(10, 1, 1_000_000)
    regularization: str = _f("none", choices=REGULARIZATIONS)
    reg_rate: float = _f(0.0, 0.0, 10.0)
    seed: int = _f(0, 0, 2**31 - 1)
    device: str = _f("auto", choices=DEVICES)
    stop_epochs: int | None = _f(None, 1, 10**9, optional=True)
    stop_loss: float | None = _f(None, 0.0, None, optional=True)


def _finite(v) -> bool:
    try:
        return math.isfinite(v)
    except OverflowError:  # an integer too large for a float
        return False


def _check(cls, data: dict, where: str):
    if not isinstance(data, dict):
        raise NodeplayError(f"The '{where}' settings must be an object.")
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(data) - set(known)
    if unknown:
        raise NodeplayError(f"Unknown setting '{where}.{excerpt(sorted(map(str, unknown))[0])[1:-1]}'.")
    values: dict[str, object] = {}
    for name, f in known.items():
        if name not in data:
            continue
        v, m = data[name], f.metadata
        if v is None and m["optional"]:
            values[name] = None
            continue
        kind: type = type(f.default) if f.default is not None else (int if "epochs" in name else float)
        if kind is str:
            ok = (
                isinstance(v, str)
                and len(v) <= m["max_length"]
                and (m["choices"] is None or v in m["choices"])
            )
            expect = (
                f"one of {', '.join(m['choices'])}"
                if m["choices"]
                else f"text of at most {m['max_length']} characters"
            )
        else:
            ok = isinstance(v, int | float) and not isinstance(v, bool) and _finite(v)
            ok = ok and (kind is float or int(v) == v)
            ok = ok and (m["low"] is None or v >= m["low"]) and (m["high"] is None or v <= m["high"])
            rng = f" between {m['low']:g} and {m['high']:g}" if m["high"] is not None else ""
            expect = ("a whole number" if kind is int else "a number") + rng
            v = kind(v) if ok else v
        if not ok:
            raise NodeplayError(f"Setting '{where}.{name}' must be {expect}, not {excerpt(v)}.")
        values[name] = v
    return cls(**values)


def data_from_dict(data: dict) -> DataSettings:
    return _check(DataSettings, data, "data")


def train_from_dict(data: dict) -> TrainSettings:
    return _check(TrainSettings, data, "train")


def to_dict(settings) -> dict:
    d = dataclasses.asdict(settings)
    if d.get("path") == "":  # only imported data names a file; other projects' files stay as they were
        del d["path"]
    return d
