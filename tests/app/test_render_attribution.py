"""nodeplay render draws the saliency map of the sample and method asked for, and the
adversarial view; --sample and --method are refused in a sentence where they mean nothing."""

import numpy as np
import pytest
from PySide6.QtGui import QImage

from app.render import render_view
from engine.errors import NodeplayError
from engine.presets import load_preset
from nodeplay.cli import main


def _colours(path) -> int:
    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    buf = np.frombuffer(img.constBits(), np.uint32, img.width() * img.height())
    return len(np.unique(buf))


@pytest.mark.parametrize(
    "method", ["gradient", "smoothgrad", "integrated-gradients", "occlusion", "grad-cam"]
)
def test_render_writes_the_map_of_the_sample_and_method_asked_for(qtbot, tmp_path, method):
    out, data = tmp_path / "s.png", tmp_path / "s.npz"
    render_view(load_preset("digits-cnn"), "saliency", out, 1, data, sample=7, method=method)
    arrays = np.load(data)
    assert arrays["attribution"].shape == (1, 8, 8) and np.abs(arrays["attribution"]).max() > 0
    assert int(arrays["sample"]) == 7 and str(arrays["method"]) == method
    assert _colours(out) > 30


def test_the_command_line_renders_saliency_and_adversarial(qtbot, tmp_path, capsys):
    project = tmp_path / "d.json"
    assert main(["new", "digits-cnn", "--out", str(project)]) == 0
    npz = tmp_path / "a.npz"
    args = ["render", str(project), "--epochs", "2", "--sample", "3"]
    assert main([*args, "--view", "adversarial", "--out", str(tmp_path / "a.png"), "--data", str(npz)]) == 0
    arrays = np.load(npz)
    assert int(arrays["sample"]) == 3 and arrays["adversarial"].shape == (1, 8, 8)
    assert arrays["curve_accuracy"][-1] < arrays["curve_accuracy"][0]
    out = str(tmp_path / "x.png")
    assert main([*args, "--view", "saliency", "--method", "lime", "--out", out]) == 2
    assert (
        "There is no attribution method 'lime'; choose one of gradient, smoothgrad" in capsys.readouterr().err
    )
    assert main(["render", str(project), "--view", "loss", "--sample", "3", "--out", out]) == 2
    assert "The loss view shows no single sample; leave out --sample." in capsys.readouterr().err
    assert main(["render", str(project), "--view", "adversarial", "--method", "gradient", "--out", out]) == 2
    assert "The adversarial view has no method to choose" in capsys.readouterr().err


def test_a_sample_that_does_not_exist_is_refused(qtbot, tmp_path):
    with pytest.raises(NodeplayError, match=r"^There is no test sample 5000; choose one from 0 to \d+\.$"):
        render_view(load_preset("digits-cnn"), "saliency", tmp_path / "s.png", 0, sample=5000)


@pytest.mark.parametrize("view", ["saliency", "adversarial"])
def test_a_project_that_classifies_no_images_is_refused_with_the_views_note(qtbot, tmp_path, view):
    with pytest.raises(NodeplayError, match=r"this project does not classify images\. Open one that does"):
        render_view(load_preset("vae"), view, tmp_path / "v.png", 0)
    assert not (tmp_path / "v.png").exists()
