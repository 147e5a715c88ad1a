"""The command line for the V2 views: render --help names every registered view, and a
layer that does not exist is refused with the ones that do."""

import re

import pytest

from app.views.registry import all_views
from nodeplay.cli import main


def test_render_help_lists_every_view(capsys):
    with pytest.raises(SystemExit):
        main(["render", "--help"])
    text = re.sub(r"-\s+", "-", " ".join(capsys.readouterr().out.split()))
    for spec in all_views():
        assert spec.name in text, spec.name
    assert "activation-max" in text and "receptive-field" in text


@pytest.mark.parametrize(
    ("view", "known"),
    [
        ("activation-max", "classes, conv1, relu1, pool1, conv2, relu2, pool2, flatten, head"),
        ("receptive-field", "conv1, relu1, pool1, conv2, relu2, pool2"),
    ],
)
def test_a_layer_that_does_not_exist_says_which_exist(qtbot, tmp_path, capsys, view, known):
    project = tmp_path / "d.json"
    assert main(["new", "digits-cnn", "--out", str(project)]) == 0
    code = main(
        ["render", str(project), "--view", view, "--layer", "conv9", "--out", str(tmp_path / "x.png")]
    )
    err = capsys.readouterr().err
    assert code == 2 and f"choose one of {known}." in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()
