"""The Polynomial node (issue #12): its shapes, its values against numpy's powers, a
Dense layer after it fitting numpy's least-squares polynomial, and the exported
model.py giving the app's predictions."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch

from engine.errors import GraphError
from engine.export import export_python
from engine.graph import DataSpec, Graph, PortValue, node_type, validate
from engine.project import Project
from engine.settings import DataSettings, TrainSettings
from engine.train import Session


def poly_project(degree: int, scale: float = 6.0) -> Project:
    g = Graph()
    for node_id, kind, params in [
        ("input", "Input", {}),
        ("x1", "Features", {"features": ["x1"]}),
        ("poly", "Polynomial", {"degree": degree, "scale": scale}),
        ("fit", "Dense", {"units": 1}),
        ("output", "Output", {"loss": "mse"}),
    ]:
        g.add_node(kind, params, id=node_id)
    for src, dst in [
        ("input.x", "x1.x"),
        ("x1.out", "poly.x"),
        ("poly.out", "fit.x"),
        ("fit.out", "output.pred"),
        ("input.y", "output.target"),
    ]:
        g.connect(*src.split("."), *dst.split("."))
    return Project(
        g,
        DataSettings(name="reg-sine", samples=40, noise=10, train_percent=50),
        TrainSettings(optimizer="adam", learning_rate=0.05, batch_size=5, seed=2),
        name="poly",
    )


def test_shapes_follow_the_degree_and_refuse_what_is_not_flat():
    spec = node_type("Polynomial")
    assert spec.category == "Data" and [p.name for p in spec.params] == ["degree", "scale"]
    for width, degree in [(1, 1), (2, 5), (3, 12)]:
        params = spec.complete_params({"degree": degree})
        out = spec.infer(params, {"x": PortValue("tensor", (width,))})
        assert out["out"].shape == (width * degree,)
    with pytest.raises(GraphError, match=r"Polynomial expects 2-D input"):
        spec.infer(spec.complete_params({}), {"x": PortValue("tensor", (1, 8, 8))})
    for bad in (0, 13):
        with pytest.raises(GraphError, match="degree"):
            spec.complete_params({"degree": bad})
    check = validate(poly_project(7).graph, DataSpec((2,), (1,), None))
    assert check.ok and check.values["poly", "out"].shape == (7,)


def test_values_are_the_scaled_powers_in_blocks():
    from engine.builder.layers import make_layer

    layer = make_layer("Polynomial", {"degree": 4, "scale": 2.0}, {"x": (3,)})
    x = np.random.default_rng(0).uniform(-3, 3, (5, 3)).astype(np.float32)
    got = layer(torch.from_numpy(x)).numpy()
    u = x / 2.0
    np.testing.assert_allclose(got, np.concatenate([u, u**2, u**3, u**4], 1), rtol=1e-6)


def test_a_dense_layer_after_it_fits_numpys_least_squares_polynomial():
    session = Session(poly_project(5), device="cpu")
    x = session.dataset.x_train[:, 0].astype(np.float64)
    y = session.dataset.y_train[:, 0].astype(np.float64)
    coef = np.polynomial.polynomial.polyfit(x / 6.0, y, 5)  # constant first
    fit = session.model.layers["fit"]
    with torch.no_grad():
        fit.bias.copy_(torch.tensor([coef[0]]))
        fit.weight.copy_(torch.tensor(coef[1:], dtype=torch.float32).reshape(1, 5))
        pred = session.model(torch.from_numpy(session.dataset.x_test)).numpy()[:, 0]
    want = np.polynomial.polynomial.polyval(session.dataset.x_test[:, 0] / 6.0, coef)
    np.testing.assert_allclose(pred, want, rtol=1e-4, atol=1e-4)


def test_the_exported_model_gives_the_apps_predictions(tmp_path):
    project = poly_project(9)
    session = Session(project, device="cpu")
    session.train(epochs=5)
    project.weights, project.epoch = session.weights(), session.epoch
    export_python(project, tmp_path / "poly")
    assert "torch.cat([" in (tmp_path / "poly" / "model.py").read_text(encoding="utf-8")
    sys.path.insert(0, str(tmp_path / "poly"))
    try:
        for name in ("model", "weights"):
            sys.modules.pop(name, None)
        from model import Model
        from weights import load_weights

        model = Model()
        model.load_state_dict(load_weights(tmp_path / "poly" / "weights.safetensors"))
    finally:
        sys.path.remove(str(tmp_path / "poly"))
        for name in ("model", "weights"):
            sys.modules.pop(name, None)
    x = torch.from_numpy(session.dataset.x_test)
    model.eval()
    session.model.eval()
    with torch.no_grad():
        np.testing.assert_allclose(model(x).numpy(), session.model(x).numpy(), rtol=1e-5, atol=1e-5)


def test_the_preset_trains_to_numpys_least_squares_fit_of_its_degree():
    from engine.presets import load_preset
    from engine.probes.polynomial import powers

    torch.manual_seed(0)
    session = Session(load_preset("polynomial-features"), device="cpu")
    session.train()  # its own stop condition: 300 epochs
    x, y = session.dataset.x_train[:, 0], session.dataset.y_train[:, 0].astype(np.float64)
    features = powers(x, 5)  # 1, u, … u⁵ with u = x / 6, as the node and the Dense bias make
    best = np.linalg.lstsq(features, y, rcond=None)[0]
    floor = float(np.mean((features @ best - y) ** 2))
    assert floor <= session.evaluate()["train_loss"] <= 1.1 * floor
