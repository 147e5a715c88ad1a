"""Editing the graph while it trains: a rebuild keeps the weights of unchanged nodes,
live parameters apply in place, an invalid graph is refused and the old one trains on."""

import numpy as np
import pytest
import torch

from engine.errors import NodeplayError
from engine.graph import Edge
from engine.presets import load_preset
from engine.train import commands as cmd
from engine.train.events import Failed, Snapshot
from engine.train.live_edit import only_live_changes, unchanged_nodes
from engine.train.session import Session


def trained(preset: str, epochs: int = 3) -> Session:
    s = Session(load_preset(preset), fast=False)
    s.train(epochs=epochs)
    return s


def layer_state(session, node_id):
    return {k: v.clone() for k, v in session.model.state_dict().items() if k.startswith(f"layers.{node_id}.")}


def test_rebuild_keeps_unchanged_nodes_and_renews_changed_ones():
    s = trained("spiral")
    before = {n: layer_state(s, n) for n in ("dense1", "dense2", "head")}
    fresh = Session(load_preset("spiral"), fast=False)  # the seeded initial weights
    graph = s.project.copy().graph
    graph.set_params("dense2", units=5)  # dense2 and head (its input) change shape
    epoch, rows, old_model = s.epoch, len(s.history), s.model
    kept = s.set_graph(graph, structural=True)
    assert s.model is not old_model and kept == {"dense1"}
    for k, v in before["dense1"].items():
        assert torch.equal(s.model.state_dict()[k], v)
    assert s.model.state_dict()["layers.dense2.weight"].shape == (5, 4)
    assert not torch.equal(
        s.model.state_dict()["layers.dense1.weight"], fresh.model.state_dict()["layers.dense1.weight"]
    )  # it was trained
    assert s.epoch == epoch and len(s.history) == rows
    s.train(epochs=1)  # and it trains on
    assert s.epoch == epoch + 1 and np.isfinite(s.history.train_loss[-1])


def test_rebuild_keeps_optimizer_settings_and_state_of_kept_weights():
    project = load_preset("spiral")
    project.train.optimizer = "adam"
    s = Session(project, fast=False)
    s.train(epochs=3)
    for g in s.optimizer.param_groups:
        g["lr"] = 0.07
    graph = s.project.copy().graph
    node = graph.add_node("Dropout", {"p": 0.1}, id="drop")
    graph.edges = [e for e in graph.edges if not (e.src == "act1" and e.dst == "dense2")]
    graph.connect("act1", "out", node.id, "x")
    graph.connect(node.id, "out", "dense2", "x")
    kept = s.set_graph(graph)
    assert kept == {"dense1", "dense2", "head"}  # a node added in between changes nothing else
    assert s.optimizer.param_groups[0]["lr"] == 0.07
    assert isinstance(s.optimizer, torch.optim.Adam)
    moments = s.optimizer.state[s.model.layers["dense1"].weight]  # carried with the weights
    assert int(moments["step"]) == s.step and moments["exp_avg"].abs().sum() > 0


def test_changed_init_gets_fresh_weights_equal_to_a_new_build():
    s = trained("circle")
    graph = s.project.copy().graph
    first = next(n for n in graph.nodes.values() if n.type == "Dense")
    graph.set_params(first.id, init="he")
    kept = s.set_graph(graph)
    assert first.id not in kept
    from engine.builder import build_model

    expect = build_model(graph, s.dataset.spec, s.seed).state_dict()[f"layers.{first.id}.weight"]
    assert torch.equal(s.model.state_dict()[f"layers.{first.id}.weight"], expect)


def test_live_dropout_change_keeps_the_model_object():
    s = trained("circle", 1)
    graph = s.project.copy().graph
    drop = graph.add_node("Dropout", {"p": 0.2}, id="drop")
    out = next(e for e in graph.edges if e.dst == "output" and e.dst_port == "pred")
    graph.edges.remove(out)
    graph.connect(out.src, out.src_port, drop.id, "x")
    graph.connect(drop.id, "out", "output", "pred")
    s.set_graph(graph)
    model, weights = s.model, s.weights()
    live = s.project.copy().graph
    live.set_params("drop", p=0.6)
    live.set_params("output", weight=2.5)
    assert only_live_changes(s.project.graph, live)
    s.set_graph(live, structural=False)
    assert s.model is model and s.model.layers["drop"].p == 0.6
    assert s.model.main.weight == 2.5 and s.project.graph.nodes["drop"].params["p"] == 0.6
    assert all(np.array_equal(v, s.weights()[k]) for k, v in weights.items())


def test_non_structural_flag_with_a_structural_difference_still_rebuilds():
    s = trained("circle", 1)
    graph = s.project.copy().graph
    dense = next(n for n in graph.nodes.values() if n.type == "Dense")
    graph.set_params(dense.id, units=dense.params["units"] + 1)
    model = s.model
    s.set_graph(graph, structural=False)
    assert s.model is not model


def test_invalid_graph_is_refused_and_the_old_one_trains_on():
    s = trained("circle", 1)
    graph = s.project.copy().graph
    head = next(e for e in graph.edges if e.dst == "output" and e.dst_port == "pred")
    graph.edges.remove(head)
    model = s.model
    with pytest.raises(NodeplayError, match="Training goes on with the graph as it was"):
        s.set_graph(graph)
    assert s.model is model and "output" in s.project.graph.nodes
    assert any(e.dst == "output" for e in s.project.graph.edges)


def test_set_graph_command_on_the_worker_loop_reports_failure():
    s = Session(load_preset("circle"), fast=False)
    events = []
    s.subscribe(events.append)
    bad = s.project.copy().graph
    bad.edges = [e for e in bad.edges if e.dst != "output"]
    good = s.project.copy().graph
    good.set_params("output", weight=0.5)
    # Shutdown abandons a running epoch (engine.train.abandon): queue it once both have run
    s.subscribe(lambda e: isinstance(e, Snapshot) and s.epoch == 2 and s.submit(cmd.Shutdown()))
    for c in (cmd.SetGraph(bad), cmd.SetGraph(good, structural=False), cmd.Step(2)):
        s.submit(c)
    s.serve()
    fails = [e for e in events if isinstance(e, Failed)]
    assert len(fails) == 1 and "cannot train yet" in fails[0].message
    assert s.model.main.weight == 0.5 and s.epoch == 2
    assert isinstance(events[-1], Snapshot)


def test_unchanged_nodes_compares_type_and_fixed_params():
    a, b = load_preset("spiral").graph, load_preset("spiral").graph
    b.set_params("act1", fn="relu")
    assert unchanged_nodes(a, b) == set(a.nodes) - {"act1"}
    assert Edge("input", "x", "features", "x") in set(a.edges)
