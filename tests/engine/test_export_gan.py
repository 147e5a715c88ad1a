"""A GAN exports as plain PyTorch: model.py with both networks, train.py with the
adversarial training. The exported weights make the app's samples; train.py runs away
from the repository and repeats the app's losses, iteration for iteration."""

import importlib.util
import math
import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from engine.data.gan_real import drawn_points
from engine.export import export_python
from engine.presets import load_preset
from engine.train.factory import make_trainer
from tests.engine.test_export_python import fresh_env

LINE = re.compile(r"iteration (\d+)  d loss (\S+)  g loss (\S+)  D\(x\) (\S+)  D\(G\(z\)\) (\S+)")


def _trained(name: str, steps: int, **settings):
    project = load_preset(name)
    project.graph.set_params("adversarial", **settings)
    trainer = make_trainer(project, device="cpu")
    trainer.train(steps=steps)
    project.weights, project.epoch = trainer.weights(), trainer.epoch
    return project, trainer


def _module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_train(folder, *args) -> list[tuple[float, ...]]:
    r = subprocess.run(
        [sys.executable, "train.py", *args],
        cwd=folder,
        env=fresh_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return [tuple(float(v) for v in m.groups()) for m in LINE.finditer(r.stdout)]


@pytest.mark.parametrize("name", ["gan-2d", "gan"])
def test_the_exported_weights_make_the_apps_samples_from_the_same_noise(tmp_path, name):
    project, trainer = _trained(name, 5)
    result = export_python(project, tmp_path / "out")
    assert result.trained
    model = _module(tmp_path / "out" / "model.py", f"exported_{name.replace('-', '_')}")
    weights = _module(tmp_path / "out" / "weights.py", "exported_weights")
    gan = model.Gan()
    gan.load_state_dict(weights.load_weights(tmp_path / "out" / "weights.safetensors"))
    z = model.noise(64, torch.Generator().manual_seed(7))
    assert torch.equal(z, trainer.nets.noise(64, torch.Generator().manual_seed(7)))
    for mode in ("eval", "train"):  # BatchNorm's running statistics and batch statistics
        for net in (gan, trainer.nets):
            getattr(net, mode)()
        with torch.no_grad():
            theirs, ours = gan.generator(z), trainer.nets.generator(z)
            assert torch.allclose(theirs, ours, atol=1e-6), mode
            assert torch.allclose(gan.discriminator(ours), trainer.nets.discriminator(ours), atol=1e-6)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"loss": "minimax", "d_steps": 2, "label_smoothing": 0.1},
        {"instance_noise": 0.05},  # drawn from torch's global generator: close, not equal
    ],
)
def test_the_exported_train_script_repeats_the_apps_losses(tmp_path, settings):
    project = load_preset("gan-2d")
    t = np.linspace(0, 2 * np.pi, 64, endpoint=False)  # drawn points export too
    project.data.name, project.points = "user", drawn_points(np.c_[np.cos(t), np.sin(2 * t)])
    project.graph.set_params("adversarial", **settings)
    export_python(project, tmp_path / "out")
    text = (tmp_path / "out" / "train.py").read_text()
    assert f"D_STEPS = {settings.get('d_steps', 1)}" in text
    assert f'GENERATOR_LOSS = "{settings.get("loss", "non_saturating")}"' in text
    rows = _run_train(tmp_path / "out", "--iterations", "30", "--every", "10")
    assert [r[0] for r in rows] == [10, 20, 30]
    assert all(math.isfinite(v) for r in rows for v in r)
    trainer = make_trainer(project, device="cpu")
    for it in (10, 20, 30):
        trainer.train(steps=10)
        m = trainer._last  # the app's figures of its last iteration
        ours = (m["d_loss"], m["g_loss"], m["d_real"], m["d_fake"])
        close = 2e-2 if settings.get("instance_noise") else 1e-4
        np.testing.assert_allclose(rows[it // 10 - 1][1:], ours, rtol=close, atol=close)


def test_the_dcgan_export_trains_from_its_saved_weights(tmp_path):
    project, _ = _trained("gan", 2)
    export_python(project, tmp_path / "out")
    rows = _run_train(tmp_path / "out", "--iterations", "3", "--every", "1", "--resume")
    assert [r[0] for r in rows] == [1, 2, 3] and all(math.isfinite(v) for r in rows for v in r)
    assert (tmp_path / "out" / "trained.safetensors").stat().st_size > 10_000
