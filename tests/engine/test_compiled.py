"""The compiled kernel must train exactly like the autograd path it replaces."""

import numpy as np
import pytest
import torch

from engine.graph.catalogue import ACTIVATIONS
from engine.graph.mlp import mlp_graph
from engine.presets import load_preset
from engine.project import Project
from engine.settings import OPTIMIZERS, DataSettings, TrainSettings
from engine.train import Session, compile_warmup
from engine.train.compiled_mlp import CompiledMLP
from engine.train.fast_mlp import FastMLP


def curves(project, epochs=6):
    out = []
    for fast in (False, True):
        s = Session(project.copy(), fast=fast)
        assert s.training_path == ("compiled kernel" if fast else "torch")
        s.train(epochs=epochs)
        out.append((s.history.train_loss, s.history.test_loss, s.history.train_acc, s.weights()))
    return out


def assert_same(a, b):
    np.testing.assert_allclose(a[0], b[0], rtol=2e-4, atol=1e-6)
    np.testing.assert_allclose(a[1], b[1], rtol=2e-4, atol=1e-6)
    np.testing.assert_allclose(a[2], b[2], atol=0.011)  # a point on the boundary may flip
    for k in a[3]:
        np.testing.assert_allclose(a[3][k], b[3][k], rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_every_activation_matches_autograd(kernel, act):
    p = Project(
        mlp_graph([5, 3], act, features=["x1", "x2", "sin x1"]),
        DataSettings(name="xor", samples=200),
        TrainSettings(learning_rate=0.05),
    )
    assert_same(*curves(p))


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("reg", ["none", "l1", "l2"])
def test_every_optimizer_and_regularizer_matches_autograd(kernel, optimizer, reg):
    p = load_preset("circle")
    p.train.optimizer, p.train.regularization, p.train.reg_rate = optimizer, reg, 0.003
    p.train.learning_rate = 0.01 if optimizer in ("rmsprop", "adam", "rprop") else 0.03
    assert_same(*curves(p))


@pytest.mark.parametrize(
    "loss, data, outputs",
    [("bce", "xor", 1), ("cross_entropy", "spiral", 2), ("mse", "reg-gauss", 1), ("l1", "reg-plane", 1)],
)
def test_every_loss_matches_autograd(kernel, loss, data, outputs):
    p = Project(
        mlp_graph([6], "tanh", features=["x1", "x2", "x1*x2"], outputs=outputs, loss=loss),
        DataSettings(name=data),
        TrainSettings(optimizer="adam", learning_rate=0.01),
    )
    assert_same(*curves(p))


def test_evaluation_matches_torch_and_edits_reach_the_kernel(kernel):
    s = Session(load_preset("spiral"))
    assert isinstance(s._fast, CompiledMLP)
    s.train(epochs=3)
    key = next(iter(s.weights()))
    s.set_weight(key, (0, 0), 0.7)  # through the torch state dict, into the shared buffer
    fast = s.evaluate()
    s._fast = None  # the autograd path's evaluation of the same weights
    slow = s.evaluate()
    for k in fast:
        assert fast[k] == pytest.approx(slow[k], rel=1e-5, abs=1e-6), k


def test_a_session_moves_to_the_kernel_when_it_is_ready_and_keeps_momentum():
    p = load_preset("circle")
    p.train.optimizer = "momentum"
    reference = Session(p.copy(), fast=False)
    reference.train(epochs=8)
    was = compile_warmup.state.ready
    compile_warmup.state.ready = compile_warmup.state.started = False  # not compiling either
    try:
        s = Session(p.copy())
        assert isinstance(s._fast, FastMLP) and s.training_path == "numpy"
        s.train(epochs=4)
        compile_warmup.warm()  # what the background thread does
        s.train(epochs=4)
        assert isinstance(s._fast, CompiledMLP) and s.training_path == "compiled kernel"
    finally:
        compile_warmup.state.ready = was
    np.testing.assert_allclose(s.history.train_loss, reference.history.train_loss, rtol=2e-4)


def test_structural_edit_carries_the_kernels_adam_state(kernel):
    p = load_preset("circle")
    p.train.optimizer = "adam"
    s = Session(p.copy())
    s.train(epochs=3)
    graph = s.project.graph.copy()
    s.set_graph(graph, structural=True)
    states = [s.optimizer.state[q] for q in s.model.parameters()]
    assert all(float(st["step"]) == 75 and torch.count_nonzero(st["exp_avg_sq"]) > 0 for st in states)
    s.train(epochs=1)
    assert isinstance(s._fast, CompiledMLP) and np.isfinite(s.history.train_loss[-1])


def test_graphs_beyond_a_dense_chain_keep_autograd(kernel):
    from engine.graph.mlp import MLPShape

    shape = MLPShape([4, 4], "tanh", dropout=[0.2, 0.0], batchnorm=[True, False], residual=[False, True])
    p = load_preset("circle")
    p.graph = shape.graph()
    s = Session(p)
    assert s._fast is None and s.training_path == "torch"


def test_path_names_follow_the_background_compile(monkeypatch):
    monkeypatch.setattr(compile_warmup.state, "started", True)
    monkeypatch.setattr(compile_warmup.state, "ready", False)
    assert compile_warmup.path_name(object()) == "numpy, compiling…"
    assert compile_warmup.path_name(None) == "torch"
    monkeypatch.setattr(compile_warmup.state, "ready", True)
    assert compile_warmup.path_name(object()) == "numpy"
