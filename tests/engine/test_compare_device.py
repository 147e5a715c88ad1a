"""Issue #14: compare mode's trainers move to the CPU after a GPU ran out of memory,
every variant going on where it was.

No machine here has a GPU: a trainer is made to think it trains on CUDA (its
``device`` says so while its tensors stay on the CPU), which takes every step of a
move but the copies themselves."""

import numpy as np
import pytest
import torch

from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.train.compare import CompareSession
from engine.train.runner import Runner
from engine.train.variants import SteppedCompare
from tests.engine.oom_run import out_of_memory_then_cpu

CUDA = torch.device("cuda")
RATES = [{"learning_rate": 0.03, "optimizer": "momentum"}, {"learning_rate": 0.3, "optimizer": "sgd"}]


def test_a_moved_compare_session_trains_on_as_one_that_never_moved():
    moved, still = (CompareSession(load_preset("circle"), RATES, fast=False) for _ in range(2))
    for c in (moved, still):
        for _ in range(3):
            c.train_epoch()
    moved.device = CUDA  # as if it trained on a GPU until now
    assert moved.move_to("cpu").type == "cpu" and moved.project.train.device == "cpu"
    for c in (moved, still):
        for _ in range(3):
            c.train_epoch()
    for a, b in zip(moved.params, still.params):
        assert torch.equal(a, b)
    assert all(torch.equal(a, b) for a, b in zip(moved._bufs, still._bufs))
    assert moved.epoch == still.epoch == 6


def test_the_compiled_compare_path_says_it_cannot_move(monkeypatch):
    c = CompareSession(load_preset("circle"), RATES)
    if c._fast is None:
        pytest.skip("the CPU kernels are not in use here")
    c.device = CUDA
    with pytest.raises(NodeplayError, match="applies when compare mode starts again"):
        c.move_to("cpu")


def test_stepped_compare_moves_every_session():
    sc = SteppedCompare(load_preset("circle"), [{"optimizer": "adam"}, {"optimizer": "rmsprop"}])
    sc.train_epoch()
    for s in sc.sessions:
        s.device = CUDA
    assert sc.move_to("cpu").type == "cpu"
    assert all(s.device.type == "cpu" and s.project.train.device == "cpu" for s in sc.sessions)
    sc.train_epoch()
    assert sc.epoch == 2


def test_a_gpu_out_of_memory_in_compare_pauses_with_its_event_and_goes_on_on_the_cpu():
    c = CompareSession(load_preset("circle"), RATES, fast=False)
    real, calls = c._forward, []

    def forward(x, *a):
        calls.append(1)
        if len(calls) == 40:  # inside the second epoch
            c.device = CUDA
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB")
        return real(x, *a)

    c._forward = forward
    runner = Runner(c, snapshot_interval=0.0)

    def paused(oom, _events):
        assert oom.device == "cuda" and "Set Device to CPU" in oom.message
        assert c.epoch == 1 and not runner.playing

    out_of_memory_then_cpu(runner, paused, lambda: c.epoch >= 3)
    assert c.device.type == "cpu"
    assert all(np.isfinite(p.detach().numpy()).all() for p in c.params)
