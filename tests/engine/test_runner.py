"""The runner drives any trainer: probes plug in, asks are answered, projects swap."""

import threading
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from engine.presets import load_preset
from engine.probes.registry import register, unregister
from engine.train import commands as cmd
from engine.train.events import Answer, Failed, Finished, Metrics, Snapshot, StateChanged
from engine.train.runner import Runner
from engine.train.session import Session
from engine.train.trainer import Trainer


class Recorder:
    def __init__(self):
        self.events, self.cond = [], threading.Condition()

    def __call__(self, event):
        with self.cond:
            self.events.append(event)
            self.cond.notify_all()

    def wait_for(self, pred, timeout=30):
        with self.cond:
            assert self.cond.wait_for(lambda: any(pred(e) for e in self.events), timeout), (
                f"no matching event in {self.events[-5:]}"
            )
            return next(e for e in self.events if pred(e))


@pytest.fixture
def serve():
    """serve(runner_or_session) -> Recorder; shuts every one down afterwards."""
    started = []

    def start(target):
        rec = Recorder()
        target.subscribe(rec)
        t = threading.Thread(target=target.serve, daemon=True)
        t.start()
        started.append((target, t))
        return rec

    yield start
    for target, t in started:
        target.submit(cmd.Shutdown())
        t.join(20)
        assert not t.is_alive()


@pytest.fixture
def dummy_probe():
    """A probe registered by the test alone: the runner, Snapshot and bridge know nothing of it."""
    calls = []

    def first_layer_norm(ctx, args):
        calls.append(args)
        w = next(iter(ctx.model.parameters())).detach().numpy()
        return np.array([np.linalg.norm(w) * args["scale"]])

    register("test-norm", first_layer_norm, args={"scale": 1.0})
    yield calls
    unregister("test-norm")


def test_a_registered_probe_reaches_snapshots_once_subscribed(serve, dummy_probe):
    s = Session(load_preset("circle"), snapshot_interval=0.0)
    rec = serve(s)
    rec.wait_for(lambda e: isinstance(e, Snapshot) and e.reset)
    assert not any("test-norm" in e.probes for e in rec.events if isinstance(e, Snapshot))
    s.submit(cmd.Subscribe({"test-norm": {"scale": 2.0}, "boundary": {"size": 20}}))
    s.submit(cmd.Step(2))
    snap = rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch == 2)
    w = next(iter(s.model.parameters())).detach().numpy()
    assert snap.probes["test-norm"] == pytest.approx([2 * np.linalg.norm(w)])
    assert snap.boundary.shape == (20, 20) and snap.neurons is None
    assert dummy_probe[-1] == {"scale": 2.0}
    s.submit(cmd.Subscribe({}))  # unsubscribed: computed no more
    s.submit(cmd.Step())
    snap = rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch == 3)
    assert snap.probes == {}


def test_merged_snapshots_keep_older_probe_values():
    older = Snapshot(1, 1, True, Metrics(), probes={"a": 1, "b": 2})
    newer = Snapshot(2, 2, True, Metrics(), probes={"b": 3})
    assert newer.after(older).probes == {"a": 1, "b": 3}
    assert Snapshot(3, 3, True, None, reset=True, probes={}).after(older).probes == {}


def test_an_unknown_subscription_is_refused_and_the_rest_is_kept(serve):
    s = Session(load_preset("circle"), snapshot_interval=0.0)
    rec = serve(s)
    s.submit(cmd.Subscribe({"no-such": {}, "boundary": {"size": 10}}))
    event = rec.wait_for(lambda e: isinstance(e, Failed))
    assert "There is no probe named 'no-such'" in event.message and not event.stopped
    s.submit(cmd.Step())
    snap = rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch == 1)
    assert snap.boundary.shape == (10, 10)


@pytest.mark.parametrize("preset", ["circle", "spiral-deep"])
def test_an_ask_is_answered_while_playing(serve, dummy_probe, preset):
    s = Session(load_preset(preset))
    s.project.train.stop_epochs = None
    s.project.train.stop_loss = None
    rec = serve(s)
    s.submit(cmd.Play())
    rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch >= 2)
    s.submit(cmd.Ask(7, "test-norm", {"scale": 3.0}))
    s.submit(cmd.Ask(8, "boundary", {"size": 12}))
    a7 = rec.wait_for(lambda e: isinstance(e, Answer) and e.request_id == 7)
    a8 = rec.wait_for(lambda e: isinstance(e, Answer) and e.request_id == 8)
    assert a7.error is None and a7.probe == "test-norm" and a7.value.shape == (1,)
    assert a8.error is None and a8.value.shape == (12, 12)
    assert s.playing  # answered without pausing


def test_an_ask_is_answered_between_mini_batches_of_a_long_epoch(dummy_probe):
    s = Session(load_preset("digits-cnn"), fast=False)
    runner, answers = s.runner, []
    s.subscribe(lambda e: isinstance(e, Answer) and answers.append((s.step, e)))
    runner.submit(cmd.Ask(1, "test-norm", {}))
    runner._commands.get_nowait()  # as if the loop were inside an epoch: only the Ask waits
    s.train_epoch(between=runner._between)
    ((step, answer),) = answers
    assert step == 0 and answer.error is None  # answered after the first mini-batch


def test_bad_asks_get_one_sentence_and_the_worker_goes_on(serve):
    s = Session(load_preset("circle"), snapshot_interval=0.0)
    rec = serve(s)
    s.submit(cmd.Ask(1, "nope", {}))
    s.submit(cmd.Ask(2, "boundary", {"size": "big"}))
    s.submit(cmd.Ask(3, "boundary", {"colour": 1}))
    s.submit(cmd.Ask(4, "thumbnails", {}))
    errors = {
        i: rec.wait_for(lambda e, i=i: isinstance(e, Answer) and e.request_id == i).error for i in (1, 2, 3)
    }
    assert errors[1].startswith("There is no probe named 'nope'; the known probes are ")
    assert "size must be a whole number" in errors[2]
    assert errors[3] == ("The probe 'boundary' has no argument 'colour'; it takes size.")
    four = rec.wait_for(lambda e: isinstance(e, Answer) and e.request_id == 4)
    assert four.error is None and set(four.value) >= {"dense1"}
    s.submit(cmd.Ask(5, "hidden", {"node": "no-layer"}))
    five = rec.wait_for(lambda e: isinstance(e, Answer) and e.request_id == 5)
    assert five.value is None and five.error.startswith("The probe 'hidden' has nothing to show")
    s.submit(cmd.Step())
    rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch == 1)


def test_a_failing_subscribed_probe_is_dropped_with_a_sentence(serve):
    register("test-broken", lambda ctx, args: ctx.no_such_attribute)
    try:
        s = Session(load_preset("circle"), snapshot_interval=0.0)
        rec = serve(s)
        s.submit(cmd.Subscribe({"test-broken": {}, "boundary": {"size": 8}}))
        event = rec.wait_for(lambda e: isinstance(e, Failed))
        assert event.message.startswith("The probe 'test-broken' failed: AttributeError")
        assert event.message.endswith("It is no longer shown.") and not event.stopped
        s.submit(cmd.Step())
        snap = rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch == 1)
        assert "test-broken" not in snap.probes and snap.boundary.shape == (8, 8)
    finally:
        unregister("test-broken")


def test_set_project_swaps_the_trainer_inside_the_same_worker(serve):
    s = Session(load_preset("circle"), snapshot_interval=0.0)
    rec = serve(s)
    s.submit(cmd.Step(2))
    rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch == 2)
    xor = load_preset("xor")
    s.submit(cmd.SetProject(xor))
    snap = rec.wait_for(
        lambda e: isinstance(e, Snapshot) and e.reset and e.epoch == 0 and e is not rec.events[0]
    )
    assert s.dataset.name == "xor" and s.project is xor and len(snap.metrics) == 0
    broken = load_preset("circle")
    broken.graph.remove_node(next(iter(broken.graph.nodes_of_type("Output"))).id)
    s.submit(cmd.SetProject(broken))
    event = rec.wait_for(lambda e: isinstance(e, Failed))
    assert not event.stopped
    s.submit(cmd.Step())
    rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch == 1)
    assert s.dataset.name == "xor"  # the refused project left the old one training


class TinyGan:
    """A two-optimizer adversarial trainer on 2-D points, as the Trainer protocol's
    docstring describes: a discriminator step, then a generator step, per mini-batch."""

    def __init__(self, stop_epochs=None):
        self.dataset = SimpleNamespace(extent=3.0, is_2d=True, name="ring")
        self.device = torch.device("cpu")
        self.stop_epochs = stop_epochs
        self.generation = 0
        self.real = torch.randn(256, 2, generator=torch.Generator().manual_seed(0)) + 1.5
        self.reset(0)

    def reset(self, seed=None):
        torch.manual_seed(seed or 0)
        self.g = torch.nn.Linear(2, 2)
        self.d = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
        self.opt_g = torch.optim.Adam(self.g.parameters(), 1e-2)
        self.opt_d = torch.optim.SGD(self.d.parameters(), 5e-2)
        self.epoch = self.step = 0
        self.rows = []
        self.generation += 1

    def train_epoch(self, max_steps=None, *, between=None):
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        for real in self.real.split(64):
            fake = self.g(torch.randn(len(real), 2))
            d_loss = bce(self.d(real), torch.ones(len(real), 1)) + bce(
                self.d(fake.detach()), torch.zeros(len(real), 1)
            )
            self.opt_d.zero_grad()
            d_loss.backward()
            self.opt_d.step()
            g_loss = bce(self.d(fake), torch.ones(len(real), 1))
            self.opt_g.zero_grad()
            g_loss.backward()
            self.opt_g.step()
            self.step += 1
            if between is not None:
                between()
        self.epoch += 1
        row = {
            "train_loss": g_loss.item(),
            "test_loss": d_loss.item(),
            "train_acc": float("nan"),
            "test_acc": float("nan"),
        }
        self.rows.append(row)
        return row

    def take_rows(self):
        rows, self.rows = self.rows, []
        n = len(rows)
        return Metrics(
            np.arange(self.epoch - n + 1, self.epoch + 1),
            *(np.array([r[k] for r in rows]) for k in ("train_loss", "test_loss", "train_acc", "test_acc")),
        )

    def divergence(self, m):
        return None if np.isfinite([m["train_loss"], m["test_loss"]]).all() else "diverged"

    def stop_reason(self, m):
        if self.stop_epochs is not None and self.epoch >= self.stop_epochs:
            return f"Reached {self.stop_epochs} epochs"
        return None

    def weights(self):
        return {
            k: v.detach().numpy().copy() for k, v in {**self.g.state_dict(), **self.d.state_dict()}.items()
        }

    def apply(self, c):
        if isinstance(c, cmd.SetLearningRate):
            for opt in (self.opt_g, self.opt_d):
                for group in opt.param_groups:
                    group["lr"] = c.value
            return False
        return None


def test_a_two_optimizer_trainer_runs_through_the_runner(serve):
    register(
        "test-fakes",
        lambda ctx, args: ctx.g(torch.randn(args["n"], 2)).detach().numpy(),
        applies=lambda ctx: isinstance(ctx, TinyGan),
        args={"n": 16},
    )
    try:
        gan = TinyGan(stop_epochs=3)
        assert isinstance(gan, Trainer)
        runner = Runner(gan, snapshot_interval=0.0, subscriptions={"test-fakes": {"n": 5}, "boundary": {}})
        rec = serve(runner)
        first = rec.wait_for(lambda e: isinstance(e, Snapshot))
        assert first.reset and first.probes["test-fakes"].shape == (5, 2)
        assert "boundary" not in first.probes  # a supervised probe: not for this trainer
        runner.submit(cmd.SetLearningRate(0.02))
        runner.submit(cmd.Play())
        done = rec.wait_for(lambda e: isinstance(e, Finished))
        assert done.epoch == 3 and gan.opt_g.param_groups[0]["lr"] == 0.02
        rec.wait_for(lambda e: isinstance(e, StateChanged) and not e.playing)
        rows = sum(len(e.metrics) for e in rec.events if isinstance(e, Snapshot))
        assert rows == 3 and gan.step == 12
        runner.submit(cmd.Ask(5, "test-fakes", {"n": 3}))
        answer = rec.wait_for(lambda e: isinstance(e, Answer))
        assert answer.value.shape == (3, 2) and answer.error is None
        runner.submit(cmd.SetWeight("x", (0,), 1.0))  # a supervised command
        refused = rec.wait_for(lambda e: isinstance(e, Failed))
        assert refused.message == "This trainer does not take SetWeight commands."
    finally:
        unregister("test-fakes")
