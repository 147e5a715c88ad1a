"""Where an epoch's train figures come from (engine.train.epoch_metrics): images take
the mean over the epoch's mini-batches; the 2-D playground keeps its full evaluation;
`nodeplay train --metrics` and the exported train.py report the same numbers."""

import csv
import dataclasses
import sys

import numpy as np
import pytest
import torch

from engine.builder import build_model
from engine.export import export_python
from engine.presets import load_preset
from engine.train import Session
from engine.train.epoch_metrics import BatchMeans, from_batches
from engine.train.optim import make_optimizer


@pytest.fixture(autouse=True)
def one_thread():
    """Small CNNs: one torch thread is fastest on a shared machine (as the CLI's policy)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _short(name: str, **train):
    p = load_preset(name)
    return dataclasses.replace(p, train=dataclasses.replace(p.train, **train))


def _by_hand(project, epochs: int) -> list[tuple[float, float]]:
    """The textbook loop on the session's data: each epoch's per-batch losses and
    right answers, averaged over the samples (every batch weighted by its size)."""
    s = Session(project, device="cpu")  # only for its tensors
    x, y, t = s.x_train, s.y_train, project.train
    model = build_model(project.graph, s.dataset.spec, t.seed, seed_global=True)
    opt = make_optimizer(
        t.optimizer, model.parameters(), t.learning_rate, fused=True
    )  # as the app, for images
    gen = torch.Generator().manual_seed(t.seed)
    rows = []
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        loss_sum = right = 0.0
        for i in range(0, len(x), t.batch_size):
            idx = order[i : i + t.batch_size]
            pred = model(x[idx])
            loss = torch.nn.functional.cross_entropy(pred, y[idx])
            loss_sum += loss.item() * len(idx)
            right += (pred.argmax(1) == y[idx]).sum().item()
            opt.zero_grad()
            loss.backward()
            opt.step()
        rows.append((loss_sum / len(x), right / len(x)))
    return rows


def test_image_train_figures_are_the_size_weighted_mean_over_the_epochs_batches():
    project = _short("digits-cnn", stop_epochs=2)
    s = Session(project, device="cpu")
    assert s.batch_metrics and len(s.x_train) % project.train.batch_size  # a short last batch
    s.train(epochs=2)
    expected = np.array(_by_hand(project, 2))
    np.testing.assert_allclose(s.history.train_loss, expected[:, 0], rtol=1e-5)
    np.testing.assert_allclose(s.history.train_acc, expected[:, 1], atol=1e-6)
    # after the epoch the weights changed: a full evaluation would give another number
    assert abs(s.evaluate()["train_loss"] - s.history.train_loss[-1]) > 1e-3
    # the test split is still evaluated in full, after the epoch
    np.testing.assert_allclose(s.history.test_loss[-1], s.evaluate()["test_loss"], rtol=1e-6)
    np.testing.assert_allclose(s.history.test_acc[-1], s.evaluate()["test_acc"], rtol=1e-6)


def test_the_runner_records_the_batch_means_too():
    """Training from the runner (the GUI's worker) gives the headless numbers."""
    from engine.train import commands as cmd
    from engine.train.events import Finished

    project = _short("digits-cnn", stop_epochs=2)
    s = Session(project, device="cpu")
    rows = []

    def listen(event) -> None:
        if isinstance(event, Finished):
            s.runner.submit(cmd.Shutdown())
        elif type(event).__name__ == "Snapshot" and event.metrics is not None:
            rows.extend(event.metrics.train_loss)

    s.runner.subscribe(listen)
    s.runner.submit(cmd.Play())
    s.runner.serve()
    np.testing.assert_allclose(rows, np.array(_by_hand(project, 2))[:, 0], rtol=1e-5)


def test_the_penalty_stays_out_of_the_train_loss():
    """One step's figures are the first batch's, taken before the step: an L2 penalty
    changes the gradient, not the loss the curve shows (the test loss has none either)."""
    plain = Session(_short("digits-cnn"), device="cpu").train_epoch(max_steps=1)
    l2 = Session(_short("digits-cnn", regularization="l2", reg_rate=0.1), device="cpu").train_epoch(
        max_steps=1
    )
    assert plain["train_loss"] == l2["train_loss"]
    assert plain["test_loss"] != l2["test_loss"]  # the penalised step did differ


@pytest.mark.parametrize("fast", [True, False])
def test_the_2d_playground_keeps_its_full_evaluation(fast):
    s = Session(_short("spiral", stop_epochs=3), device="cpu", fast=fast)
    assert not s.batch_metrics and s.training_path == ("numpy" if fast else "torch")
    for _ in range(3):
        m = s.train_epoch()
        again = s.evaluate()  # the whole train set, after the epoch
        assert m["train_loss"] == pytest.approx(again["train_loss"], rel=1e-6)
        assert m["train_acc"] == pytest.approx(again["train_acc"], abs=1e-9)


def test_which_data_take_the_batch_means():
    from engine.data import make_dataset

    kinds = {n: from_batches(make_dataset(load_preset(n).data)) for n in ("digits-cnn", "spiral", "circle")}
    assert kinds == {"digits-cnn": True, "spiral": False, "circle": False}


def test_reconstructions_have_a_batch_mean_loss_and_no_accuracy():
    s = Session(_short("edge-filter"), device="cpu")  # image targets, no classes
    m = s.train_epoch()
    assert s.batch_metrics and np.isfinite(m["train_loss"]) and np.isnan(m["train_acc"])
    assert np.isnan(m["test_acc"])


def test_batch_means_weight_each_batch_by_its_size():
    means = BatchMeans("cross_entropy")
    pred = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    means.add(torch.tensor(1.0), pred[:2], torch.tensor([0, 0]))  # one right of two
    means.add(torch.tensor(4.0), pred[2:], torch.tensor([0]))  # one right of one
    loss, acc = means.means()
    assert means.count == 3
    assert loss.item() == pytest.approx((1.0 * 2 + 4.0 * 1) / 3)
    assert acc.item() == pytest.approx(2 / 3)


def test_train_metrics_csv_matches_the_session(tmp_path):
    """`nodeplay train FILE --epochs 2 --metrics run.csv` writes the app's numbers."""
    from nodeplay.cli import main

    out = tmp_path / "run.csv"
    assert main(["train", "resources/presets/digits-cnn.json", "--epochs", "2", "--metrics", str(out)]) == 0
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    expected = np.array(_by_hand(load_preset("digits-cnn"), 2))
    got = np.array([[float(r["train_loss"]), float(r["train_acc"])] for r in rows[1:]])
    np.testing.assert_allclose(got[:, 0], expected[:, 0], rtol=1e-5)
    np.testing.assert_allclose(got[:, 1], expected[:, 1], atol=1e-6)


def _printed(folder, *args) -> np.ndarray:
    """train.py's printed rows: train loss, test loss, train acc, test acc."""
    import contextlib
    import io
    import runpy

    argv, text = sys.argv, io.StringIO()
    sys.path.insert(0, str(folder))
    sys.argv = ["train.py", *args]
    try:
        for name in ("model", "weights"):
            sys.modules.pop(name, None)
        with contextlib.redirect_stdout(text):
            runpy.run_path(str(folder / "train.py"), run_name="__main__")
    finally:
        sys.argv = argv
        sys.path.remove(str(folder))
        for name in ("model", "weights"):
            sys.modules.pop(name, None)
    words = [line.split() for line in text.getvalue().splitlines()]
    return np.array([[float(w[i]) for i in (4, 7, 10, 13)] for w in words])


@pytest.mark.parametrize("name", ["digits-cnn", "spiral"])
def test_the_exported_script_prints_the_apps_curve(tmp_path, name):
    project = load_preset(name)
    s = Session(project, device="cpu", fast=False)  # torch, as the script: no numpy path's rounding
    s.train(epochs=2)
    h = s.history
    export_python(load_preset(name), tmp_path / "out")
    source = (tmp_path / "out" / "train.py").read_text()
    assert ("batch_means(seen, world)" in source) == s.batch_metrics
    assert ("fused=True" in source) == s.batch_metrics  # the same optimizer step as the app
    got = _printed(tmp_path / "out", "--epochs", "2", "--out", str(tmp_path / "t.safetensors"))
    app = np.stack([h.train_loss, h.test_loss, h.train_acc, h.test_acc], 1)
    np.testing.assert_allclose(got, app, rtol=0, atol=1e-4)  # printed to 6 and 4 digits
