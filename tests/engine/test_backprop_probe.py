"""L3 (issue #12): slow-motion backprop's phases match autograd on the training network,
leave training untouched, and "backprop-apply" makes exactly the update shown."""

import numpy as np
import pytest
import torch

from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes.registry import probe
from engine.train.factory import make_trainer


def test_phases_match_autograd_and_change_nothing():
    s = make_trainer(load_preset("xor"))
    before = s.weights()
    out = probe("backprop").run(s, {"batch": 5, "seed": 3})
    assert all(np.array_equal(before[k], v) for k, v in s.weights().items())  # untouched
    rows = np.random.default_rng(3).permutation(len(s.x_train))[:5]
    assert np.array_equal(out["rows"], rows)
    # independently: the training network's own loss and gradients on those rows
    x, y = s.x_train[torch.as_tensor(rows)], s.y_train[torch.as_tensor(rows)]
    s.model.zero_grad()
    loss, pred = s.model.loss(x, y)
    loss.backward()
    assert float(out["loss"]) == pytest.approx(float(loss.detach()), rel=1e-5)
    assert np.allclose(out["value/head"], pred.detach().numpy(), atol=1e-6)
    lr = s.optimizer.param_groups[0]["lr"]
    for name, p in s.model.named_parameters():
        assert np.allclose(out[f"wgrad/{name}"], p.grad.numpy(), atol=1e-6)
        assert np.allclose(out[f"update/{name}"], -lr * p.grad.numpy(), atol=1e-7)
    s.model.zero_grad()
    # the output's gradient: d(mean BCE with logits)/d logit = (sigmoid - y) / n
    expect = (torch.sigmoid(pred) - y.reshape(pred.shape)).detach().numpy() / 5
    assert np.allclose(out["grad/head"], expect, atol=1e-6)


def test_apply_makes_the_update_shown():
    s = make_trainer(load_preset("spiral"))
    out = probe("backprop").run(s, {"batch": 4, "seed": 0})
    new = probe("backprop-apply").run(s, {"batch": 4, "seed": 0})
    for name, w in new.items():
        assert np.allclose(w, out[f"weight/{name}"] + out[f"update/{name}"], atol=1e-6)
    assert np.allclose(s.weights()["layers.head.bias"], new["layers.head.bias"])


def test_a_bad_batch_is_refused():
    s = make_trainer(load_preset("xor"))
    with pytest.raises(NodeplayError, match="batch must be a whole number from 1 to 250, not 0"):
        probe("backprop").run(s, {"batch": 0, "seed": 0})
