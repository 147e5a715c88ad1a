"""Compare mode's variants on the compiled kernel train as their separate runs do (#13)."""

import numpy as np
import pytest

from engine.graph.mlp import mlp_graph
from engine.presets import load_preset
from engine.project import Project
from engine.settings import DataSettings
from engine.train import compile_warmup
from engine.train.compare import CompareSession, make_compare
from engine.train.compiled_compare import CompiledBatch
from engine.train.variants import SteppedCompare
from tests.engine.test_compare import EPOCHS, assert_matches, separate_run


@pytest.mark.parametrize("reg", ["l1", "l2"])
def test_mixed_variants_match_separate_torch_runs(kernel, reg):
    p = load_preset("circle")
    p.train.regularization, p.train.reg_rate = reg, 0.003
    variants = [
        {"activation": "tanh", "learning_rate": 0.03},
        {"activation": "relu", "optimizer": "momentum", "learning_rate": 0.01},
        {"activation": "gelu", "seed": 3},
        {"activation": "sine", "reg_rate": 0.01, "learning_rate": 0.1},
    ]
    cs = CompareSession(p.copy(), variants, device="cpu")
    assert isinstance(cs._fast, CompiledBatch)
    cs.train(EPOCHS)
    compile_warmup.state.ready = False  # the references train on the numpy or torch path
    for k, v in enumerate(variants):
        s = separate_run(p, v)
        assert s.training_path in ("numpy", "torch")
        assert_matches(cs, k, s)


def test_a_diverging_lane_freezes_and_the_others_go_on(kernel):
    p = Project(mlp_graph([4], "linear", loss="mse"), DataSettings(name="reg-plane"))
    variants = [{"learning_rate": 0.01}, {"learning_rate": 5.0}]
    cs = CompareSession(p, variants, device="cpu")
    for _ in range(30):
        cs.train_epoch()
    h = cs.history
    assert np.isfinite(h[0].train_loss).all()
    assert cs.diverged[1] is not None and np.isnan(h[1].train_loss[-1])
    assert not cs._fast.chain.active[1]


def test_adaptive_optimizers_batch_on_the_lanes_kernel_and_match_separate_runs(kernel):
    """adam & co: one CompareSession on the compiled lanes, as their own runs train."""
    variants = [
        {"optimizer": "adam", "learning_rate": 0.01},
        {"optimizer": "rmsprop", "learning_rate": 0.003, "seed": 5},
        {"optimizer": "adagrad", "learning_rate": 0.1, "activation": "relu"},
        {"optimizer": "adadelta", "learning_rate": 1.0},
        {"optimizer": "rprop", "learning_rate": 0.01, "activation": "sigmoid"},
        {"optimizer": "momentum", "learning_rate": 0.01},
        {"learning_rate": 0.1},
    ]
    p = load_preset("circle")
    cs = make_compare(p.copy(), variants, device="cpu")
    assert isinstance(cs, CompareSession) and isinstance(cs._fast, CompiledBatch) and cs._fast.simd
    cs.train(EPOCHS)
    assert (cs._fast.chain.steps == cs.step).all()  # each lane's step count: adam's bias correction
    compile_warmup.state.ready = False  # the references train on the numpy or torch path
    for k, v in enumerate(variants):
        assert_matches(cs, k, separate_run(p, v))
    # with the kernel not ready, or told not to use it, they are stepped in turn
    assert isinstance(make_compare(p.copy(), variants, device="cpu"), SteppedCompare)
    compile_warmup.state.ready = True
    assert isinstance(make_compare(p.copy(), variants, device="cpu", fast=False), SteppedCompare)
