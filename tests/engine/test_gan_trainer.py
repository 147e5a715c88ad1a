"""The adversarial trainer: GAN graphs validate, train, diverge in words, and run in the runner."""

import threading

import numpy as np
import pytest
import torch

from engine.errors import NodeplayError
from engine.graph import validate
from engine.graph.gan_graphs import dcgan_8x8, gan_2d
from engine.presets import load_preset
from engine.project import Project, project_from_dict
from engine.settings import DataSettings, TrainSettings
from engine.train import commands as cmd
from engine.train.adversarial import GanTrainer, StepPhase
from engine.train.events import Diverged, Snapshot
from engine.train.factory import make_trainer
from engine.train.session import Session


def ring_project(name="gan-ring", **adversarial) -> Project:
    return Project(
        gan_2d(**adversarial),
        DataSettings(name=name, samples=512),
        TrainSettings(optimizer="adam", learning_rate=2e-3, batch_size=64, seed=1),
    )


def energy_distance(a: np.ndarray, b: np.ndarray) -> float:
    """2 E|X - Y| - E|X - X'| - E|Y - Y'|, written out independently of the engine."""

    def mean_dist(p, q):
        return np.sqrt(((p[:, None, :] - q[None, :, :]) ** 2).sum(-1)).mean()

    return 2 * mean_dist(a, b) - mean_dist(a, a) - mean_dist(b, b)


def test_a_gan_graph_validates_and_its_mistakes_read_as_sentences():
    spec = make_trainer(ring_project()).dataset.spec
    assert validate(gan_2d(), spec).ok
    wide = gan_2d()
    wide.set_params("gout", units=3)
    err = validate(wide, spec).first_error()
    assert "generator's output (N, 3) must match the data's shape (N, 2)" in str(err)
    no_loss = gan_2d()
    no_loss.remove_node("adversarial")
    assert "exactly one Adversarial node" in str(validate(no_loss, spec).first_error())
    crossed = gan_2d()  # the discriminator reads the generator's layers, not the data
    crossed.disconnect(crossed.incoming("d1", "x"))
    crossed.connect("grelu2", "out", "d1", "x")
    assert "reached from the data's Input" in str(validate(crossed, spec).first_error())


@pytest.mark.parametrize("name", ["gan-ring", "gan-gaussians", "gan-line", "gan-disjoint"])
def test_training_brings_generated_points_closer_to_each_2d_set(name):
    torch.set_num_threads(1)
    t = GanTrainer(ring_project(name))
    real = t.dataset.x_train[:400]
    before = energy_distance(t.sample(400, seed=5), real)
    t.train(steps=1500)
    after = energy_distance(t.sample(400, seed=5), real)
    assert after < 0.5 * before, (name, before, after)


def test_factory_picks_the_trainer_from_the_graph():
    assert isinstance(make_trainer(ring_project()), GanTrainer)
    assert isinstance(make_trainer(load_preset("circle")), Session)


def test_weights_round_trip_through_a_project_file():
    t = GanTrainer(ring_project())
    t.train(steps=50)
    p = ring_project()
    p.weights, p.epoch = t.weights(), t.epoch
    assert all(k.startswith("layers.") for k in p.weights)
    again = GanTrainer(project_from_dict(p.to_dict()))
    np.testing.assert_allclose(again.sample(16, seed=3), t.sample(16, seed=3), rtol=1e-5, atol=1e-6)


def test_dcgan_samples_images_of_the_data_shape():
    p = Project(
        dcgan_8x8(), DataSettings(name="digits", samples=300), TrainSettings(optimizer="adam", batch_size=32)
    )
    t = GanTrainer(p)
    images = t.sample_images(6, seed=0)
    assert images.shape == (6, 1, 8, 8) and images.min() >= 0 and images.max() <= 1
    np.testing.assert_array_equal(images, t.sample_images(6, seed=0))  # fixed noise, same grid
    with pytest.raises(NodeplayError, match="points, not images"):
        GanTrainer(ring_project()).sample_images(4)


def test_a_discriminator_that_wins_for_long_is_reported():
    t = GanTrainer(ring_project())
    for g in t.g_opt.param_groups:  # a generator that cannot learn: the discriminator wins
        g["lr"] = 0.0
    message = None
    for _ in range(300):
        m = t.train_epoch()
        if (message := t.divergence(m)) is not None:
            break
    assert message is not None and message.startswith("The discriminator saturated")
    assert "non-saturating loss" in message


def test_a_generator_stuck_on_one_point_is_reported():
    t = GanTrainer(ring_project())
    with torch.no_grad():
        t.nets.generator.layers["gout"].weight.zero_()  # every sample is the output bias
    for g in t.g_opt.param_groups:
        g["lr"] = 0.0
    message = None
    for _ in range(300):
        if (message := t.divergence(t.train_epoch())) is not None:
            break
    assert message is not None and message.startswith("The generator collapsed")


def test_rows_carry_both_losses_and_phases_step_alone():
    t = GanTrainer(ring_project(d_steps=2))
    m = t.train_epoch()
    assert {"d_loss", "g_loss", "d_real", "d_fake"} <= set(m) and m["train_loss"] == m["g_loss"]
    assert t.step == len(t.real) // (64 * 2)
    step, d = t.step, t.d_steps_done
    t.apply(StepPhase("d"))
    assert (t.step, t.d_steps_done) == (step, d + 1)
    t.apply(StepPhase("g"))
    assert (t.step, t.d_steps_done) == (step + 1, d + 1)
    t.apply(StepPhase("both"))
    assert (t.step, t.d_steps_done) == (step + 2, d + 3)
    t.apply(cmd.SetLearningRate(0.01))
    assert t.g_opt.param_groups[0]["lr"] == t.d_opt.param_groups[0]["lr"] == 0.01


def _serve(trainer):
    events, cond = [], threading.Condition()

    def listen(e):
        with cond:
            events.append(e)
            cond.notify_all()

    trainer.subscribe(listen)
    thread = threading.Thread(target=trainer.serve, daemon=True)
    thread.start()

    def wait_for(pred, timeout=30):
        with cond:
            assert cond.wait_for(lambda: any(pred(e) for e in events), timeout), events[-3:]
            found = next(e for e in events if pred(e))
            events.clear()
            return found

    return thread, wait_for


def test_the_runner_plays_pauses_steps_resets_and_swaps_to_a_gan_and_back():
    session = Session(load_preset("circle"))
    thread, wait_for = _serve(session)
    try:
        runner = session.runner
        session.submit(cmd.SetProject(ring_project(), token=7))
        snap = wait_for(lambda e: isinstance(e, Snapshot) and e.token == 7)
        assert isinstance(runner.trainer, GanTrainer) and snap.reset
        session.submit(cmd.Play())
        wait_for(lambda e: isinstance(e, Snapshot) and e.step >= 16)
        session.submit(cmd.Pause())
        paused = wait_for(lambda e: isinstance(e, Snapshot) and not e.playing)
        session.submit(cmd.Step())
        stepped = wait_for(lambda e: isinstance(e, Snapshot) and e.step > paused.step)
        assert stepped.epoch == paused.epoch + 1
        session.submit(StepPhase("g"))
        assert wait_for(lambda e: isinstance(e, Snapshot)).step == stepped.step + 1
        session.submit(cmd.Reset())
        assert wait_for(lambda e: isinstance(e, Snapshot) and e.reset).step == 0
        session.submit(cmd.SetProject(load_preset("xor"), token=8))
        wait_for(lambda e: isinstance(e, Snapshot) and e.token == 8)
        assert isinstance(runner.trainer, Session)
    finally:
        session.submit(cmd.Shutdown())
        thread.join(20)
    assert not thread.is_alive()


def test_a_runaway_learning_rate_is_reported_in_the_runner():
    p = ring_project()
    p.train.learning_rate = 1e6
    p.train.optimizer = "sgd"
    t = GanTrainer(p)
    thread, wait_for = _serve(t)
    try:
        t.submit(cmd.Play())
        bad = wait_for(lambda e: isinstance(e, Diverged), timeout=60)
        assert "lower the learning rate" in bad.message or "saturated" in bad.message
    finally:
        t.submit(cmd.Shutdown())
        thread.join(20)


def test_the_cli_trains_and_exports_a_gan_and_onnx_refuses_it_in_a_sentence(tmp_path, capsys):
    from nodeplay.cli import main

    path = tmp_path / "g.json"
    assert main(["new", "gan-2d", "--out", str(path)]) == 0
    assert main(["train", str(path), "--steps", "20", "--json", "--out", str(tmp_path / "t.json")]) == 0
    out = capsys.readouterr().out
    assert '"steps": 20' in out and '"d_loss"' in out
    assert main(["export", str(path), "--format", "python", "--out", str(tmp_path / "x")]) == 0
    assert (tmp_path / "x" / "train.py").is_file() and "Gan" in (tmp_path / "x" / "model.py").read_text()
    pytest.importorskip("onnx")
    assert main(["export", str(path), "--format", "onnx", "--out", str(tmp_path / "g.onnx")]) != 0
    assert "export it as Python" in capsys.readouterr().err and not (tmp_path / "g.onnx").exists()


def test_a_dcgan_with_batch_norm_reopens_with_its_weights(tmp_path):
    from engine.project import load_project, save_project

    p = load_preset("gan")
    t = GanTrainer(p)
    t.train(steps=3)
    p.weights, p.epoch = t.weights(), t.epoch
    back = load_project(save_project(p, tmp_path / "g.nodeplay"))
    again = GanTrainer(back)
    np.testing.assert_allclose(again.sample_images(4, seed=2), t.sample_images(4, seed=2), atol=1e-6)


def test_slow_motion_plays_one_phase_per_epoch_d_then_g():
    from engine.train.adversarial import SetSlowMotion

    t = GanTrainer(ring_project(d_steps=2))
    t.apply(SetSlowMotion(True))
    phases = []
    for _ in range(6):
        t.train_epoch()
        phases.append(t.last_phase)
    assert phases == ["d", "d", "g", "d", "d", "g"] and t.step == 2 and t.epoch == 2
    t.apply(SetSlowMotion(False))
    t.train_epoch()
    assert t.step > 2
