import threading

import numpy as np
import pytest
import torch

from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.train import Session
from engine.train import commands as cmd
from engine.train.device import choose_device
from engine.train.events import Diverged, Failed, Finished, Snapshot, StateChanged


def test_same_seed_same_loss_curve(circle):
    a, b = Session(circle.copy()), Session(circle.copy())
    a.train(epochs=15)
    b.train(epochs=15)
    assert np.array_equal(a.history.train_loss, b.history.train_loss)
    assert np.array_equal(a.history.test_loss, b.history.test_loss)
    c = Session(circle.copy())
    c.reset(seed=99)
    c.train(epochs=15)
    assert not np.allclose(a.history.train_loss, c.history.train_loss)


@pytest.mark.parametrize("preset", ["vae"])
def test_same_seed_repeats_random_layers(preset):
    """Sampling (and dropout) draw from torch's global generator, which the session seeds."""
    project = load_preset(preset)
    a = Session(project.copy(), device="cpu")
    a.train(steps=8)
    torch.rand(5)  # draws made before a session starts do not matter
    b = Session(project.copy(), device="cpu")
    b.train(steps=8)
    assert np.array_equal(a.history.train_loss, b.history.train_loss)


def test_reset_reseeds_to_the_same_start(circle):
    s = Session(circle)
    first = s.train(epochs=5)
    s.reset()
    assert s.epoch == 0 and len(s.history) == 0
    assert s.train(epochs=5)["train_loss"] == first["train_loss"]


def test_network_learns_xor(xor_project):
    s = Session(xor_project)
    before = s.evaluate()
    result = s.train()
    assert result["stopped_by"] == "Reached 60 epochs"
    assert result["test_acc"] >= 0.95 > before["test_acc"]
    assert result["train_loss"] < before["train_loss"] / 3


def test_regression_has_no_accuracy():
    s = Session(load_preset("reg-plane"))
    m = s.train(epochs=30)
    assert np.isnan(m["test_acc"]) and m["test_loss"] < 0.05


def test_steps_count_optimizer_steps(circle):
    s = Session(circle)
    s.train(steps=30)  # 25 batches per epoch at batch 10 of 250 points
    assert (s.step, s.epoch) == (30, 1)


def test_stop_loss_condition(circle):
    circle.train.stop_epochs, circle.train.stop_loss = None, 0.3
    result = Session(circle).train()
    assert result["train_loss"] <= 0.3 and result["stopped_by"].startswith("Training loss reached")


def test_no_stop_condition_is_refused(circle):
    circle.train.stop_epochs = None
    with pytest.raises(NodeplayError, match="no stop condition"):
        Session(circle).train()


def test_regularization_shrinks_weights(circle):
    plain = Session(circle.copy())
    plain.train(epochs=20)
    circle.train.regularization, circle.train.reg_rate = "l2", 0.05
    l2 = Session(circle)
    l2.train(epochs=20)
    norm = lambda s: sum(float((w * w).sum().detach()) for w in s.model.penalised_weights())  # noqa: E731
    assert norm(l2) < 0.8 * norm(plain)


def test_diverging_learning_rate_pauses_with_a_message():
    project = load_preset("reg-plane")
    project.train.learning_rate = 100.0
    with pytest.raises(NodeplayError, match=r"At epoch \d+ training diverged: the loss (became|rose to)"):
        Session(project).train(epochs=50)


def test_weights_round_trip_into_a_new_session(circle):
    s = Session(circle)
    s.train(epochs=3)
    circle.weights, circle.epoch = s.weights(), s.epoch
    again = Session(circle)
    assert again.epoch == 3
    assert again.evaluate() == s.evaluate()


def test_auto_device_keeps_tiny_networks_on_the_cpu():
    assert choose_device("auto", 17, 2).type == "cpu"
    assert choose_device("cpu", 10**7, 10**4).type == "cpu"
    if torch.cuda.is_available():
        assert choose_device("auto", 10**7, 784).type == "cuda"
    else:
        assert choose_device("auto", 10**7, 784).type == "cpu"
        with pytest.raises(NodeplayError, match="no CUDA GPU"):
            choose_device("cuda", 10, 2)


class Recorder:
    def __init__(self):
        self.events, self.cond = [], threading.Condition()

    def __call__(self, event):
        with self.cond:
            self.events.append(event)
            self.cond.notify_all()

    def wait_for(self, pred, timeout=20):
        with self.cond:
            assert self.cond.wait_for(lambda: any(pred(e) for e in self.events), timeout), (
                f"no matching event in {self.events[-5:]}"
            )
            return next(e for e in self.events if pred(e))


@pytest.fixture
def project(circle):
    return circle


@pytest.fixture
def served(project):
    """A session serving on a thread, as the GUI runs it."""
    s = Session(project, snapshot_interval=0.0)
    rec = Recorder()
    s.subscribe(rec)
    t = threading.Thread(target=s.serve, daemon=True)
    t.start()
    yield s, rec
    s.submit(cmd.Shutdown())
    t.join(10)
    assert not t.is_alive()


def test_served_session_plays_pauses_steps_and_resets(served):
    s, rec = served
    rec.wait_for(lambda e: isinstance(e, Snapshot) and e.reset)
    s.submit(cmd.Play())
    rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch >= 3)
    s.submit(cmd.Pause())
    rec.wait_for(lambda e: isinstance(e, StateChanged) and not e.playing)
    paused = rec.wait_for(lambda e: isinstance(e, Snapshot) and not e.playing and e.epoch >= 3)
    paused_at = s.epoch
    assert paused.epoch == paused_at
    rows = sum(len(e.metrics) for e in rec.events if isinstance(e, Snapshot))
    assert rows == paused_at  # every epoch reported exactly once, none lost
    s.submit(cmd.Step())
    rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch == paused_at + 1)
    s.submit(cmd.Reset())
    snap = rec.wait_for(
        lambda e: isinstance(e, Snapshot) and e.reset and e.epoch == 0 and e is not rec.events[0]
    )
    assert snap.boundary.shape == (100, 100) and np.abs(snap.boundary).max() <= 1


def test_served_session_applies_learning_rate_live(served):
    s, rec = served
    s.submit(cmd.SetLearningRate(0.3))
    s.submit(cmd.Step())
    rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch == 1)
    assert s.optimizer.param_groups[0]["lr"] == 0.3


@pytest.mark.parametrize("project", [load_preset("reg-plane")])
def test_served_session_reports_divergence_and_stops_playing(served):
    s, rec = served
    s.submit(cmd.SetLearningRate(1e6))
    s.submit(cmd.Play())
    event = rec.wait_for(lambda e: isinstance(e, Diverged))
    assert "learning rate 1e+06 is too high" in event.message
    rec.wait_for(lambda e: isinstance(e, StateChanged) and not e.playing)
    assert not s.playing


def test_served_session_pauses_at_the_stop_condition(served):
    s, rec = served
    s.project.train.stop_epochs = 4
    s.submit(cmd.Play())
    event = rec.wait_for(lambda e: isinstance(e, Finished))
    assert event.epoch == 4 and "Reached 4 epochs" in event.message


def test_probes_and_weight_edits_through_commands(served):
    s, rec = served
    s.submit(cmd.Subscribe(cmd.probe_subscriptions(64, 16, "act2")))
    snap = rec.wait_for(lambda e: isinstance(e, Snapshot) and e.neurons is not None)
    assert snap.boundary.shape == (64, 64) and snap.neurons["dense1"].shape == (4, 16, 16)
    assert snap.hidden["points"].shape == (250, 2) and snap.hidden["projection"] == "raw"
    assert snap.weights["layers.dense1.weight"].shape == (4, 2)
    s.submit(cmd.SetWeight("layers.dense1.weight", (2, 1), 1.5))
    snap = rec.wait_for(
        lambda e: (
            isinstance(e, Snapshot)
            and e.weights is not None
            and e.weights["layers.dense1.weight"][2, 1] == 1.5
        )
    )
    s.submit(cmd.SetWeight("layers.nope", (0,), 1.0))
    event = rec.wait_for(lambda e: isinstance(e, Failed))
    assert event.message == "The network has no weight 'layers.nope'."
    s.submit(cmd.Step())  # the session survives a bad command
    rec.wait_for(lambda e: isinstance(e, Snapshot) and e.epoch == 1)


def test_a_new_stop_condition_fires_again(served):
    s, rec = served
    s.submit(cmd.SetStop(epochs=2))
    s.submit(cmd.Play())
    rec.wait_for(lambda e: isinstance(e, Finished) and e.epoch == 2)
    s.submit(cmd.SetStop(epochs=4))
    s.submit(cmd.Play())
    rec.wait_for(lambda e: isinstance(e, Finished) and e.epoch == 4)


def test_costly_probes_stretch_the_snapshot_interval(circle):
    from engine.probes.registry import register, unregister

    # A fake clock: each probe run costs 1/32 s of it, each epoch 1/128 s (binary
    # fractions, so the sums are exact); nothing sleeps.
    now = [0.0]

    def slow_probe(ctx, args):
        now[0] += 1 / 32
        return np.zeros(1)

    register("test-slow", slow_probe)
    try:
        s = Session(circle, snapshot_interval=0.0)
        s.runner.clock = lambda: now[0]
        shots = []
        s.subscribe(lambda e: shots.append((now[0], e)) if isinstance(e, Snapshot) else None)
        s.runner.subscriptions = {"test-slow": {}}
        s.publish(force=True)
        epochs = 0
        while now[0] < 1:
            s.train_epoch()
            now[0] += 1 / 128
            epochs += 1
            s.publish()
    finally:
        unregister("test-slow")
    # each snapshot costs 1/32 s, so the next waits PROBE_SHARE (5) times that from
    # its start: snapshots start at 0, 5/32, 10/32, ..., 30/32 of the second
    assert epochs > 50  # without the stretch, every epoch would have published
    ends = [t for t, _ in shots]
    assert ends == [(5 * i + 1) / 32 for i in range(7)]
    assert all("test-slow" in shot.probes for _, shot in shots)
