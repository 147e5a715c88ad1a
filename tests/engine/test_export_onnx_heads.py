"""ONNX export of multi-head graphs: every head is a named output that matches torch."""

import numpy as np
import pytest
import torch

from engine.builder import build_model
from engine.export import export_onnx
from engine.presets import load_preset
from engine.train import Session

ort = pytest.importorskip("onnxruntime")


def heads_by_torch(session) -> dict[str, np.ndarray]:
    """Each head's prediction in eval mode, keyed by the ONNX name it should have."""
    model = build_model(session.project.graph, session.dataset.spec, session.project.train.seed)
    model.load_state_dict({k: torch.as_tensor(v) for k, v in session.weights().items()})
    model.eval()
    with torch.no_grad():
        values = model.values(torch.as_tensor(session.dataset.x_test))
    out = {"prediction": values[model.main.pred].numpy()}
    out |= {h.node_id: values[h.pred].numpy() for h in model.heads if h is not model.main}
    return out


@pytest.mark.parametrize(
    ("preset", "names"),
    [
        ("autoencoder", ["prediction", "reconstruction"]),  # the label head and the image head
        ("vae", ["prediction"]),  # one Output (the reconstruction); the KL term is a loss, not a head
    ],
)
def test_every_head_is_a_named_onnx_output_matching_torch(tmp_path, preset, names):
    project = load_preset(preset)
    session = Session(project, device="cpu")
    session.train(steps=3)
    project.weights = session.weights()
    path = export_onnx(project, tmp_path / "m.onnx")
    runner = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [o.name for o in runner.get_outputs()] == names
    x = session.dataset.x_test
    got = dict(zip(names, runner.run(None, {"x": x})))
    want = heads_by_torch(session)
    assert set(want) == set(names)
    for name in names:
        assert got[name].shape == want[name].shape and got[name].shape[0] == len(x)
        assert np.abs(got[name] - want[name]).max() < 1e-4, name


def test_the_autoencoder_reconstruction_is_an_image_batch(tmp_path):
    project = load_preset("autoencoder")
    path = export_onnx(project, tmp_path / "ae.onnx")
    runner = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = Session(project, device="cpu").dataset.x_test[:5]
    label, image = runner.run(["prediction", "reconstruction"], {"x": x})
    assert label.shape == (5, 10) and image.shape == x.shape
