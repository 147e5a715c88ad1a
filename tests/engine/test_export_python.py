"""Python export: every preset's folder runs in a fresh interpreter and gives the app's numbers."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file

from engine.builder import build_model
from engine.data import make_dataset
from engine.data.images import IMAGE_SETS
from engine.errors import GraphError, NodeplayError
from engine.export import export_python
from engine.presets import load_preset, preset_names
from engine.train import Session

EPOCHS = 2

# Runs in one fresh interpreter for every folder: each train.py as `python train.py`
# would (runpy, its own argv), then the exported weights' predictions on the test split.
DRIVER = r"""
import contextlib, io, json, runpy, sys
import numpy as np, torch
out = {}
for arg in sys.argv[1:]:
    folder, epochs = arg.rsplit(":", 1)
    for name in ("model", "weights"):
        sys.modules.pop(name, None)
    sys.path.insert(0, folder)
    sys.argv = ["train.py", "--epochs", epochs, "--out", folder + "/trained.safetensors"]
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        runpy.run_path(folder + "/train.py", run_name="__main__")
    from model import Model
    from weights import load_weights
    model = Model()
    model.load_state_dict(load_weights(folder + "/weights.safetensors"))
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(np.load(folder + "/data.npz")["x_test"]))
    np.save(folder + "/pred.npy", pred.numpy())
    out[folder] = [float(line.split()[4]) for line in text.getvalue().splitlines()]
    sys.path.remove(folder)
nodeplay = sorted({m.split(".")[0] for m in sys.modules} & {"engine", "nodeplay", "app", "resources"})
print(json.dumps({"curves": out, "nodeplay_modules": nodeplay}))
"""


def epochs_for(name: str) -> int:
    """Two epochs of the playground's sets; one of the image sets, whose epochs cost more."""
    return EPOCHS if load_preset(name).data.name not in IMAGE_SETS else 1


def trained(name: str, epochs: int = EPOCHS):
    """A preset trained in the app's session, its weights stored in the project."""
    project = load_preset(name)
    session = Session(project, device="cpu")
    session.train(epochs=epochs)
    project.weights, project.epoch = session.weights(), session.epoch
    session.model.eval()
    with torch.no_grad():
        pred = session.model(session.x_test).numpy()
    return project, session.history.train_loss, pred


def fresh_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "WORLD_SIZE", "RANK")}
    env["OMP_NUM_THREADS"] = "1"
    return env


def test_every_preset_exports_and_reproduces_the_app(tmp_path):
    expected = {}
    for name in [n for n in preset_names() if not n.startswith("gan")]:  # GANs: test_export_gan.py
        project, curve, pred = trained(name, epochs_for(name))
        folder = tmp_path / name
        result = export_python(project, folder)
        assert result.trained and sorted(p.name for p in folder.iterdir()) == sorted(
            ["README.md", "data.npz", "model.py", "train.py", "weights.py", "weights.safetensors"]
        )
        expected[str(folder)] = (curve, pred)
    # a fresh interpreter started away from the repository: Nodeplay cannot be imported there
    args = [f"{folder}:{len(curve)}" for folder, (curve, _) in expected.items()]
    r = subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        cwd=tmp_path,
        env=fresh_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    report = json.loads(r.stdout.splitlines()[-1])
    assert report["nodeplay_modules"] == []
    for folder, (curve, pred) in expected.items():
        got = report["curves"][folder]
        assert len(got) == len(curve) >= 1, folder
        # the same curve from the same seed: every epoch within 1 % (printed to 6 digits)
        np.testing.assert_allclose(got, curve, rtol=1e-2, err_msg=folder)
        exported = np.load(Path(folder) / "pred.npy")
        assert np.abs(exported - pred).max() < 1e-5, folder


def ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        pytest.skip("ruff is not installed (it comes with the test extra)")
    return [exe]


@pytest.mark.parametrize("name", preset_names())  # GANs too (S-GAN)
def test_generated_code_passes_ruff_and_is_formatted(tmp_path, name):
    export_python(load_preset(name), tmp_path / "out")
    for args in (["check", "--isolated", "."], ["format", "--isolated", "--check", "."]):
        r = subprocess.run([*ruff(), *args], cwd=tmp_path / "out", capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    imported = {
        line.split()[1].split(".")[0]
        for f in ("model.py", "train.py", "weights.py")
        for line in (tmp_path / "out" / f).read_text().splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imported <= {"argparse", "os", "json", "struct", "numpy", "torch", "model", "weights"}


def test_model_reads_like_hand_written_code(tmp_path):
    export_python(load_preset("spiral-deep"), tmp_path / "out")
    source = (tmp_path / "out" / "model.py").read_text()
    assert "self.dense1 = nn.Linear(4, 16)" in source
    assert "features = torch.stack([x1, x2, torch.sin(x1), torch.sin(x2)], 1)" in source
    assert "act1 = torch.tanh(dense1)" in source
    assert "F.binary_cross_entropy_with_logits(head, y.to(head.dtype).view(-1, 1))" in source
    assert "for " not in source.split("def forward")[1]  # plain statements, no interpreter loop


def test_untrained_project_exports_the_seeds_initial_weights(tmp_path):
    project = load_preset("xor")
    assert project.weights is None
    result = export_python(project, tmp_path / "out")
    assert not result.trained
    initial = build_model(project.graph, make_dataset(project.data).spec, project.train.seed)
    saved = load_file(str(tmp_path / "out" / "weights.safetensors"))
    for key, value in initial.state_dict().items():
        node_id, rest = key.split(".", 2)[1:]
        np.testing.assert_array_equal(saved[f"{result.code.attrs[node_id]}.{rest}"], value.numpy())
    assert "initial weights for seed" in (tmp_path / "out" / "README.md").read_text()


def test_data_file_holds_the_projects_exact_split(tmp_path):
    project = load_preset("circle")
    export_python(project, tmp_path / "out")
    ds = make_dataset(project.data)
    with np.load(tmp_path / "out" / "data.npz", allow_pickle=False) as d:
        for key in ("x_train", "y_train", "x_test", "y_test"):
            np.testing.assert_array_equal(d[key], getattr(ds, key))
            assert d[key].dtype == getattr(ds, key).dtype


def test_layers_with_state_and_skips_are_exported(tmp_path):
    """Dropout, batch norm, a residual Add, a step activation and a linear one."""
    from engine.graph import Graph
    from engine.project import Project
    from engine.settings import DataSettings, TrainSettings

    g = Graph()
    g.add_node("Input", id="input")
    g.add_node("Dense", {"units": 6, "init": "he"}, id="d1")
    g.add_node("BatchNorm", id="bn")
    g.add_node("Activation", {"fn": "step"}, id="act")
    g.add_node("Dense", {"units": 6, "bias": False, "init": "normal"}, id="d2")
    g.add_node("Activation", {"fn": "linear"}, id="lin")
    g.add_node("Add", id="skip")
    g.add_node("Dropout", {"p": 0.3}, id="drop")
    g.add_node("Dense", {"units": 3, "init": "default"}, id="head", label="Class scores")
    g.add_node("Output", {"loss": "cross_entropy"}, id="out")
    for a, b in [("input", "d1"), ("d1", "bn"), ("bn", "act"), ("act", "d2"), ("d2", "lin")]:
        g.connect(a, "x" if a == "input" else "out", b, "x")
    g.connect("lin", "out", "skip", "a")
    g.connect("bn", "out", "skip", "b")
    g.connect("skip", "out", "drop", "x")
    g.connect("drop", "out", "head", "x")
    g.connect("head", "out", "out", "pred")
    g.connect("input", "y", "out", "target")
    project = Project(
        g,
        DataSettings(name="blobs", classes=3, samples=120),
        TrainSettings(optimizer="adam", batch_size=16, regularization="l1", reg_rate=0.001, seed=4),
    )
    session = Session(project, device="cpu")
    session.train(epochs=2)
    project.weights = session.weights()
    result = export_python(project, tmp_path / "out")
    source = (tmp_path / "out" / "model.py").read_text()
    assert "self.class_scores = nn.Linear(6, 3)" in source and "step(" in source
    assert "self.bn = nn.BatchNorm1d(6)" in source and "self.drop = nn.Dropout(0.3)" in source
    assert result.code.random
    sys.path.insert(0, str(tmp_path / "out"))
    try:
        for name in ("model", "weights"):
            sys.modules.pop(name, None)
        from model import Model
        from weights import load_weights

        model = Model()
        model.load_state_dict(load_weights(tmp_path / "out" / "weights.safetensors"))
        model.eval()
        session.model.eval()
        with torch.no_grad():
            assert torch.allclose(model(session.x_test), session.model(session.x_test), atol=1e-6)
        torch.manual_seed(4)
        fresh = Model()
        initial = build_model(project.graph, session.dataset.spec, 4)
        renamed = {
            f"{result.code.attrs[k.split('.')[1]]}.{k.split('.', 2)[2]}": v
            for k, v in initial.state_dict().items()
        }
        for key, value in fresh.state_dict().items():
            assert torch.equal(value, renamed[key]), key
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in ("model", "weights"):
            sys.modules.pop(name, None)


def test_torchrun_trains_with_two_processes(tmp_path):
    export_python(load_preset("circle"), tmp_path / "out")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node",
            "2",
            "train.py",
            "--epochs",
            "2",
            "--out",
            "ddp.safetensors",
        ],
        cwd=tmp_path / "out",
        env=fresh_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    epochs = [line for line in r.stdout.splitlines() if line.startswith("epoch ")]
    assert len(epochs) == 2  # printed once, by rank 0
    losses = [float(line.split()[4]) for line in epochs]
    assert np.isfinite(losses).all()
    assert (tmp_path / "out" / "ddp.safetensors").stat().st_size > 0


def test_invalid_graph_names_the_node(tmp_path):
    project = load_preset("circle")
    edge = next(e for e in project.graph.edges if e.dst == "head")
    project.graph.disconnect(edge)
    with pytest.raises(GraphError) as err:
        export_python(project, tmp_path / "out")
    assert err.value.node_id == "head"
    assert "node 'head'" in str(err.value) and "is not connected" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_existing_folder_needs_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(NodeplayError, match="already exists; pass --force"):
        export_python(load_preset("circle"), out)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    export_python(load_preset("circle"), out, force=True)
    assert (out / "model.py").is_file() and (out / "notes.txt").read_text() == "mine"


def test_weights_that_do_not_fit_are_refused(tmp_path):
    project, _, _ = trained("circle", epochs=1)
    project.graph.set_params("dense1", units=3)
    with pytest.raises(NodeplayError, match="do not fit its graph"):
        export_python(project, tmp_path / "out")


def run_script(folder: Path, *args: str) -> list[float]:
    """train.py as `python train.py ARGS` runs it, in this process; the printed train losses."""
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
    return [float(line.split()[4]) for line in text.getvalue().splitlines()]


def test_every_node_type_exports_and_reproduces(tmp_path):
    """A graph with every catalogue type: several heads, a LossSum, sampling and dropout."""
    from engine.graph import CATALOGUE
    from tests.engine.export_graphs import ZOO_NODES, zoo_project

    gan = {"Noise", "Generated", "Adversarial"}  # written by engine.export.gan_code instead
    assert {kind for _, kind, _ in ZOO_NODES} == set(CATALOGUE) - gan  # a new type needs its code
    project = zoo_project()
    session = Session(project, device="cpu")
    session.train(epochs=3)
    project.weights, project.epoch = session.weights(), 3
    export_python(project, tmp_path / "zoo")
    curve = run_script(tmp_path / "zoo", "--epochs", "3", "--out", str(tmp_path / "t.safetensors"))
    np.testing.assert_allclose(curve, session.history.train_loss, rtol=1e-2)
    for args in (["check", "--isolated", "."], ["format", "--isolated", "--check", "."]):
        r = subprocess.run([*ruff(), *args], cwd=tmp_path / "zoo", capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    sys.path.insert(0, str(tmp_path / "zoo"))
    try:
        for name in ("model", "weights"):
            sys.modules.pop(name, None)
        from model import Model
        from weights import load_weights

        model = Model()
        model.load_state_dict(load_weights(tmp_path / "zoo" / "weights.safetensors"))
    finally:
        sys.path.remove(str(tmp_path / "zoo"))
    model.eval()
    session.model.eval()
    with torch.no_grad():
        x, y = session.x_test, session.y_test
        assert (model(x) - session.model(x)).abs().max() < 1e-5
        assert abs(model(x, y)[0].item() - session.model.loss(x, y)[0].item()) < 1e-5


@pytest.mark.parametrize(
    "fn", ["linear", "step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "sine"]
)
def test_each_activation_computes_what_the_app_does(tmp_path, fn):
    from engine.graph.mlp import mlp_graph
    from engine.project import Project
    from engine.settings import DataSettings

    project = Project(mlp_graph([5], fn, loss="bce"), DataSettings(name="xor", samples=60))
    result = export_python(project, tmp_path / fn)
    sys.path.insert(0, str(tmp_path / fn))
    try:
        for name in ("model", "weights"):
            sys.modules.pop(name, None)
        from model import Model
        from weights import load_weights

        model = Model()
        model.load_state_dict(load_weights(tmp_path / fn / "weights.safetensors"))
    finally:
        sys.path.remove(str(tmp_path / fn))
    app = build_model(project.graph, make_dataset(project.data).spec, project.train.seed)
    x = torch.linspace(-3, 3, 40).reshape(20, 2)
    with torch.no_grad():
        assert torch.allclose(model(x), app(x), atol=1e-6), result.code.source


def test_a_layer_that_feeds_nothing_is_kept_and_marked(tmp_path):
    """Its weights exist in the app, so the export keeps them; DDP is told they get no gradient."""
    project = load_preset("circle")
    project.graph.add_node("Dense", {"units": 3}, id="spare")
    project.graph.connect("act1", "out", "spare", "x")
    result = export_python(project, tmp_path / "out")
    source = (tmp_path / "out" / "model.py").read_text()
    assert "self.spare = nn.Linear(4, 3)" in source and "_spare = self.spare(act1)" in source
    assert result.code.unused_params
    assert "find_unused_parameters=True" in (tmp_path / "out" / "train.py").read_text()
    for args in (["check", "--isolated", "."], ["format", "--isolated", "--check", "."]):
        r = subprocess.run([*ruff(), *args], cwd=tmp_path / "out", capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    assert not export_python(load_preset("circle"), tmp_path / "plain").code.unused_params
