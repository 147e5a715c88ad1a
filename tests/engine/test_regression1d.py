"""The 1-D regression sets and the ``regression-1d`` probe (issue #12, L2), against
numpy's own least squares."""

from __future__ import annotations

import numpy as np
import pytest

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.data.dataset import make_dataset
from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes.registry import PROBES
from engine.settings import DataSettings


@pytest.mark.parametrize("name", ["reg-line", "reg-sine", "reg-cubic"])
def test_the_sets_sample_a_function_of_x1_with_the_asked_noise(name):
    ds = make_dataset(DataSettings(name=name, samples=400, noise=0))
    assert ds.classes is None and ds.is_2d and np.all(ds.x_train[:, 1] == 0)
    noisy = make_dataset(DataSettings(name=name, samples=400, noise=20))
    # the same seed draws the same x₁; the targets differ by the noise alone
    gap = noisy.y_train - ds.y_train
    assert np.array_equal(noisy.x_train, ds.x_train) and 0.15 < float(np.std(gap)) < 0.25


def test_the_probe_matches_numpy_lstsq_with_and_without_ridge():
    from engine.train.session import Session

    session = Session(load_preset("linear-regression"), device="cpu")
    session.train(epochs=2)
    x = session.dataset.x_train[:, 0].astype(np.float64)
    y = session.dataset.y_train.reshape(-1).astype(np.float64)
    value = PROBES["regression-1d"].run(session, {"ridge": 0.5})
    a = np.column_stack([x, np.ones(len(x))])
    w, *_ = np.linalg.lstsq(a, y, rcond=None)
    np.testing.assert_allclose(value["normal_line"], w, rtol=1e-9)
    # ridge: least squares on rows stacked with √(Nλ)·(1, 0), target 0 (the bias unpenalised)
    stacked = np.vstack([a, [np.sqrt(len(x) * 0.5), 0.0]])
    wr, *_ = np.linalg.lstsq(stacked, np.append(y, 0.0), rcond=None)
    np.testing.assert_allclose(value["ridge_line"], wr, rtol=1e-9)
    assert abs(wr[0]) < abs(w[0])  # the penalty flattens the line
    assert value["trained_mse"] >= value["normal_mse"]
    with pytest.raises(NodeplayError, match="ridge penalty must be a number ≥ 0"):
        PROBES["regression-1d"].run(session, {"ridge": -1.0})


def test_the_linear_regression_preset_trains_to_the_normal_equations():
    import torch

    from engine.train.session import Session

    session = Session(load_preset("linear-regression"), device="cpu")
    session.train()  # its stop condition: 80 epochs
    x = session.dataset.x_train[:, 0].astype(np.float64)
    y = session.dataset.y_train.reshape(-1).astype(np.float64)
    w, *_ = np.linalg.lstsq(np.column_stack([x, np.ones(len(x))]), y, rcond=None)
    dense = [m for m in session.model.modules() if isinstance(m, torch.nn.Linear)]
    assert len(dense) == 1  # y = w·x₁ + b, nothing else
    slope, bias = float(dense[0].weight.detach().reshape(-1)[0]), float(dense[0].bias.detach()[0])
    assert session.epoch == 80
    assert abs(slope - w[0]) < 0.01 * abs(w[0]) and abs(bias - w[1]) < 0.02 * abs(w[1])
