"""Issue #14: a GAN moves between devices losing nothing, and a GPU out-of-memory
error in its training pauses with the event that offers the CPU.

No machine here has a GPU: the trainer is made to think it trains on CUDA (its
``device`` says so while its tensors stay on the CPU), which takes every step of a
move but the copies themselves."""

import numpy as np
import pytest
import torch

from engine.presets import load_preset
from engine.train.adversarial import GanTrainer
from tests.engine.oom_run import out_of_memory_then_cpu

CUDA = torch.device("cuda")


def trainer() -> GanTrainer:
    p = load_preset("gan-2d")
    p.train.seed = 3
    return GanTrainer(p, snapshot_interval=0.0)


def optimizer_state(t: GanTrainer) -> list:
    return [
        (k, v.detach().clone() if torch.is_tensor(v) else v)
        for opt in (t.g_opt, t.d_opt)
        for state in opt.state.values()
        for k, v in state.items()
    ]


def test_a_moved_gan_trains_on_exactly_as_one_that_never_moved():
    moved, still = trainer(), trainer()
    for t in (moved, still):
        t.train(epochs=3)
    before = optimizer_state(moved)
    moved.device = CUDA  # as if it trained on a GPU until now
    assert moved.move_to("cpu") == torch.device("cpu")
    assert moved.device.type == "cpu" and moved.project.train.device == "cpu"
    after = optimizer_state(moved)
    assert len(after) == len(before) > 0
    for (k0, v0), (k1, v1) in zip(before, after):
        assert k0 == k1 and (torch.equal(v0, v1) if torch.is_tensor(v0) else v0 == v1)
    for t in (moved, still):
        t.train(epochs=5)
    a, b = moved.weights(), still.weights()
    assert all(np.array_equal(a[k], b[k]) for k in b)
    assert moved.step == still.step and moved.epoch == still.epoch > 3
    assert np.array_equal(moved.gan_history["g_loss"], still.gan_history["g_loss"], equal_nan=True)


def test_a_gan_project_saved_with_the_gpu_opens_without_one(monkeypatch):
    monkeypatch.setattr("engine.train.device.cuda_available", lambda: False)
    p = load_preset("gan-2d")
    p.train.device = "cuda"
    assert GanTrainer(p).device.type == "cpu"


def test_out_of_memory_in_a_gan_pauses_with_its_event_and_goes_on_on_the_cpu():
    t = trainer()
    real_step, calls = t.g_step, []

    def g_step():
        calls.append(1)
        if len(calls) == 3:
            t.device = CUDA  # from here on the trainer believes it trained on a GPU
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB")
        real_step()

    t.g_step = g_step

    def paused(oom, _events):
        assert oom.device == "cuda" and oom.message.startswith("Training paused: the GPU ran out of memory")
        assert not t.runner.playing and t.step == 2  # two iterations kept, nothing undone

    out_of_memory_then_cpu(t, paused, lambda: t.epoch >= 2)
    assert t.device.type == "cpu" and t.project.train.device == "cpu"
    assert all(np.isfinite(v).all() for v in t.weights().values())


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_a_real_gan_move_to_the_gpu_and_back():
    t = trainer()
    t.train(epochs=2)
    assert t.move_to("cuda").type == "cuda"
    t.train(epochs=2)
    assert t.move_to("cpu").type == "cpu"
    t.train(epochs=1)
    assert t.device.type == "cpu" and all(np.isfinite(v).all() for v in t.weights().values())
