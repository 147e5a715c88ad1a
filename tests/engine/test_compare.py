"""Compare mode must train each variant exactly as a separate Session would."""

import numpy as np
import pytest
import torch

from engine.errors import NodeplayError
from engine.graph import Graph
from engine.graph.mlp import mlp_graph
from engine.presets import load_preset
from engine.project import Project
from engine.settings import DataSettings, TrainSettings
from engine.train import Session
from engine.train import commands as cmd
from engine.train.compare import CompareSession, make_compare
from engine.train.events import Diverged, Snapshot
from engine.train.runner import Runner
from engine.train.variants import SteppedCompare

EPOCHS = 10


def separate_run(project, variant: dict, epochs: int = EPOCHS) -> Session:
    """A plain Session with the variant's settings, shuffling from the project's seed."""
    q = project.copy()
    for node in q.graph.nodes.values():
        if node.type == "Activation" and "activation" in variant:
            node.params = {**node.params, "fn": variant["activation"]}
        if node.type == "Dense" and "init" in variant:
            node.params = {**node.params, "init": variant["init"]}
    for key in ("learning_rate", "reg_rate", "optimizer", "seed"):
        if key in variant:
            setattr(q.train, key, variant[key])
    s = Session(q, device="cpu")
    s.generator = torch.Generator().manual_seed(project.train.seed)  # the shared batch order
    s.train(epochs=epochs)
    return s


def assert_matches(cs: CompareSession, k: int, s: Session):
    got, want = cs.history[k], s.history
    assert np.array_equal(got.epochs, want.epochs)
    for name in ("train_loss", "test_loss"):
        np.testing.assert_allclose(getattr(got, name), getattr(want, name), rtol=1e-4)
    np.testing.assert_allclose(got.train_acc, want.train_acc, atol=1e-6)
    mine, theirs = cs.weights(k), s.weights()
    assert set(mine) == set(theirs)
    for key in theirs:
        np.testing.assert_allclose(mine[key], theirs[key], rtol=1e-4, atol=1e-5)


def check_against_sessions(project, variants, fast=True):
    cs = CompareSession(project.copy(), variants, device="cpu", fast=fast)
    assert (cs._fast is not None) == fast
    cs.train(EPOCHS)
    assert cs.epoch == EPOCHS and all(len(h) == EPOCHS for h in cs.history)
    for k, v in enumerate(variants):
        assert_matches(cs, k, separate_run(project, v))
    return cs


@pytest.mark.parametrize("fast", [True, False])
def test_four_activations_match_separate_runs(circle, fast):
    variants = [{"activation": a} for a in ("tanh", "relu", "sigmoid", "linear")]
    cs = check_against_sessions(circle, variants, fast)
    assert cs.labels == ["tanh", "relu", "sigmoid", "linear"]


@pytest.mark.parametrize("fast", [True, False])
def test_five_learning_rates_match_separate_runs(circle, fast):
    variants = [{"learning_rate": lr} for lr in (0.001, 0.003, 0.01, 0.03, 0.1)]
    cs = check_against_sessions(circle, variants, fast)
    assert cs.labels[0] == "lr 0.001"


@pytest.mark.parametrize("fast", [True, False])
def test_three_seeds_match_separate_runs(circle, fast):
    variants = [{"seed": s, "label": f"run {s}"} for s in (0, 1, 7)]
    cs = check_against_sessions(circle, variants, fast)
    first = [cs.history[k].train_loss[0] for k in range(3)]
    assert len(set(first)) == 3  # different starts, really


@pytest.mark.parametrize("fast", [True, False])
def test_mixed_optimizers_inits_and_l2_rates_match_separate_runs(circle, fast):
    circle.train.regularization = "l2"
    variants = [
        {"optimizer": "momentum", "learning_rate": 0.01},
        {"optimizer": "sgd", "reg_rate": 0.01},
        {"init": "uniform", "reg_rate": 0.003, "activation": "relu"},
    ]
    check_against_sessions(circle, variants, fast)


@pytest.mark.parametrize("fast", [True, False])
def test_cross_entropy_head_matches_separate_runs(fast):
    project = Project(
        mlp_graph([4, 2], "tanh", features=["x1", "x2", "x1^2"], outputs=2, loss="cross_entropy"),
        DataSettings(name="xor", samples=300),
        TrainSettings(learning_rate=0.1),
    )
    variants = [
        {"activation": "relu"},
        {"activation": "tanh", "learning_rate": 0.03},
        {"seed": 4, "optimizer": "momentum", "learning_rate": 0.003},
    ]
    cs = check_against_sessions(project, variants, fast)
    b = cs.boundaries(30)
    assert b.shape == (3, 30, 30) and np.abs(b).max() <= 1


def test_initial_weights_are_the_builders(circle):
    from engine.builder import build_model
    from engine.data import make_dataset

    cs = CompareSession(circle, [{"seed": 3}, {"seed": 5, "init": "he"}], device="cpu")
    spec = make_dataset(circle.data).spec
    graph = circle.graph.copy()
    for node in graph.nodes_of_type("Dense"):
        node.params = {**node.params, "init": "he"}
    for k, model in enumerate([build_model(circle.graph, spec, 3), build_model(graph, spec, 5)]):
        for key, value in model.state_dict().items():
            assert np.array_equal(cs.weights(k)[key], value.numpy())


@pytest.mark.parametrize("fast", [True, False])
def test_diverging_variant_is_frozen_while_the_others_learn(fast):
    project = load_preset("reg-plane")
    variants = [{"learning_rate": 0.03}, {"learning_rate": 1e6}, {"learning_rate": 0.01}]
    cs = CompareSession(project.copy(), variants, device="cpu", fast=fast)
    first = cs.evaluate()
    ms = cs.train(30)
    assert cs.diverged[0] is None and cs.diverged[2] is None
    assert cs.diverged[1] is not None
    assert "lr 1e+06: loss became" in cs.diverged[1]
    assert "learning rate 1e+06 is too high" in cs.diverged[1]
    assert ms[1]["diverged"] == cs.diverged[1]
    assert all(np.isnan(ms[1][key]) for key in ("train_loss", "test_loss"))
    bad = cs.history[1].train_loss
    assert not np.isfinite(bad[0]) and np.isnan(bad[1:]).all()
    for k in (0, 2):
        assert np.isfinite(cs.history[k].train_loss).all()
        assert ms[k]["train_loss"] < first[k]["train_loss"] / 3
    # the frozen lane does not disturb the others
    for k in (0, 2):
        alone = separate_run(project, variants[k], epochs=30)
        np.testing.assert_allclose(cs.history[k].train_loss, alone.history.train_loss, rtol=1e-4)
    b = cs.boundaries(20)
    assert b.shape == (3, 20, 20)
    assert np.isfinite(b[[0, 2]]).all() and np.abs(b[[0, 2]]).max() <= 1


def test_boundaries_match_the_single_session(circle):
    cs = CompareSession(circle.copy(), [{}, {"learning_rate": 0.3}], device="cpu")
    cs.train(5)
    s = separate_run(circle, {}, epochs=5)
    b = cs.boundaries()
    assert b.shape == (2, 100, 100) and np.abs(b).max() <= 1
    np.testing.assert_allclose(b[0], s.boundary(), atol=1e-5)


def test_unsupported_graph_is_refused_naming_the_node():
    g = Graph()
    g.add_node("Input", id="input")
    g.add_node("Dense", {"units": 4}, id="dense1")
    g.add_node("Dropout", {"p": 0.2}, id="drop")
    g.add_node("Dense", {"units": 1}, id="head")
    g.add_node("Output", {"loss": "bce"}, id="output")
    g.connect("input", "x", "dense1", "x")
    g.connect("dense1", "out", "drop", "x")
    g.connect("drop", "out", "head", "x")
    g.connect("head", "out", "output", "pred")
    g.connect("input", "y", "output", "target")
    project = Project(g, DataSettings(name="circle", samples=100))
    Session(project)  # a valid graph for a plain session
    with pytest.raises(NodeplayError, match="this graph has a Dropout node"):
        CompareSession(project, [{}, {"learning_rate": 0.1}])


def test_bad_variants_are_refused(circle):
    with pytest.raises(NodeplayError, match="optimizer must be one of"):
        make_compare(circle, [{"optimizer": "lbfgs"}])
    with pytest.raises(NodeplayError, match="unknown setting 'momentum'"):
        CompareSession(circle, [{"momentum": 0.5}])
    with pytest.raises(NodeplayError, match="activation must be one of"):
        CompareSession(circle, [{"activation": "swish"}])
    with pytest.raises(NodeplayError, match="has no regularization"):
        CompareSession(circle, [{"reg_rate": 0.1}])
    with pytest.raises(NodeplayError, match="at least one variant"):
        CompareSession(circle, [])


def test_any_optimizer_and_graph_compare_as_separate_runs(circle):
    variants = [
        {"optimizer": "adam", "learning_rate": 0.01},
        {"learning_rate": 0.1},
        {"optimizer": "rmsprop", "learning_rate": 0.003, "seed": 5},
    ]
    cs = make_compare(circle.copy(), variants, device="cpu")
    assert isinstance(cs, SteppedCompare) and cs.labels[0] == "lr 0.01, adam"
    cs.train(4)
    for k, v in enumerate(variants):
        assert_matches(cs, k, separate_run(circle, v, epochs=4))
    assert cs.boundaries(20).shape == (3, 20, 20)


def test_a_batched_graph_stays_batched(circle):
    assert isinstance(make_compare(circle, [{}, {"learning_rate": 0.1}]), CompareSession)


def test_image_projects_compare_with_per_variant_rows():
    digits = load_preset("digits-cnn")
    cs = make_compare(digits, [{"learning_rate": 0.01}, {"learning_rate": 0.05}], device="cpu")
    runner = Runner(cs, snapshot_interval=0.0, subscriptions={"variants": {}, "variant_boundaries": {}})
    snaps = []
    runner.subscribe(lambda e: isinstance(e, Snapshot) and snaps.append(e))
    runner.publish(force=True)
    runner._apply(cmd.Step(1))
    first, last = snaps[0], snaps[-1]
    assert first.reset and first.probes["variants"]["labels"] == ["lr 0.01", "lr 0.05"]
    assert "variant_boundaries" not in last.probes  # images: no plane to map
    assert last.metrics.test_acc.shape == (1, 2) and np.isfinite(last.metrics.test_acc).all()
    latest = last.probes["variants"]["latest"]
    assert [m["test_acc"] for m in latest] == last.metrics.test_acc[0].tolist()


@pytest.mark.parametrize("kind", [CompareSession, SteppedCompare])
def test_the_runner_pauses_when_every_variant_diverged(kind):
    variants = [{"learning_rate": 1e6}, {"learning_rate": 2e6}]
    cs = kind(load_preset("reg-plane"), variants, device="cpu")
    runner = Runner(cs, subscriptions={"variants": {}, "variant_boundaries": {"size": 8}})
    events = []
    runner.subscribe(events.append)
    runner._apply(cmd.Play())
    for _ in range(50):
        if not runner._advance():
            break
    diverged = [e for e in events if isinstance(e, Diverged)]
    assert not runner.playing and diverged[0].message.startswith("Every variant diverged")
    snap = [e for e in events if isinstance(e, Snapshot)][-1]
    assert all(at is not None for at in snap.probes["variants"]["diverged_at"])
    assert snap.probes["variant_boundaries"].shape[:3] == (len(variants), 8, 8)
