import json

import numpy as np
import pytest

from engine.errors import ProjectFileError
from engine.presets import load_preset, preset_names
from engine.project import FORMAT_VERSION, load_project, save_project
from engine.train import Session
from engine.train.factory import make_trainer


def test_round_trip_keeps_graph_settings_and_weights(tmp_path, circle):
    circle.train.learning_rate, circle.data.noise = 0.1, 25.0
    s = Session(circle)
    s.train(epochs=2)
    circle.weights, circle.epoch = s.weights(), s.epoch
    path = save_project(circle, tmp_path / "p.nodeplay")
    back = load_project(path)
    assert back.graph == circle.graph
    assert back.train == circle.train and back.data == circle.data
    assert back.epoch == 2
    assert set(back.weights) == set(circle.weights)
    for k in circle.weights:
        assert np.array_equal(back.weights[k], circle.weights[k])
    # human-readable: the graph and settings are plain JSON
    data = json.loads(path.read_text())
    assert data["format_version"] == FORMAT_VERSION
    assert data["train"]["learning_rate"] == 0.1
    assert {n["type"] for n in data["graph"]["nodes"]} >= {"Input", "Dense", "Output"}


def test_every_preset_loads_trains_and_saves(tmp_path):
    names = preset_names()
    assert {"circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss", "spiral-deep"} <= set(names)
    for name in names:
        project = load_preset(name)
        assert project.description
        assert project.train.stop_epochs or project.train.stop_loss
        session = make_trainer(project)  # a GAN preset gets the adversarial trainer
        session.train(steps=3)
        project.weights, project.epoch = session.weights(), session.epoch
        back = load_project(save_project(project, tmp_path / f"{name}.nodeplay"))
        assert back.graph == project.graph
        assert back.weights.keys() == project.weights.keys()
        assert all(np.array_equal(back.weights[k], v) for k, v in project.weights.items())


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "is damaged: it is not valid JSON"),
        ("[1, 2]", "holds no JSON object"),
        ('{"graph": {}}', "has no format_version"),
        ('{"format_version": 99, "graph": {}}', r"saved by a newer Nodeplay \(format 99"),
        ('{"format_version": 0, "graph": {}}', "cannot migrate"),
        (
            '{"format_version": 1, "graph": {"nodes": [{"id": "a", "type": "Blob"}]}}',
            "Unknown node type 'Blob'",
        ),
        (
            '{"format_version": 1, "graph": {"nodes": []}, "train": {"learning_rate": "fast"}}',
            "'train.learning_rate' must be a number",
        ),
        (
            '{"format_version": 1, "graph": {"nodes": []}, "state": {"weights": {"data": "!!"}}}',
            "trained weights are damaged",
        ),
    ],
)
def test_damaged_files_are_refused_and_left_alone(tmp_path, text, message):
    path = tmp_path / "bad.nodeplay"
    path.write_text(text)
    with pytest.raises(ProjectFileError, match=message):
        load_project(path)
    assert path.read_text() == text


def test_failed_save_leaves_the_old_file(tmp_path, circle, monkeypatch):
    path = save_project(circle, tmp_path / "p.nodeplay")
    before = path.read_text()
    monkeypatch.setattr("engine.project.json.dumps", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        save_project(circle, path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.nodeplay"]


def test_missing_file_is_one_sentence(tmp_path):
    with pytest.raises(ProjectFileError, match=r"^There is no project file at .*nope\.nodeplay\.$"):
        load_project(tmp_path / "nope.nodeplay")
