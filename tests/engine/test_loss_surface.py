"""The ``loss-surface`` probe (issue #12, L2) against an independent computation: the
grid's losses by direct evaluation, the optimum by numpy lstsq, GD's path by the closed
form of its steps, and the measured outcome: SGD zig-zags where GD goes straight."""

from __future__ import annotations

import numpy as np
import pytest

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes.registry import PROBES


@pytest.fixture(scope="module")
def session():
    from engine.train.session import Session

    return Session(load_preset("sgd-vs-gd"), device="cpu")


def test_the_surface_and_gd_path_match_a_direct_computation(session):
    v = PROBES["loss-surface"].run(session, {"size": 24, "epochs": 5})
    x = session.dataset.x_train[:, 0].astype(np.float64)
    y = session.dataset.y_train.reshape(-1).astype(np.float64)
    direct = np.array([[np.mean((w * x + b - y) ** 2) for b in v["b"]] for w in v["w"]])
    np.testing.assert_allclose(v["loss"], direct, rtol=1e-9, atol=1e-12)
    a = np.column_stack([x, np.ones(len(x))])
    best, *_ = np.linalg.lstsq(a, y, rcond=None)
    np.testing.assert_allclose(v["optimum"], best, rtol=1e-9)
    np.testing.assert_allclose(v["start"], best + [-1.0, 1.5])
    # GD: w ← w − η (2/N) Aᵀ(Aw − y), the project's learning rate, one step an epoch
    w, lr = v["start"].copy(), session.project.train.learning_rate
    for step in range(1, 6):
        w = w - lr * 2 / len(x) * a.T @ (a @ w - y)
        np.testing.assert_allclose(v["path_gd"][step], w, rtol=1e-9)
    n_batches = -(-len(x) // 10)
    assert len(v["path_gd"]) == 6 and len(v["path_sgd"]) == len(v["path_momentum"]) == 1 + 5 * n_batches
    assert np.isnan(v["contours"][:, 0]).sum() >= 5  # several closed lines, NaN-separated


def test_sgd_zig_zags_where_gd_goes_straight(session):
    v = PROBES["loss-surface"].run(session, {})
    assert v["gd_straightness"] > 0.9 > 0.7 > v["sgd_straightness"]
    assert v["sgd_length"] > 2 * v["gd_length"]
    assert v["sgd_distance"] < 0.5 * v["gd_distance"]  # and, in the same epochs, gets further


def test_a_bad_argument_is_one_sentence(session):
    with pytest.raises(NodeplayError, match="momentum in \\[0, 1\\)"):
        PROBES["loss-surface"].run(session, {"momentum": 1.5})
