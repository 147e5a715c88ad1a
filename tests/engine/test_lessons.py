"""Lessons: every file loads and its checks exist; a bad file is one sentence naming the
field; checks measure what they say (against an independent computation); one lesson
runs headless to its outcome; the CLI's exit codes."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.errors import NodeplayError
from engine.lessons import load_lesson, load_lessons
from engine.lessons.checks import CHECKS, find_check
from engine.lessons.controls import set_controls
from engine.lessons.formula import evaluate
from engine.lessons.loader import read_lesson
from engine.lessons.runner import failed, run_lesson
from engine.presets import load_preset
from engine.probes.registry import PROBES
from nodeplay import cli

GOOD = """
title = "Tiny"
preset = "gauss"
text = "A lesson for tests."
[[steps]]
text = "Train ten epochs."
set = { stop_epochs = 10 }
train = "play"
check = { name = "test_accuracy", args = { op = ">=", than = 0.5 }, after_epochs = 10 }
"""


def write(tmp_path, text: str, name: str = "tiny"):
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_lesson_loads_with_registered_checks():
    lessons = load_lessons()
    names = {lesson.name for lesson in lessons}
    assert {"mlp", "cnn", "autoencoder", "sgd-vs-gd"} <= names
    for lesson in lessons:
        project = lesson.start_project()
        assert project.graph.nodes and lesson.text and lesson.steps
        for step in lesson.steps:
            if step.check is not None:
                assert step.check.name in CHECKS
                if step.check.name == "probe":
                    assert step.check.args["probe"] in PROBES


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("title", 'titel = "Tiny"'), ["titel"]),  # unknown field, named
        (('preset = "gauss"', 'preset = "nope"'), ["preset 'nope'"]),
        (('train = "play"', 'train = "run"'), ["steps[0].train", "play"]),
        (("set = { stop_epochs = 10 }", "set = { speed = 3 }"), ["step 1", "'speed'"]),
        (("set = { stop_epochs = 10 }", "set = { learning_rate = -1 }"), ["step 1", "learning_rate"]),
        (("set = { stop_epochs = 10 }", "set = { hidden = [99] }"), ["step 1", "'hidden'"]),
        (('name = "test_accuracy"', 'name = "magic"'), ["step 1", "'magic'"]),
        (("than = 0.5", "thn = 0.5"), ["step 1", "'thn'"]),
        (("than = 0.5", 'than = "__import__(1)"'), ["formula"]),
        (("than = 0.5", 'than = "gd_loss * 2"'), ["step 1", "'gd_loss'"]),
        (('text = "Train ten epochs."', "text = 3"), ["steps[0].text", "text"]),
        (('preset = "gauss"', ""), ["needs the field 'preset'"]),
        (('title = "Tiny"', "title = [unclosed"), ["not valid TOML"]),
    ],
)
def test_a_bad_lesson_file_is_one_sentence_naming_the_field(tmp_path, change, words):
    old, new = change
    text = GOOD.replace(old, new, 1) if old != "title" else GOOD.replace('title = "Tiny"', new)
    with pytest.raises(NodeplayError) as err:
        read_lesson(write(tmp_path, text))
    message = str(err.value)
    assert message.startswith("The lesson file tiny.toml"), message
    assert "\n" not in message and message.endswith(".")
    for word in words:
        assert word in message, message


def test_controls_edit_a_copy_like_the_playground():
    spiral = load_preset("spiral")
    new = set_controls(spiral, {"hidden": [3], "activation": "relu", "batch_size": 7})
    assert new is not spiral and spiral.train.batch_size == 10
    assert new.train.batch_size == 7
    dense = sorted(n.params["units"] for n in new.graph.nodes.values() if n.type == "Dense")
    assert dense == [1, 3]  # one hidden layer of 3, the head
    fns = {n.params["fn"] for n in new.graph.nodes.values() if n.type == "Activation"}
    assert fns == {"relu"}
    with pytest.raises(NodeplayError, match="not a layered perceptron"):
        set_controls(load_preset("digits-cnn"), {"hidden": [2]})


def test_formulas_compute_and_refuse_code():
    assert evaluate("0.5 * a + max(b, 2) ** 2", {"a": 4.0, "b": 3.0}) == 11.0
    assert evaluate(0.25, {}) == 0.25
    for bad in ("__import__('os')", "a.b", "[1]", "'x'", "a if a else b", "open(1)"):
        with pytest.raises(NodeplayError):
            evaluate(bad, {"a": 1.0, "b": 1.0})


def test_checks_measure_the_model_as_an_independent_count_does():
    from engine.train.session import Session

    session = Session(load_preset("gauss"), device="cpu")
    session.train(epochs=3)
    with torch_no_grad():
        logits = session.model(session.x_test).numpy()[:, 0]
    truth = float(np.mean((logits > 0) == (session.dataset.y_test.reshape(-1) > 0.5)))
    outcome = find_check("test_accuracy").run(session, {"op": ">=", "than": truth})
    assert outcome.met and math.isclose(outcome.measured, truth, abs_tol=1e-6)
    assert not find_check("test_accuracy").run(session, {"op": ">", "than": truth}).met
    loss = session.evaluate()["train_loss"]
    half = find_check("compare").run(
        session, {"value": "train_loss", "op": "<", "than": "2 * mine"}, {"mine": loss}
    )
    assert half.met and math.isclose(half.measured, loss)


def torch_no_grad():
    import torch

    return torch.no_grad()


def test_one_lesson_runs_headless_to_its_outcome():
    results = run_lesson(load_lesson("sgd-vs-gd"))
    assert not failed(results)
    gd, sgd = results[0].outcome, results[1].outcome
    assert gd is not None and sgd is not None
    assert sgd.measured < 0.5 * gd.measured  # mini-batches end far lower in the same epochs
    assert results[1].epoch == 20


def test_cli_lists_lessons_and_exits_by_outcome(tmp_path, monkeypatch, capsys):
    assert cli.main(["lessons"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert {line.split()[0] for line in lines} >= {"mlp", "cnn", "autoencoder", "sgd-vs-gd"}
    assert cli.main(["lesson", "nope", "--check"]) == 2
    assert "no lesson 'nope'" in capsys.readouterr().err
    import engine.lessons.loader as loader

    monkeypatch.setattr(loader, "LESSONS", tmp_path)
    write(tmp_path, GOOD)
    write(tmp_path, GOOD.replace("than = 0.5", "than = 1.01"), "impossible")
    assert cli.main(["lesson", "tiny", "--check"]) == 0
    assert "met" in capsys.readouterr().out
    assert cli.main(["lesson", "impossible", "--check"]) == 1
    out = capsys.readouterr()
    assert "NOT met" in out.out and "step 1" in out.err


def test_least_squares_probe_matches_numpy_lstsq():
    import torch

    import engine.probes.builtin  # noqa: F401 - registers the probes
    from engine.train.session import Session

    project = set_controls(load_preset("reg-plane"), {"hidden": [], "noise": 30})
    session = Session(project, device="cpu")
    session.train(epochs=2)
    value = PROBES["least-squares"].run(session, {})
    x, y = session.dataset.x_train.astype(np.float64), session.dataset.y_train.reshape(-1).astype(np.float64)
    a = np.column_stack([x, np.ones(len(x))])
    w, *_ = np.linalg.lstsq(a, y, rcond=None)
    np.testing.assert_allclose(value["weights"], w, rtol=1e-6, atol=1e-9)
    assert math.isclose(value["normal_mse"], np.mean((a @ w - y) ** 2), rel_tol=1e-9)
    with torch.no_grad():
        pred = session.model(session.x_train).reshape(-1).double().numpy()
    assert math.isclose(value["trained_mse"], np.mean((pred - y) ** 2), rel_tol=1e-6)
    assert value["trained_mse"] >= value["normal_mse"]  # nothing linear beats the normal equations
