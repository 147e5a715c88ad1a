"""``nodeplay export`` as a user runs it: real files, one sentence per mistake."""

import json
import subprocess
import sys

import numpy as np
import pytest

from nodeplay.cli import main


@pytest.fixture
def project_file(tmp_path):
    path = tmp_path / "xor.nodeplay"
    assert main(["new", "xor", "--out", str(path)]) == 0
    assert main(["train", str(path), "--epochs", "2", "--out", str(path), "--force"]) == 0
    return path


def test_export_python_writes_a_runnable_folder(project_file, tmp_path, capsys):
    out = tmp_path / "xor-pytorch"
    assert main(["export", str(project_file), "--format", "python", "--out", str(out)]) == 0
    assert "trained weights" in capsys.readouterr().err
    assert {p.name for p in out.iterdir()} == {
        "model.py",
        "train.py",
        "weights.py",
        "README.md",
        "weights.safetensors",
        "data.npz",
    }
    assert "trained (epoch 2)" in (out / "README.md").read_text()


def test_export_onnx_writes_a_model(project_file, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    out = tmp_path / "xor.onnx"
    assert main(["export", str(project_file), "--format", "onnx", "--out", str(out)]) == 0
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    assert session.run(None, {"x": np.zeros((5, 2), np.float32)})[0].shape == (5, 1)


@pytest.mark.parametrize("fmt, name", [("python", "folder"), ("onnx", "m.onnx")])
def test_existing_out_is_refused_without_force(project_file, tmp_path, capsys, fmt, name):
    out = tmp_path / name
    out.mkdir() if fmt == "python" else out.write_bytes(b"mine")
    assert main(["export", str(project_file), "--format", fmt, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"nodeplay: error: {out} already exists; pass --force to overwrite it.\n"
    assert main(["export", str(project_file), "--format", fmt, "--out", str(out), "--force"]) == 0


@pytest.mark.parametrize("fmt", ["python", "onnx"])
def test_invalid_graph_names_the_node(project_file, tmp_path, capsys, fmt):
    data = json.loads(project_file.read_text())
    data["graph"]["edges"] = [e for e in data["graph"]["edges"] if e["to"] != "dense2.x"]
    data.pop("state")
    project_file.write_text(json.dumps(data))
    assert main(["export", str(project_file), "--format", fmt, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nodeplay: error: The graph cannot be exported: node 'dense2' (Dense)")
    assert "is not connected" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_os_errors_are_one_sentence(project_file, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("a file where a folder should be")
    out = tmp_path / "notes.txt" / "export"
    assert main(["export", str(project_file), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"nodeplay: error: The export to {out} failed (")
    assert len(err.strip().splitlines()) == 1


def test_no_onnx_form_is_one_sentence_and_nothing_else(tmp_path):
    """torch dumps its graph from C++ when an operator has no ONNX form; the user sees one line."""
    code = f"""
import sys, torch
from engine.builder.layers import Sine
Sine.forward = lambda self, x: torch.special.erfcx(x)  # an operator ONNX has no form for
from engine.presets import load_preset
from engine.project import save_project
from nodeplay.cli import main
project = load_preset("xor")
project.graph.set_params("act1", fn="sine")
save_project(project, r"{tmp_path / "p.nodeplay"}")
sys.exit(main(["export", r"{tmp_path / "p.nodeplay"}", "--format", "onnx",
               "--out", r"{tmp_path / "p.onnx"}"]))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("nodeplay: error: Node 'act1' (Activation) has no ONNX form: ")
    assert len(r.stderr.strip().splitlines()) == 1
