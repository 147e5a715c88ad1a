"""The vision views driven as a user does: click a test image in the gallery, a cell of
the confusion matrix, a tab, a layer in a combo; and their renders with --data."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from app.render import render_view
from engine.presets import load_preset
from tests.app.conftest import shown_window


def _open_tab(qtbot, w, title: str):
    bar = w.tabs.tabBar()
    index = [w.tabs.tabText(i) for i in range(w.tabs.count())].index(title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert w.tabs.currentIndex() == index
    return w.tabs.widget(index).view


@pytest.fixture
def digits(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    yield w
    w.close()


def test_the_gallery_shows_probabilities_and_a_click_selects_a_sample(digits, qtbot):
    w = digits
    gallery = w.view_area.views["gallery"]
    assert "class_probabilities" in w.view_area.subscriptions()
    w.step_action.trigger()
    qtbot.waitUntil(lambda: gallery.grid.probabilities is not None, timeout=20_000)
    probs = gallery.grid.probabilities
    assert probs.shape == (48, 10) and np.allclose(probs.sum(1), 1, atol=1e-4)
    assert "%" in gallery.grid.tooltip_for(3) and "Test sample 3" in gallery.grid.tooltip_for(3)
    with qtbot.waitSignal(gallery.sampleSelected) as chosen:
        qtbot.mouseClick(
            gallery.grid, Qt.MouseButton.LeftButton, pos=gallery.grid.cell_box(5).center().toPoint()
        )
    assert chosen.args == [5]
    assert w.view_area.selected_sample == 5 and gallery.grid.selected == 5
    # the feature maps follow the selection: their probe asks for sample 5
    maps = _open_tab(qtbot, w, "Feature maps")
    assert w.view_area.subscriptions()["feature_maps"]["sample"] == 5
    qtbot.waitUntil(lambda: maps.maps is not None, timeout=20_000)
    np.testing.assert_array_equal(maps.image, w.dataset.x_test[5])
    assert maps.maps.shape == (8, 8, 8)  # conv1: 8 channels of 8×8


def test_the_confusion_matrix_counts_the_test_set_and_a_cell_click_selects_its_sample(digits, qtbot):
    w = digits
    view = _open_tab(qtbot, w, "Confusion")
    assert "confusion" in w.view_area.subscriptions()
    w.step_action.trigger()
    qtbot.waitUntil(lambda: view.cells.matrix is not None, timeout=20_000)
    m = view.cells.matrix
    labels = w.dataset.y_test
    assert m.shape == (10, 10) and m.sum() == len(labels)
    assert (m.sum(1) == np.bincount(labels, minlength=10)).all()  # rows are the true classes
    t, p = 3, int(np.argmax(m[3]))  # the cell where most true 3s land
    with qtbot.waitSignal(view.sampleSelected) as chosen:
        qtbot.mouseClick(
            view.cells, Qt.MouseButton.LeftButton, pos=view.cells.cell_rect(t, p).center().toPoint()
        )
    index = chosen.args[0]
    assert labels[index] == t and view.predicted[index] == p
    assert index == np.flatnonzero((labels == t) & (view.predicted == p))[0]
    assert w.view_area.selected_sample == index and view.cells.marked == (t, p)
    # a second click on the same cell steps to its next sample
    hits = view.samples_in(t, p)
    if len(hits) > 1:
        with qtbot.waitSignal(view.sampleSelected) as again:
            qtbot.mouseClick(
                view.cells, Qt.MouseButton.LeftButton, pos=view.cells.cell_rect(t, p).center().toPoint()
            )
        assert again.args == [int(hits[1])] and w.view_area.selected_sample == hits[1]
    assert "Most confused" in view.pairs_label.text()


def test_filters_keep_one_picture_per_epoch_and_follow_the_chosen_layer(digits, qtbot):
    w = digits
    view = _open_tab(qtbot, w, "Filters")
    assert w.view_area.subscriptions()["kernels"] == {"layer": "conv1"}
    # the snapshot that follows the subscription brings the initial kernels
    qtbot.waitUntil(lambda: [e for e, _ in view.history][:1] == [0], timeout=20_000)
    for epoch in (1, 2):
        w.step_action.trigger()
        qtbot.waitUntil(lambda e=epoch: [e_ for e_, _ in view.history][-1:] == [e], timeout=20_000)
    assert [e for e, _ in view.history] == [0, 1, 2]  # the initial kernels, then each epoch
    assert view.kernels.shape == (8, 1, 3, 3) and len(view.grid.tiles) == 8
    assert not np.array_equal(view.history[0][1], view.history[2][1])  # training moved them
    # choose conv2 with the keyboard, as a user does
    view.combo.setFocus()
    qtbot.keyClick(view.combo, Qt.Key.Key_Down)
    assert view.layer() == "conv2" and view.history == []
    assert w.view_area.subscriptions()["kernels"] == {"layer": "conv2"}
    qtbot.waitUntil(lambda: view.kernels is not None, timeout=20_000)
    assert view.kernels.shape == (16, 8, 3, 3) and len(view.grid.tiles) == 16 * 8


def test_the_filter_strip_is_bounded_and_keeps_the_first_epoch(qtbot):
    from app.views.filters import MAX_HISTORY, QtFiltersView

    view = QtFiltersView()
    qtbot.addWidget(view)
    view.set_project(load_preset("digits-cnn"), None)
    for epoch in range(1, MAX_HISTORY + 6):
        view.show_kernels(np.full((8, 1, 3, 3), float(epoch)), epoch)
    epochs = [e for e, _ in view.history]
    assert len(epochs) == MAX_HISTORY and epochs[0] == 1 and epochs[-1] == MAX_HISTORY + 5
    assert len(view.strip.tiles) == MAX_HISTORY


def _colours(path) -> int:
    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    buf = np.frombuffer(img.constBits(), np.uint32, img.width() * img.height())
    return len(np.unique(buf))


@pytest.mark.parametrize(
    ("preset", "view", "keys"),
    [
        ("digits-cnn", "confusion", {"matrix": (10, 10), "row_shares": (10, 10)}),
        ("shapes-cnn", "confusion", {"matrix": (3, 3)}),
        ("digits-cnn", "filters", {"kernels": (8, 1, 3, 3), "history": (1, 8, 1, 3, 3)}),
        ("shapes-cnn", "feature-maps", {"maps": (8, 16, 16), "image": (1, 16, 16)}),
        ("digits-cnn", "gallery", {"probabilities": (48, 10)}),
    ],
)
def test_the_vision_views_render_with_their_data(qtbot, tmp_path, preset, view, keys):
    out, data = tmp_path / f"{view}.png", tmp_path / f"{view}.npz"
    render_view(load_preset(preset), view, out, 1, data)
    assert _colours(out) > 30
    arrays = np.load(data)
    for key, shape in keys.items():
        assert arrays[key].shape == shape


def test_filters_render_the_chosen_layer(qtbot, tmp_path):
    data = tmp_path / "f.npz"
    render_view(load_preset("digits-cnn"), "filters", tmp_path / "f.png", 1, data, layer="conv2")
    assert np.load(data)["kernels"].shape == (16, 8, 3, 3)
    from engine.errors import NodeplayError

    with pytest.raises(NodeplayError, match="choose one of conv1, conv2"):
        render_view(load_preset("digits-cnn"), "filters", tmp_path / "g.png", 0, layer="relu1")


def test_the_confusion_view_says_why_it_is_empty_for_a_regression(qtbot):
    from app.views.confusion import QtConfusionView, confused_pairs
    from engine.train.session import Session

    view = QtConfusionView()
    qtbot.addWidget(view)
    project = load_preset("reg-plane")
    assert "values" in view.note_for(project, Session(project).dataset)
    m = np.array([[5, 2, 0], [4, 6, 1], [0, 0, 9]])
    assert confused_pairs(m) == [(1, 0, 4), (0, 1, 2), (1, 2, 1)]


def test_colour_kernels_are_one_rgb_tile_each(qtbot):
    """A layer reading RGB images shows each kernel as one colour picture, and the strip's
    mosaic keeps a kernel's red, green and blue planes apart."""
    from app.views.filters import QtFiltersView, mosaic

    view = QtFiltersView()
    qtbot.addWidget(view)
    view.set_project(load_preset("shapes-cnn"), None)
    k = np.zeros((4, 3, 5, 5))
    k[0, 0] = 1.0  # kernel 0: all red
    k[1, 2] = 1.0  # kernel 1: all blue
    view.show_kernels(k, 1)
    assert len(view.grid.tiles) == 4 and "over RGB" in view.caption.text()
    red = view.grid.tiles[0].pixelColor(2, 2)
    blue = view.grid.tiles[1].pixelColor(2, 2)
    assert red.red() > 200 and red.blue() < 60 and blue.blue() > 200 and blue.red() < 60
    pic = mosaic(k, gap=1)
    assert pic.dtype == np.uint8 and pic.shape[2] == 3
    assert tuple(pic[1, 1]) == (255, 127, 127)  # kernel 0's corner: red on the ±1 scale


def test_the_gallery_draws_colour_images_in_colour(qtbot):
    from app.views.sample_grid import QtSampleGrid
    from engine.data.dataset import Dataset

    x = np.zeros((6, 3, 4, 4), np.float32)
    x[:, 0] = 1.0  # every image pure red
    y = np.arange(6) % 2
    view = QtSampleGrid()
    qtbot.addWidget(view)
    view.set_dataset(Dataset("patches", x, y, x, y, 2))
    assert len(view.grid.images) == 6 and view.grid.isVisibleTo(view)
    c = view.grid.images[0].pixelColor(1, 1)
    assert (c.red(), c.green(), c.blue()) == (255, 0, 0)
