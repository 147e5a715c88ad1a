"""The Python export of a multi-head graph gives every head, by the ONNX export's names."""

import sys

import torch

from engine.builder import build_model
from engine.export import export_python
from engine.presets import load_preset
from engine.train import Session


def test_forward_with_heads_gives_every_heads_prediction(tmp_path):
    project = load_preset("autoencoder")
    session = Session(project, device="cpu")
    session.train(steps=3)
    project.weights = session.weights()
    export_python(project, tmp_path / "out")
    source = (tmp_path / "out" / "model.py").read_text()
    assert "def forward(self, x, y=None, heads=False):" in source
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        for name in ("model", "weights"):
            sys.modules.pop(name, None)
        from model import Model
        from weights import load_weights

        model = Model()
        model.load_state_dict(load_weights(tmp_path / "out" / "weights.safetensors"))
        model.eval()
        x = torch.as_tensor(session.dataset.x_test)
        ours = build_model(project.graph, session.dataset.spec, project.train.seed)
        ours.load_state_dict({k: torch.as_tensor(v) for k, v in project.weights.items()})
        ours.eval()
        with torch.no_grad():
            got = model(x, heads=True)
            values = ours.values(x)
            plain = model(x)
        (other,) = [h for h in ours.heads if h is not ours.main]
        assert list(got) == ["prediction", "reconstruction"] == ["prediction", other.node_id]
        assert torch.allclose(got["prediction"], values[ours.main.pred], atol=1e-6)
        assert torch.allclose(got["reconstruction"], values[other.pred], atol=1e-6)
        assert torch.equal(plain, got["prediction"])  # forward(x) is unchanged
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in ("model", "weights"):
            sys.modules.pop(name, None)


def test_a_single_head_model_keeps_its_plain_forward(tmp_path):
    export_python(load_preset("circle"), tmp_path / "out")
    source = (tmp_path / "out" / "model.py").read_text()
    assert "def forward(self, x, y=None):" in source and "heads" not in source
