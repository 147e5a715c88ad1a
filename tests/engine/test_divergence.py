"""Divergence a learner recognises (issue #14, item 6): explosions and chance with
huge weights pause with the likely cause; no probe fails on a diverged network."""

import math
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.presets import load_preset
from engine.probes.neurons import hidden_space
from engine.probes.registry import PROBES
from engine.project import save_project
from engine.train import commands as cmd
from engine.train.divergence import diagnose
from engine.train.events import Diverged, Failed, Snapshot
from engine.train.session import Session


def serve_until(s: Session, pred, *commands):
    """Serve ``s`` on a thread, queue ``commands``, return the events up to the first
    matching ``pred`` (then shut down)."""
    events, hit = [], threading.Event()

    def listen(e):
        events.append(e)
        if pred(e):
            hit.set()

    s.subscribe(listen)
    worker = threading.Thread(target=s.serve)
    worker.start()
    for c in commands:
        s.submit(c)
    assert hit.wait(120), events[-3:]
    s.submit(cmd.Shutdown())
    worker.join(60)
    assert not worker.is_alive()
    return events


@pytest.mark.parametrize("preset", ["circle", "xor", "spiral-deep", "digits-cnn"])
def test_learning_rate_100_pauses_naming_the_learning_rate(preset):
    p = load_preset(preset)
    p.train.learning_rate = 100.0
    s = Session(p, snapshot_interval=0.0)
    events = serve_until(s, lambda e: isinstance(e, Diverged), cmd.Play())
    d = next(e for e in events if isinstance(e, Diverged))
    assert "diverged" in d.message and "learning rate 100 is too high" in d.message
    assert "press Reset" in d.message and "epoch 0" not in d.message
    assert not s.runner.playing and s.epoch <= 3


@pytest.mark.parametrize("preset", ["circle", "xor", "spiral", "gauss", "reg-plane"])
def test_ordinary_training_never_pauses(preset):
    s = Session(load_preset(preset))
    for _ in range(25):
        assert s.divergence(s.train_epoch()) is None


def test_an_infinite_weight_set_by_hand_is_named_not_the_learning_rate():
    s = Session(load_preset("spiral-deep"), snapshot_interval=0.0, fast=False)
    key = next(k for k in s.model.state_dict() if k.endswith("weight"))
    events = serve_until(
        s, lambda e: isinstance(e, Diverged), cmd.SetWeight(key, (0, 0), math.inf), cmd.Step()
    )
    d = next(e for e in events if isinstance(e, Diverged))
    assert f"The weight you set by hand ({key}[0, 0] = inf)" in d.message
    assert "learning rate" not in d.message


def test_stuck_at_chance_with_a_huge_weight_set_by_hand():
    s = Session(load_preset("circle"), fast=False)
    key = next(k for k in s.model.state_dict() if k.endswith("weight"))
    s.set_weight(key, (0, 0), 5000.0)
    s.watch.start_loss = 0.7
    text = diagnose(s, {"train_loss": 1.5, "train_acc": 0.5})  # not exploded, at chance
    assert "stuck at chance (50%) with weights as large as 5e+03" in text
    assert f"({key}[0, 0] = 5000)" in text
    assert diagnose(s, {"train_loss": 1.5, "train_acc": 0.9}) is None  # learning, if oddly


def test_the_command_line_says_it_without_the_window_words(tmp_path):
    p = load_preset("xor")
    p.train.learning_rate = 100.0
    path = tmp_path / "xor.nodeplay"
    save_project(p, path)
    r = subprocess.run(
        [sys.executable, "-m", "nodeplay", "train", str(path), "--epochs", "5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode != 0 and "Traceback" not in r.stderr
    err = r.stderr.strip()
    assert "training diverged" in err and "learning rate 100 is too high" in err
    assert "train.learning_rate" in err and "press Reset" not in err and "epoch 0" not in err


def nan_session(preset: str) -> Session:
    s = Session(load_preset(preset), snapshot_interval=0.0, fast=False)
    with torch.no_grad():
        for p in s.model.parameters():
            p.fill_(math.nan)
    return s


@pytest.mark.parametrize("preset", ["spiral-deep", "digits-cnn", "vae"])
def test_every_probe_draws_a_diverged_network(preset):
    s = nan_session(preset)
    for name, p in PROBES.items():
        if not p.applies(s) or name == "kernels" and not any("conv" in k for k in s.model.state_dict()):
            continue
        p.run(s, {})  # raises nothing, not even a refusal


def test_hidden_space_of_a_nan_layer_wider_than_3_units():
    s = nan_session("spiral-deep")
    node = next(n for n, m in s.model.layers.items() if getattr(m, "out_features", 0) > 3)
    h = hidden_space(s.model, node, s.dataset.x_train, s.dataset.extent)
    assert h["dims"] == 3 and np.isfinite(h["points"]).all() and np.isfinite(h["lines"]).all()


def test_a_snapshot_probe_survives_divergence_and_the_worker_trains_on():
    s = Session(load_preset("spiral-deep"), snapshot_interval=0.0, fast=False)
    node = next(n for n, m in s.model.layers.items() if getattr(m, "out_features", 0) > 3)

    def then_reset(e):  # once diverged, as the user would: Reset, then Step twice
        if isinstance(e, Diverged):
            for c in (cmd.Reset(), cmd.Step(2)):
                s.submit(c)

    s.subscribe(then_reset)
    events = serve_until(
        s,
        lambda e: isinstance(e, Snapshot) and e.epoch == 2,
        cmd.Subscribe({"hidden": {"node": node}}),
        cmd.SetWeight(next(iter(s.model.state_dict())), (0, 0), math.nan),
        cmd.Step(3),
    )
    assert any(isinstance(e, Diverged) for e in events)
    assert not any(isinstance(e, Failed) for e in events)  # no probe failed, none dropped
    diverged = [e for e in events if isinstance(e, Snapshot) and e.epoch == 1 and "hidden" in e.probes][0]
    assert np.isfinite(diverged.probes["hidden"]["points"]).all()
    assert "hidden" in events[-1].probes and math.isfinite(s.evaluate()["train_loss"])
