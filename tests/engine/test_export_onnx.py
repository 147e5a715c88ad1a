"""ONNX export: onnxruntime gives torch's predictions for real inputs; bad nodes are named."""

import numpy as np
import pytest
import torch

from engine.builder import build_model
from engine.builder.layers import Sine
from engine.data import make_dataset
from engine.errors import GraphError, NodeplayError
from engine.export import export_onnx
from engine.graph import Graph
from engine.presets import load_preset, preset_names
from engine.project import Project
from engine.settings import DataSettings, TrainSettings
from engine.train import Session

ort = pytest.importorskip("onnxruntime")


def run_onnx(path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0]


def torch_prediction(project: Project, x: np.ndarray) -> np.ndarray:
    dataset = make_dataset(project.data, project.points)
    model = build_model(project.graph, dataset.spec, project.train.seed)
    if project.weights is not None:
        model.load_state_dict({k: torch.as_tensor(v) for k, v in project.weights.items()})
    model.eval()
    with torch.no_grad():
        return model(torch.as_tensor(x)).numpy()


@pytest.mark.parametrize("name", [n for n in preset_names() if not n.startswith("gan")])  # GANs: no export
def test_every_preset_matches_torch_in_onnxruntime(tmp_path, name):
    project = load_preset(name)
    session = Session(project, device="cpu")
    session.train(steps=5)  # weights and batch-norm statistics away from their initial values
    project.weights = session.weights()
    path = export_onnx(project, tmp_path / f"{name}.onnx")
    x = session.dataset.x_test  # a batch of real inputs, larger than the traced one
    got = run_onnx(path, x)
    want = torch_prediction(project, x)
    assert got.shape == want.shape == (len(x), *want.shape[1:])
    assert np.abs(got - want).max() < 1e-4


def graph_with_training_only_parts() -> Project:
    g = Graph()
    g.add_node("Input", id="input")
    g.add_node("Dense", {"units": 8}, id="d1")
    g.add_node("BatchNorm", id="bn")
    g.add_node("Activation", {"fn": "sine"}, id="act")
    g.add_node("Dropout", {"p": 0.5}, id="drop")
    g.add_node("Dense", {"units": 1}, id="head")
    g.add_node("Output", {"loss": "bce"}, id="out")
    for a, b in [("d1", "bn"), ("bn", "act"), ("act", "drop"), ("drop", "head")]:
        g.connect(a, "out", b, "x")
    g.connect("input", "x", "d1", "x")
    g.connect("head", "out", "out", "pred")
    g.connect("input", "y", "out", "target")
    return Project(g, DataSettings(name="xor", samples=200), TrainSettings(seed=2))


def test_dropout_and_batchnorm_export_their_inference_form(tmp_path):
    project = graph_with_training_only_parts()
    session = Session(project, device="cpu")
    session.train(epochs=2)  # moves batch norm's running statistics away from 0 and 1
    project.weights = session.weights()
    path = export_onnx(project, tmp_path / "m.onnx")
    x = session.dataset.x_train
    got = run_onnx(path, x)
    np.testing.assert_allclose(run_onnx(path, x), got)  # no dropout noise: the same twice
    assert np.abs(got - torch_prediction(project, x)).max() < 1e-4


def test_a_node_without_onnx_form_is_named(tmp_path, monkeypatch):
    # an operator ONNX has no form for, standing in for any such layer
    monkeypatch.setattr(Sine, "forward", lambda self, x: torch.special.erfcx(x))
    with pytest.raises(GraphError) as err:
        export_onnx(graph_with_training_only_parts(), tmp_path / "m.onnx")
    assert err.value.node_id == "act"
    assert str(err.value).startswith("Node 'act' (Activation) has no ONNX form:")
    assert "special_erfcx" in str(err.value)
    assert list(tmp_path.iterdir()) == []  # no half-written file


def test_invalid_graph_and_existing_file_are_refused(tmp_path):
    project = load_preset("xor")
    project.graph.disconnect(next(e for e in project.graph.edges if e.dst == "output"))
    with pytest.raises(GraphError, match="node 'output'") as err:
        export_onnx(project, tmp_path / "m.onnx")
    assert err.value.node_id == "output"
    (tmp_path / "m.onnx").write_bytes(b"mine")
    with pytest.raises(NodeplayError, match="already exists; pass --force"):
        export_onnx(load_preset("xor"), tmp_path / "m.onnx")
    assert (tmp_path / "m.onnx").read_bytes() == b"mine"
    export_onnx(load_preset("xor"), tmp_path / "m.onnx", force=True)
    assert run_onnx(tmp_path / "m.onnx", np.zeros((3, 2), np.float32)).shape == (3, 1)


def test_every_node_type_exports_its_inference_form(tmp_path):
    """Sampling gives its mean, dropout passes values, batch norm uses running statistics."""
    from tests.engine.export_graphs import zoo_project

    project = zoo_project()
    session = Session(project, device="cpu")
    session.train(epochs=2)
    project.weights = session.weights()
    path = export_onnx(project, tmp_path / "zoo.onnx")
    x = session.dataset.x_test
    got = run_onnx(path, x)
    np.testing.assert_array_equal(got, run_onnx(path, x))
    assert np.abs(got - torch_prediction(project, x)).max() < 1e-4
