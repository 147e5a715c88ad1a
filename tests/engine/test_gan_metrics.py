"""A 2-D GAN's KL/JS divergence as an engine metric: the one the gan-2d view draws,
written by ``nodeplay train --metrics`` (the project's own epochs when none are given)."""

import numpy as np
import pytest
import torch

from engine.presets import load_preset
from engine.train.factory import make_trainer
from engine.train.gan_metrics import DIVERGENCES, GAN_COLUMNS
from engine.train.run_log import COLUMNS, read_run


def test_the_divergence_metric_is_the_probes_and_falls_as_the_gan_learns_its_ring():
    from engine.probes.gan import gan_plane
    from engine.train.gan_metrics import divergence

    trainer = make_trainer(load_preset("gan-2d"), device="cpu")
    before = divergence(trainer)
    plane = gan_plane(trainer, {"count": 256, "size": 8, "seed": 0})
    assert plane["divergence"]["kl"][-1] == pytest.approx(before["kl"])
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a small net: more threads only contend (minutes on a busy machine)
    try:
        after = trainer.train(steps=150)  # its result carries the divergence too
    finally:
        torch.set_num_threads(threads)
    assert after["js"] < 0.85 * before["js"] and after["kl"] < before["kl"]


def test_train_metrics_writes_the_divergence_for_the_projects_own_epochs(tmp_path, capsys):
    from engine.project import save_project
    from nodeplay.cli import main

    project = load_preset("gan-2d")
    project.train.stop_epochs = 2
    save_project(project, tmp_path / "g.json")
    assert main(["train", str(tmp_path / "g.json"), "--metrics", str(tmp_path / "run.csv")]) == 0
    run = read_run(tmp_path / "run.csv")
    assert list(run) == [*COLUMNS, *GAN_COLUMNS, *DIVERGENCES] and list(run["epoch"]) == [0, 1, 2]
    assert np.isfinite(run["kl"]).all() and (run["js"] > 0).all()
    project.train.stop_epochs = None
    save_project(project, tmp_path / "h.json")
    assert main(["train", str(tmp_path / "h.json"), "--metrics", str(tmp_path / "h.csv")]) != 0
    assert "--metrics needs --epochs" in capsys.readouterr().err


def test_the_trainer_draws_the_divergence_curve_as_it_trains_and_a_reset_starts_it_again():
    from engine.train.gan_metrics import TRACK_EVERY, curve, divergence

    trainer = make_trainer(load_preset("gan-2d"), device="cpu")
    trainer.train(steps=100)
    c = curve(trainer)
    assert c["step"][0] == 0 and len(c["step"]) >= 3  # one point per epoch of 28 iterations
    assert (np.diff(c["step"]) >= TRACK_EVERY).all()
    if c["step"][-1] == trainer.step:  # the last point is the divergence as it is now
        assert c["js"][-1] == pytest.approx(divergence(trainer)["js"])
    trainer.reset()
    assert curve(trainer)["step"] == [] and divergence(trainer)["kl"] > 0
