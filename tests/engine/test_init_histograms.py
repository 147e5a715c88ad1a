"""The init-histograms probe against a hand-written forward and backward pass of the
init-deep perceptron, its history over training, and the lesson's measured outcome:
the initialisation scale decides whether the deep network trains."""

import numpy as np
import pytest
import torch

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.lessons.controls import set_controls
from engine.presets import load_preset
from engine.probes.init_histograms import BATCH, EDGES
from engine.probes.registry import PROBES
from engine.train.session import Session


def _session(init: str) -> Session:
    return Session(set_controls(load_preset("init-deep"), {"init": init}), device="cpu")


def _by_hand(session: Session):
    """Activations and weight gradients of the chain Dense → ReLU → … → Dense → BCE,
    written out with the session's weights."""
    layers = [
        session.model.layers[n] for n in ("dense1", "dense2", "dense3", "dense4", "dense5", "dense6", "head")
    ]
    weights = [m.weight.detach().clone().requires_grad_(True) for m in layers]
    biases = [m.bias.detach().clone() for m in layers]
    h = torch.as_tensor(session.dataset.x_train[:BATCH])
    acts = []
    for k, (w, b) in enumerate(zip(weights, biases)):
        z = h @ w.T + b
        h = torch.relu(z) if k < len(layers) - 1 else z
        acts.append(h.detach().numpy())
    y = torch.as_tensor(session.dataset.y_train[:BATCH]).float().reshape(h.shape)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(h, y)
    loss.backward()
    return acts, [w.grad.numpy() for w in weights]


def _hist(v: np.ndarray) -> np.ndarray:
    mags = np.abs(v.ravel()).astype(np.float64)
    idx = np.clip(
        np.floor((np.log10(np.maximum(mags, 1e-300)) - EDGES[0]) / (EDGES[1] - EDGES[0])), 0, len(EDGES) - 2
    )
    return np.bincount(idx.astype(int), minlength=len(EDGES) - 1) / mags.size


@pytest.mark.parametrize("init", ["he", "large"])
def test_the_probe_matches_a_forward_and_backward_pass_by_hand(init):
    session = _session(init)
    session.train(epochs=1)
    value = PROBES["init-histograms"].run(session, {})
    assert list(value["layers"]) == ["dense1", "dense2", "dense3", "dense4", "dense5", "dense6", "head"]
    acts, grads = _by_hand(session)
    last = -1  # this moment's column; the first is the initial weights
    np.testing.assert_allclose(value["activation_std"][last], [a.std() for a in acts], rtol=1e-4)
    rms = [np.sqrt(np.mean(g.astype(np.float64) ** 2)) for g in grads]
    np.testing.assert_allclose(value["gradient_rms"][last], rms, rtol=1e-3)
    for k in range(7):
        np.testing.assert_allclose(value["activations"][last, k], _hist(acts[k]), atol=2 / acts[k].size)
        np.testing.assert_allclose(value["gradients"][last, k], _hist(grads[k]), atol=2 / grads[k].size)


def test_the_history_starts_at_the_initial_weights_and_grows_with_training():
    session = _session("xavier")
    first = PROBES["init-histograms"].run(session, {})
    assert list(first["epochs"]) == [0] and first["activations"].shape == (1, 7, len(EDGES) - 1)
    np.testing.assert_allclose(first["activations"].sum(axis=2), 1.0)
    session.train(epochs=2)
    later = PROBES["init-histograms"].run(session, {})
    assert list(later["epochs"]) == [0, 2]
    np.testing.assert_array_equal(later["activations"][0], first["activations"][0])
    # a probe asked first after training rebuilds the start from the seed
    fresh = _session("xavier")
    fresh.train(epochs=2)
    late = PROBES["init-histograms"].run(fresh, {})
    np.testing.assert_allclose(late["activation_std"], later["activation_std"], rtol=1e-5)


def test_the_initialisation_scale_decides_whether_the_deep_network_trains():
    accuracy, growth = {}, {}
    for init in ("zeros", "small", "xavier", "he", "large"):
        session = _session(init)
        growth[init] = PROBES["init-signal"].run(session, {})["activation_growth"]
        session.train()  # the preset's ten epochs
        accuracy[init] = session.evaluate()["test_acc"]
    assert accuracy["xavier"] >= 0.9 and accuracy["he"] >= 0.9, accuracy
    assert accuracy["zeros"] <= 0.6 and accuracy["small"] <= 0.6 and accuracy["large"] <= 0.75, accuracy
    # why: tiny weights shrink the signal layer by layer, large ones blow it up
    assert growth["small"] < 1e-3 < 1e2 < growth["large"], growth
    assert 0.05 < growth["xavier"] < 20 and 0.05 < growth["he"] < 20, growth
