"""A memory budget before building (issue #14, item 3)."""

import threading
from types import SimpleNamespace

import pytest
import torch

from engine import budget
from engine.budget import FLOAT_BYTES, OPTIMIZER_STATE, check_fits, estimate, out_of_memory
from engine.data import make_dataset
from engine.errors import NodeplayError
from engine.graph.mlp import mlp_graph
from engine.presets import load_preset
from engine.train import commands as cmd
from engine.train.events import Failed, Snapshot, StateChanged
from engine.train.session import Session


def huge_project():
    """The issue's case: a million samples through 4,096-unit layers (legal values)."""
    p = load_preset("circle")
    p.data.samples = 1_000_000
    p.graph = mlp_graph([4096, 4096])
    return p


def test_parameters_are_counted_like_the_built_model():
    p = load_preset("spiral-deep")
    p.train.optimizer = "adam"
    s = Session(p, fast=False)
    held = sum(t.numel() for t in s.model.parameters()) * FLOAT_BYTES * (2 + OPTIMIZER_STATE["adam"])
    e = estimate(p, s.dataset)
    assert e.parameters == held
    assert e.data == sum(
        a.nbytes for a in (s.dataset.x_train, s.dataset.y_train, s.dataset.x_test, s.dataset.y_test)
    )
    # one mini-batch keeps every layer's output of its samples, at least
    widest = max(m.out_features for m in s.model.modules() if isinstance(m, torch.nn.Linear))
    assert e.activations >= p.train.batch_size * widest * FLOAT_BYTES


def test_a_million_samples_through_4096_units_is_refused_with_the_figure_and_the_limit(monkeypatch):
    monkeypatch.setattr(budget, "available_bytes", lambda device=None: 8 * 1024**3)  # an 8 GB machine
    p = huge_project()
    with pytest.raises(NodeplayError) as err:
        Session(p)
    text = str(err.value)
    assert text.count("GB") == 2 and "would need about" in text and "memory available" in text
    assert "\n" not in text and len(text) < 300


def test_the_limit_is_the_memory_given():
    p = load_preset("circle")
    ds = make_dataset(p.data, p.points)
    need = estimate(p, ds).total
    assert check_fits(p, ds, available=need * 2).total == need
    with pytest.raises(NodeplayError, match="more than the"):
        check_fits(p, ds, available=need)


def test_out_of_memory_on_a_gpu_offers_the_cpu():
    text = str(out_of_memory(SimpleNamespace(device=torch.device("cuda")), RuntimeError()))
    assert "GPU ran out of memory" in text and "CPU" in text and "kept" in text


def test_out_of_memory_while_training_pauses_with_a_sentence_and_the_worker_lives():
    s = Session(load_preset("spiral-deep"), snapshot_interval=0.0, fast=False)
    events, done = [], threading.Event()
    s.subscribe(lambda e: (events.append(e), isinstance(e, Failed) and done.set()))
    real = s.model.loss
    calls = []

    def loss_out_of_memory(x, y):  # the allocator failing on the third training batch
        if not torch.is_inference_mode_enabled():  # not the evaluations
            calls.append(1)
        if len(calls) == 3:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB")
        return real(x, y)

    s.model.loss = loss_out_of_memory
    before = {k: v.clone() for k, v in s.model.state_dict().items()}
    worker = threading.Thread(target=s.serve)
    worker.start()
    s.submit(cmd.Play())
    assert done.wait(30)
    failed = next(e for e in events if isinstance(e, Failed))
    assert failed.message.startswith("Training paused: the machine ran out of memory")
    assert not s.runner.playing and any(isinstance(e, StateChanged) and not e.playing for e in events)
    assert s.epoch == 0 and s.step == 2  # two steps taken, the epoch not counted as done
    assert any(not torch.equal(before[k], v) for k, v in s.model.state_dict().items())  # kept
    s.subscribe(lambda e: s.submit(cmd.Shutdown()) if isinstance(e, Snapshot) and e.epoch == 1 else None)
    s.submit(cmd.Step())  # the worker is alive and trains on
    worker.join(30)
    assert not worker.is_alive() and s.epoch == 1


def test_available_memory_is_the_machines():
    with open("/proc/meminfo") as f:
        fields = dict(line.split(":", 1) for line in f)
    available = int(fields["MemAvailable"].split()[0]) * 1024
    assert abs(budget.available_bytes() - available) < 0.2 * available  # read a moment apart
