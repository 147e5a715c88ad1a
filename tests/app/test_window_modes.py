"""The main window on image data and non-perceptron graphs, and its Editor mode: the
node editor on the project graph, whose edits reach the training session."""

import numpy as np
import pytest

from app.views.sample_grid import label_text
from engine.data.images import IMAGE_SETS
from engine.presets import load_preset
from tests.app.conftest import shown_window


@pytest.fixture
def digits(qtbot):
    w = shown_window(qtbot, "digits-cnn")
    yield w
    w.close()


def captured(window, qtbot):
    """The session's state after every command queued so far has applied."""
    with qtbot.waitSignal(window.bridge.captured, timeout=10_000) as blocker:
        window.bridge.capture()
    return blocker.args[0]


def test_image_project_shows_samples_and_says_why_views_are_empty(digits, qtbot):
    w = digits
    ds = w.session.dataset
    assert w.plane_stack.currentWidget() is w.sample_grid
    grid = w.sample_grid.grid
    assert len(grid.images) == 48 and grid.images[0].width() == 8
    assert grid.labels[:5] == [str(int(v)) for v in ds.y_test[:5]]
    assert "8×8 images" in w.sample_grid.note.text()
    # no empty 2-D panels: the diagram and hidden-space tabs are not offered for images
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    assert "Network" not in titles and "Hidden space" not in titles
    assert titles[0] == "Confusion"
    assert {"Filters", "Feature maps", "Embedding", "Saliency", "Adversarial"} <= set(titles)
    assert w.view_area.subscriptions() == {
        "predictions": {},
        "class_probabilities": {"count": 48},
        "confusion": {},
    }
    panel = w.panel
    # what does not apply to a CNN on images is hidden, not greyed out
    assert not panel.groups["layers"].isVisible() and not panel.groups["features"].isVisible()
    for control in (
        panel.noise_slider,
        panel.classes_spin,
        panel.regenerate_button,
        panel.user_box,
        panel.init_combo,
    ):
        assert not control.isVisible()
    assert panel.groups["data"].isVisible() and panel.groups["data"].isEnabled()
    assert panel.optimizer_combo.isVisible() and panel.optimizer_combo.isEnabled()
    assert panel.ratio_slider.isVisible() and panel.batch_slider.isVisible()
    offered = [panel.dataset_combo.itemData(i) for i in range(panel.dataset_combo.count())]
    assert offered[:2] == ["digits", "shapes"] and offered == list(IMAGE_SETS)  # and issue #10's sets
    w.step_action.trigger()
    qtbot.waitUntil(lambda: len(w.loss_plot) == 1, timeout=20_000)
    assert "accuracy" in w.metrics_label.text()


def test_training_controls_apply_to_image_data(digits, qtbot):
    w = digits
    w.panel.optimizer_combo.setCurrentText("sgd")
    assert w.project.train.optimizer == "sgd"
    # the worker takes the edited project between steps
    qtbot.waitUntil(lambda: w.session.project.train.optimizer == "sgd", timeout=5000)
    assert w.project.graph.nodes["conv1"].type == "Conv2d"  # the graph is kept as it is


def test_shapes_labels_are_names():
    assert label_text("shapes", 2) == "triangle" and label_text("digits", np.int64(7)) == "7"


def test_editor_mode_shows_the_project_graph_and_live_thumbnails(digits, qtbot):
    w = digits
    assert w.session.thumbnails_on is False
    w.show_mode("editor")
    assert w.editor.graph is w.project.graph
    assert w.loss_plot.parent() is w.editor_split
    w.step_action.trigger()
    qtbot.waitUntil(lambda: w._thumbs is not None, timeout=20_000)
    assert w.session.thumbnails_on
    item = w.editor.scene.nodes["conv1"]
    assert item.thumb is not None and w._thumbs["conv1"].kind == "image"
    dialog = w.open_node_output("conv1")
    assert dialog.picture.pixmap() is not None and "first channel" in dialog.caption.text()
    dialog.close()
    w.show_mode("playground")
    assert w.loss_plot.parent() is w.right_split
    captured(w, qtbot)
    assert not w.session.thumbnails_on


@pytest.fixture
def circle(qtbot):
    from app.shell.main_window import MainWindow

    w = MainWindow(load_preset("circle"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.show_mode("editor")
    yield w
    w.close()


def _hidden_dense(graph):
    return [n.id for n in graph.nodes.values() if n.type == "Dense"]


def test_structural_edit_rebuilds_keeping_unchanged_weights(circle, qtbot):
    w = circle
    for _ in range(3):
        w.step_action.trigger()
    before = captured(w, qtbot)
    assert before.epoch == 3
    first, *rest = _hidden_dense(w.project.graph)
    units = w.project.graph.nodes[first].params["units"]
    assert w.editor.set_params(first, {"units": units + 1})
    assert w.isWindowModified()
    after = captured(w, qtbot)
    assert after.epoch == 3  # the history goes on
    assert after.weights[f"layers.{first}.weight"].shape[0] == units + 1
    kept = [k for k in before.weights if not k.startswith((f"layers.{first}.", f"layers.{rest[0]}."))]
    assert kept and all(np.array_equal(before.weights[k], after.weights[k]) for k in kept)
    assert w.session.project.graph.nodes[first].params["units"] == units + 1


def test_live_param_edit_keeps_the_model(circle, qtbot):
    w = circle
    captured(w, qtbot)
    model = w.session.model
    assert w.editor.set_params("output", {"weight": 2.0})
    captured(w, qtbot)
    assert w.session.model is model and w.session.model.main.weight == 2.0


def test_graph_with_problems_is_not_sent_and_training_goes_on(circle, qtbot):
    w = circle
    captured(w, qtbot)
    model = w.session.model
    act = next(n.id for n in w.project.graph.nodes.values() if n.type == "Activation")
    w.editor.select([act])
    w.editor.delete_selected()
    assert not w.editor.validation.ok
    assert "Training goes on with the last graph" in w.message.text.text()
    captured(w, qtbot)
    assert w.session.model is model and act in w.session.project.graph.nodes
    w.editor.undo_stack.undo()
    assert w.editor.validation.ok and w.message.isHidden()
    captured(w, qtbot)
    assert w.session.model is not model  # the pending structural change was sent
    assert act in w.session.project.graph.nodes


def test_playground_edit_reaches_the_editor(circle, qtbot):
    w = circle
    w.show_mode("playground")
    w.panel.add_layer_button.click()
    w.show_mode("editor")
    assert w.editor.graph is w.project.graph
    assert len(_hidden_dense(w.editor.graph)) == len(_hidden_dense(w.session.project.graph))


def test_editor_edit_reaches_the_playground_views(circle, qtbot):
    w = circle
    first = _hidden_dense(w.project.graph)[0]
    units = w.project.graph.nodes[first].params["units"]
    w.editor.set_params(first, {"units": units + 2})
    w.show_mode("playground")
    assert w.panel.unit_labels[0].text() == str(units + 2)


def test_a_graph_with_a_problem_is_not_saved(circle, qtbot, tmp_path):
    w = circle
    act = next(n.id for n in w.project.graph.nodes.values() if n.type == "Activation")
    w.editor.select([act])
    w.editor.delete_selected()
    path = tmp_path / "broken.nodeplay"
    w.save_to(path)
    assert not path.exists() and "was not saved" in w.message.text.text()
    w.editor.undo_stack.undo()
    with qtbot.waitSignal(w.saved, timeout=5000):
        w.save_to(path)
    assert path.exists()


def test_opening_a_loss_node_explains_where_its_value_is(circle):
    dialog = circle.open_node_output("output")
    assert "loss plot" in dialog.picture.text()
    dialog.close()
    assert circle.open_node_output("no-such-node") is None


def test_switching_image_sets_fits_the_cnn_head(digits, qtbot):
    w = digits
    w.panel.dataset_combo.setCurrentIndex(w.panel.dataset_combo.findData("shapes"))
    assert w.project.data.name == "shapes" and w.dataset.x_train.shape[1:] == (1, 16, 16)
    qtbot.waitUntil(lambda: w.session.dataset.x_train.shape[1:] == (1, 16, 16), timeout=5000)
    assert w.project.graph.nodes["head"].params["units"] == 3
    assert w.panel.classes_spin.value() == 3
    assert w.plane_stack.currentWidget() is w.sample_grid
    assert "16×16 images" in w.sample_grid.note.text()
    assert w.sample_grid.grid.labels[0] in ("circle", "square", "triangle")


def test_sample_grid_marks_the_networks_answers(digits, qtbot):
    w = digits
    for _ in range(2):
        w.step_action.trigger()
    qtbot.waitUntil(lambda: w.sample_grid.grid.answers is not None and len(w.loss_plot) == 2, timeout=20_000)
    answers = w.sample_grid.grid.answers
    assert len(answers) == 48 and all(a.isdigit() for a in answers)
    assert w.sample_grid.accuracy_shown() > 0.5
    w.reset_action.trigger()
    qtbot.waitUntil(lambda: len(w.loss_plot) == 0, timeout=10_000)
    assert w.sample_grid.grid.answers is not None  # fresh weights answer too (mostly wrong)
