"""render_to_png draws real pictures offscreen."""

import re

import numpy as np
import pytest
from PySide6.QtGui import QImage

from app.render import render_to_png, render_view
from engine.errors import NodeplayError
from engine.presets import load_preset


def _colours(path) -> int:
    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert not img.isNull()
    buf = np.frombuffer(img.constBits(), np.uint32, img.width() * img.height())
    return len(np.unique(buf))


@pytest.mark.parametrize("view", ["window", "boundary", "loss", "network", "hidden"])
def test_render_writes_a_picture(qtbot, tmp_path, view):
    out = tmp_path / f"{view}.png"
    render_to_png(load_preset("circle"), view, out, 20)
    assert out.stat().st_size > 5000
    assert _colours(out) > 200


def test_the_gallery_renders_for_images_with_marked_answers(qtbot, tmp_path):
    out, data = tmp_path / "gallery.png", tmp_path / "gallery.npz"
    render_view(load_preset("digits-cnn"), "gallery", out, 1, data)
    assert _colours(out) > 50
    arrays = np.load(data)
    assert arrays["images"].shape == (48, 1, 8, 8) and arrays["labels"].shape == (48,)
    assert arrays["predictions"].shape == (48,)


def test_the_window_render_draws_what_the_window_draws(qtbot, tmp_path):
    """The diagram has neuron maps and coloured weights, image answers are marked, and
    the left panel is not clipped."""
    from app.shell.main_window import MainWindow

    out, data = tmp_path / "w.png", tmp_path / "w.npz"
    render_view(load_preset("spiral-deep"), "window", out, 5, data)
    arrays = np.load(data)
    assert arrays["network/map/act1"].shape == (16, 24, 24)
    assert np.abs(arrays["network/map/act3"]).max() > 0
    assert arrays["network/weight/layers.dense2.weight"].shape == (16, 16)
    assert arrays["boundary/boundary"].shape == (100, 100)
    assert list(arrays["loss/epoch"]) == [1, 2, 3, 4, 5]
    window = MainWindow(load_preset("spiral-deep"), serve=False)
    try:
        needed = window.panel.sizeHint().height()
    finally:
        window.close()
    assert QImage(str(out)).height() > needed

    render_view(load_preset("digits-cnn"), "window", out, 1, data)
    arrays = np.load(data)
    assert arrays["gallery/predictions"].shape == (48,)
    assert "network/map/act1" not in arrays  # no empty 2-D panels for images


def test_a_picture_saves_as_svg(qtbot, tmp_path):
    import xml.etree.ElementTree as ET

    out = tmp_path / "loss.svg"
    render_view(load_preset("circle"), "loss", out, 3)
    assert ET.parse(out).getroot().tag.endswith("svg")


def test_boundary_colours_match_the_points(qtbot):
    """Blue (class 1) points sit on blue regions: the heatmap is not flipped."""
    from app.views.boundary_view import QtBoundaryView
    from engine.train.events import Snapshot
    from engine.train.session import Session

    session = Session(load_preset("circle"))
    session.train(epochs=150)
    view = QtBoundaryView(session.dataset)
    qtbot.addWidget(view)
    view.show_snapshot(
        Snapshot(
            session.epoch, 0, False, session.history, session.boundary(), session.dataset.extent, reset=True
        )
    )
    placed = view.image.mapRectToParent(view.image.boundingRect())
    assert [placed.left(), placed.top(), placed.width(), placed.height()] == [-6, -6, 12, 12]
    field = view.image.image
    e, n = session.dataset.extent, field.shape[0]
    x, y = session.dataset.x_train, session.dataset.y_train
    col = np.clip(((x[:, 0] + e) / (2 * e) * (n - 1)).round().astype(int), 0, n - 1)
    row = np.clip(((x[:, 1] + e) / (2 * e) * (n - 1)).round().astype(int), 0, n - 1)
    agree = ((field[row, col] > 0) == (y == 1)).mean()
    assert agree > 0.9


def test_unknown_view_is_refused_with_the_views_that_apply():
    with pytest.raises(
        NodeplayError,
        match=r"^There is no view 'nope'; this project can "
        r"render window, boundary, loss, network, hidden, pca-basis, init-histograms, backprop\.$",
    ):
        render_to_png(load_preset("circle"), "nope", "/tmp/x.png", 0)


def test_the_boundary_of_an_image_dataset_is_refused_in_a_sentence(tmp_path):
    out = tmp_path / "b.png"
    with pytest.raises(
        NodeplayError,
        match=r"^The boundary view draws 2-D points; the dataset "
        r"'digits' holds 1×8×8 samples, so render one of "
        r"window, loss, gallery(, [a-z-]+)* instead\.$",
    ):
        render_to_png(load_preset("digits-cnn"), "boundary", out, 0)
    assert not out.exists()


def test_the_command_line_renders_without_training_first(tmp_path, capsys):
    from nodeplay.cli import main

    project = tmp_path / "d.json"
    assert main(["new", "digits-cnn", "--out", str(project)]) == 0
    assert main(["render", str(project), "--view", "loss", "--out", str(tmp_path / "l.png")]) == 0
    assert (tmp_path / "l.png").stat().st_size > 1000
    assert main(["render", str(project), "--view", "boundary", "--out", str(tmp_path / "b.png")]) == 2
    refusal = capsys.readouterr().err
    assert re.search(r"so render one of window, loss, gallery(, [a-z-]+)* instead\.$", refusal)
    npz = tmp_path / "l.npz"
    assert (
        main(
            [
                "render",
                str(project),
                "--view",
                "loss",
                "--out",
                str(tmp_path / "l.svg"),
                "--data",
                str(npz),
                "--epochs",
                "2",
            ]
        )
        == 0
    )
    assert list(np.load(npz)["epoch"]) == [1, 2]
    assert main(["render", str(project), "--view", "loss", "--out", str(tmp_path / "l.gif")]) == 2
    assert "end it in .png or .svg" in capsys.readouterr().err


def test_the_hidden_view_renders_the_layer_asked_for(qtbot, tmp_path):
    data = tmp_path / "h.npz"
    render_view(load_preset("circle"), "hidden", tmp_path / "h.png", 2, data, layer="act1")
    arrays = np.load(data)
    assert int(arrays["units"]) == 4 and arrays["points"].shape[1] == 3  # act1: 4 units, PCA
    with pytest.raises(
        NodeplayError,
        match=r"^There is no layer 'x' in the hidden view; "
        r"choose one of act1, act2\.$",
    ):
        render_view(load_preset("circle"), "hidden", tmp_path / "h2.png", 0, layer="x")
