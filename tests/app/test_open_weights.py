"""A file whose saved weights do not fit its graph (issue #14, found by the window fuzz
test): refused with a sentence before the window switches; the current project stays."""

import json

from engine.presets import load_preset
from engine.project import load_project, save_project
from engine.train.session import Session


def _misfit_file(tmp_path):
    """circle with trained weights, then the first layer widened in the JSON by hand."""
    project = load_preset("circle")
    session = Session(project)
    session.train(steps=1)
    project.weights, project.epoch = session.weights(), session.epoch
    path = save_project(project, tmp_path / "misfit.nodeplay")
    data = json.loads(path.read_text())
    node = next(n for n in data["graph"]["nodes"] if n["type"] == "Dense")
    node["params"]["units"] = node["params"]["units"] + 3
    path.write_text(json.dumps(data))
    load_project(path)  # the file itself reads: the misfit shows only against the data's shapes
    return path


def test_weights_that_do_not_fit_are_refused_on_open(window, tmp_path, qtbot):
    path = _misfit_file(tmp_path)
    before = window.project
    raw = path.read_bytes()
    assert not window.open_file(str(path))
    assert window.project is before and window.message.kind == "error"
    text = window.message.text.text()
    assert "is " in text and "where the graph needs" in text and text.endswith("the current one stays.")
    assert path.read_bytes() == raw
    window.step_action.trigger()  # the current project still trains
    qtbot.waitUntil(lambda: window.bridge.epoch == before.epoch + 1, timeout=5000)
    assert window.message.kind == "error"  # the worker raised nothing new
