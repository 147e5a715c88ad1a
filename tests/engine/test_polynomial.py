"""The ``polynomial-degree`` probe (issue #12, L2) against numpy's polyfit, and the
polynomial-regression preset's measured outcome: validation error falls, then rises
again above degree 6."""

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

    return Session(load_preset("polynomial-regression"), device="cpu")


def test_every_degree_matches_numpy_polyfit(session):
    v = PROBES["polynomial-degree"].run(session, {})
    ds = session.dataset
    x, y = ds.x_train[:, 0].astype(np.float64), ds.y_train.reshape(-1).astype(np.float64)
    xv, yv = ds.x_test[:, 0].astype(np.float64), ds.y_test.reshape(-1).astype(np.float64)
    for d in range(0, 9):  # polyfit's own conditioning limits how far it agrees
        c = np.polynomial.polynomial.polyfit(x, y, d)
        fit, val = np.polynomial.polynomial.polyval(x, c), np.polynomial.polynomial.polyval(xv, c)
        np.testing.assert_allclose(v["train_error"][d], np.mean((fit - y) ** 2), rtol=1e-6)
        np.testing.assert_allclose(v["val_error"][d], np.mean((val - yv) ** 2), rtol=1e-6)
        np.testing.assert_allclose(v["curves"][d], np.polynomial.polynomial.polyval(v["grid"], c), atol=1e-6)
    assert np.all(np.diff(v["train_error"]) <= 1e-12)  # more degrees never fit the training set worse
    assert v["curves"].shape == (13, len(v["grid"])) and "trained_curve" in v


def test_validation_error_under_then_overfits(session):
    v = PROBES["polynomial-degree"].run(session, {})
    val, best = v["val_error"], int(v["best_degree"])
    assert 3 <= best <= 6
    assert min(val[:3]) > 3 * val[best]  # degrees 0–2 underfit
    assert np.all(val[7:] > val[best]) and val[-1] > 10 * val[best]  # above 6 it rises again
    assert v["overfit_ratio"] > 10 and v["underfit_ratio"] > 3


def test_a_bad_degree_is_one_sentence(session):
    with pytest.raises(NodeplayError, match="highest degree must be between 1 and 20"):
        PROBES["polynomial-degree"].run(session, {"max_degree": 40})
