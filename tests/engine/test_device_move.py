"""T-OOM (issue #14): a session moves to another device losing nothing, and a GPU's
out-of-memory error pauses training with its own event.

No machine here has a GPU: the session is made to think it trains on CUDA (its
``device`` says so while its tensors stay on the CPU), which takes every step of a
real move but the copies themselves. The last test runs only where CUDA exists.
"""

import numpy as np
import pytest
import torch

from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.project import load_project, save_project
from engine.train import commands as cmd
from engine.train import compile_warmup
from engine.train.device import cuda_available
from engine.train.events import DeviceChanged, Failed, StateChanged
from engine.train.session import Session
from tests.engine.oom_run import out_of_memory_then_cpu

CUDA = torch.device("cuda")


def project(optimizer: str):
    p = load_preset("circle")
    p.train.optimizer = optimizer
    return p


def state_of(s: Session) -> dict:
    """Every number a move must keep: weights, optimizer buffers, position, curves."""
    opt = {
        (i, k): v.detach().cpu().clone() if torch.is_tensor(v) else v
        for i, p in enumerate(s.model.parameters())
        for k, v in s.optimizer.state.get(p, {}).items()
    }
    return {
        "weights": {k: v.copy() for k, v in s.weights().items()},
        "opt": opt,
        "epoch": s.epoch,
        "step": s.step,
        "loss": s.history.train_loss.copy(),
        "generation": s.generation,
    }


@pytest.fixture(params=["torch", "numpy", "compiled kernel"])
def path(request, monkeypatch):
    """Which path trains a small perceptron: autograd, numpy, or the compiled kernel
    (each keeps the optimizer's state its own way)."""
    if request.param == "numpy":  # the kernel neither ready nor compiling
        monkeypatch.setattr(compile_warmup.state, "ready", False)
        monkeypatch.setattr(compile_warmup.state, "started", True)
    elif request.param == "compiled kernel":
        monkeypatch.setattr(compile_warmup.state, "ready", compile_warmup.state.ready)
        compile_warmup.warm()
    return request.param


@pytest.mark.parametrize("optimizer", ["adam", "momentum"])
def test_moving_keeps_weights_optimizer_state_epoch_and_curves(optimizer, path):
    fast = path != "torch"
    moved = Session(project(optimizer), fast=fast)
    moved.train(epochs=3)
    expected = "torch" if path == "numpy" and optimizer == "adam" else path  # numpy: SGD only
    assert moved.training_path.split(",")[0] == expected
    moved.device = CUDA  # as if it trained on a GPU until now
    before = state_of(moved) if not fast else None
    assert moved.move_to("cpu") == torch.device("cpu")
    assert moved.device == torch.device("cpu") and moved.project.train.device == "cpu"
    assert moved.training_path.split(",")[0] == expected
    if before is not None:  # the torch path: the optimizer's buffers as they were
        after = state_of(moved)
        assert after["opt"].keys() == before["opt"].keys() and before["opt"]
        for k, v in before["opt"].items():
            assert torch.equal(torch.as_tensor(after["opt"][k]), torch.as_tensor(v)), k
        for k in ("epoch", "step", "generation"):
            assert after[k] == before[k]
        np.testing.assert_array_equal(after["loss"], before["loss"])
    moved.train(epochs=2)

    # a session that never moved trains the same five epochs to the same numbers
    still = Session(project(optimizer), fast=fast)
    still.train(epochs=5)
    assert moved.epoch == still.epoch == 5 and len(moved.history) == 5
    np.testing.assert_allclose(moved.history.train_loss, still.history.train_loss, rtol=1e-4, atol=1e-6)
    for k, v in still.weights().items():
        np.testing.assert_allclose(moved.weights()[k], v, rtol=1e-4, atol=1e-5)


def test_an_image_model_moves_with_its_fused_adam_state():
    s = Session(load_preset("digits-cnn"), fast=False)
    s.train(steps=3)
    s.device = CUDA
    before, buffers = state_of(s), {k: v.clone() for k, v in s.model.state_dict().items()}
    s.move_to("cpu")
    after = state_of(s)
    assert after["opt"].keys() == before["opt"].keys()
    for k, v in before["opt"].items():
        assert torch.equal(torch.as_tensor(after["opt"][k]), torch.as_tensor(v)), k
    for k, v in buffers.items():
        assert torch.equal(s.model.state_dict()[k], v), k
    s.train(steps=2)
    assert s.step == 5


def test_a_missing_gpu_is_refused_with_a_sentence_and_nothing_changes(monkeypatch):
    monkeypatch.setattr("engine.train.device.cuda_available", lambda: False)
    s = Session(project("sgd"))
    s.train(epochs=2)
    before = state_of(s)
    with pytest.raises(NodeplayError, match="no CUDA GPU"):
        s.move_to("cuda")
    assert s.device == torch.device("cpu") and s.project.train.device == "auto"
    assert s.epoch == before["epoch"] and s.generation == before["generation"]


def gpu_out_of_memory_once(s: Session, at_call: int = 2):
    """The allocator fails on the ``at_call``-th training batch, once; from then the
    session believes it trains on CUDA, until it moves."""
    real, calls = s.model.loss, []

    def loss(x, y):
        if not torch.is_inference_mode_enabled():  # not the evaluations
            calls.append(1)
            if len(calls) == at_call:
                s.device = CUDA  # from here on the session believes it trained on a GPU
                raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB")
        return real(x, y)

    s.model.loss = loss
    return calls


def test_out_of_memory_on_the_gpu_pauses_with_its_own_event_and_continues_on_the_cpu():
    s = Session(project("adam"), snapshot_interval=0.0, fast=False)
    s.train(epochs=2)
    gpu_out_of_memory_once(s)
    weights = s.weights()

    def paused(oom, events):
        assert isinstance(oom, Failed) and oom.stopped  # older listeners see a pause
        assert oom.device == "cuda" and oom.epoch == 2
        assert oom.message.startswith("Training paused: the GPU ran out of memory")
        assert not s.runner.playing and any(isinstance(e, StateChanged) and not e.playing for e in events)
        assert s.epoch == 2 and len(s.history) == 2  # the epoch that failed did not count
        assert any(not np.array_equal(weights[k], v) for k, v in s.weights().items())  # a step was taken

    # the failed epoch, trained again on the CPU
    events = out_of_memory_then_cpu(s, paused, lambda: s.epoch >= 3)
    changed = next(e for e in events if isinstance(e, DeviceChanged))
    assert (changed.device, changed.requested) == ("cpu", "cpu")
    assert s.device.type == "cpu" and s.project.train.device == "cpu"
    assert list(s.history.epochs[:3]) == [1, 2, 3]  # the curves go on where they were


def test_a_trainer_that_cannot_move_says_so_and_trains_on():
    from engine.train.runner import Runner

    class Fixed:
        epoch, generation = 0, 0

    runner = Runner(Fixed())
    with pytest.raises(NodeplayError, match="cannot change its device"):
        runner._apply(cmd.SetDevice("cpu"))


def test_the_project_file_keeps_the_device(tmp_path):
    p = project("sgd")
    p.train.device = "cpu"
    save_project(p, tmp_path / "p.json")
    assert load_project(tmp_path / "p.json").train.device == "cpu"
    p.train.device = "cuda"
    save_project(p, tmp_path / "q.json")
    assert load_project(tmp_path / "q.json").train.device == "cuda"


@pytest.mark.skipif(not cuda_available(), reason="needs a CUDA GPU")
def test_a_real_move_to_the_gpu_and_back():
    s = Session(project("adam"), fast=False)
    s.train(epochs=2)
    weights = s.weights()
    assert s.move_to("cuda").type == "cuda"
    assert next(s.model.parameters()).is_cuda and s.x_train.is_cuda
    assert all(v.is_cuda for st in s.optimizer.state.values() for v in st.values() if torch.is_tensor(v))
    for k, v in weights.items():
        np.testing.assert_array_equal(s.weights()[k], v)
    s.train(epochs=2)
    assert s.move_to("cpu").type == "cpu" and s.epoch == 4 and len(s.history) == 4
    s.train(epochs=1)


def test_a_project_saved_with_the_gpu_opens_on_a_machine_without_one(monkeypatch):
    monkeypatch.setattr("engine.train.device.cuda_available", lambda: False)
    p = project("sgd")
    p.train.device = "cuda"
    s = Session(p)  # the project's own setting: the CPU stands in
    assert s.device == torch.device("cpu") and s.project.train.device == "cuda"
    with pytest.raises(NodeplayError, match="no CUDA GPU"):  # asked for by the caller: refused
        Session(project("sgd"), "cuda")


def test_nodeplay_train_keeps_its_sentence_for_a_gpu_out_of_memory(monkeypatch, capsys, tmp_path):
    from nodeplay.cli import main

    real = Session._train_epoch

    def train_epoch(self, *args, **kw):
        if self.epoch == 1:
            self.device = CUDA
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 8.00 GiB")
        return real(self, *args, **kw)

    monkeypatch.setattr(Session, "_train_epoch", train_epoch)
    save_project(project("sgd"), tmp_path / "c.json")
    assert main(["train", str(tmp_path / "c.json"), "--epochs", "3"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nodeplay: error: Training paused: the GPU ran out of memory. Set Device to CPU")
    assert "Traceback" not in err and err.count("\n") == 1
