"""The playground panel driven like a user: each control's effect on the engine."""

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication

from engine.graph.mlp import describe_mlp
from engine.presets import load_preset
from engine.project import load_project


def swapped(qtbot, window, old_bridge):
    """The edit restarted training on the same worker thread: it trains the window's
    project (data and graph) from epoch 0."""

    def reached():
        trained = window.session.project
        return trained.data == window.project.data and trained.graph == window.project.graph

    qtbot.waitUntil(reached, timeout=5000)
    return window.bridge is old_bridge and window.bridge.running and window.session.epoch == 0


def first_dense_inputs(session):
    weights = [p for n, p in session.model.named_parameters() if n.endswith("weight")]
    return weights[0].shape[1]


def test_ratio_noise_and_regenerate_change_the_data(window, qtbot):
    old = window.bridge
    window.panel.ratio_slider.setValue(30)
    assert swapped(qtbot, window, old)
    assert len(window.session.dataset.x_train) == 150 and len(window.session.dataset.x_test) == 350
    assert window.project.data.train_percent == 30 and window.panel.ratio_label.text() == "Training 30%"

    before = window.session.dataset.x_train.copy()
    window.panel.noise_slider.setValue(40)
    assert window.project.data.noise == 40
    assert swapped(qtbot, window, old)
    labels = window.session.dataset.y_train
    inner = np.hypot(*window.session.dataset.x_train.T) < 2.5
    assert (labels[inner] == 0).any()  # noise flips labels inside the circle
    seed = window.project.data.seed
    window.panel.regenerate_button.click()
    assert window.project.data.seed != seed
    assert swapped(qtbot, window, old)
    assert not np.array_equal(window.session.dataset.x_train, before)


def test_dataset_change_sets_problem_and_head(window, qtbot):
    panel = window.panel
    panel.dataset_combo.setCurrentIndex(panel.dataset_combo.findData("reg-plane"))
    qtbot.waitUntil(lambda: window.session.dataset.name == "reg-plane")  # the worker loads it
    assert window.session.dataset.classes is None
    shape = describe_mlp(window.project.graph)
    assert (shape.outputs, shape.loss) == (1, "mse")
    assert not panel.classes_spin.isVisible()  # reg-plane has no class count

    panel.dataset_combo.setCurrentIndex(panel.dataset_combo.findData("blobs"))
    assert panel.classes_spin.isVisible() and panel.classes_spin.isEnabled()
    panel.classes_spin.setValue(4)
    qtbot.waitUntil(lambda: window.session.dataset.classes == 4)  # the worker loads it
    assert set(np.unique(window.session.dataset.y_train)) == {0, 1, 2, 3}
    shape = describe_mlp(window.project.graph)
    assert (shape.outputs, shape.loss) == (4, "cross_entropy")

    panel.dataset_combo.setCurrentIndex(panel.dataset_combo.findData("xor"))
    qtbot.waitUntil(lambda: window.session.dataset.name == "xor")
    shape = describe_mlp(window.project.graph)
    assert (shape.outputs, shape.loss) == (1, "bce")


def test_features_toggle_and_last_one_stays(window, qtbot):
    buttons = window.panel.feature_buttons
    buttons["x1^2"].click()
    assert describe_mlp(window.project.graph).features == ["x1", "x2", "x1^2"]
    assert [
        p["features"] for p in (n.params for n in window.project.graph.nodes.values()) if "features" in p
    ] == [["x1", "x2", "x1^2"]]
    qtbot.waitUntil(lambda: first_dense_inputs(window.session) == 3)
    buttons["x1"].click()
    buttons["x2"].click()
    assert describe_mlp(window.project.graph).features == ["x1^2"]
    old = window.bridge
    buttons["x1^2"].click()  # the last one cannot go
    assert buttons["x1^2"].isChecked() and window.bridge is old
    assert describe_mlp(window.project.graph).features == ["x1^2"]


def test_layers_neurons_and_activation(window, qtbot):
    panel = window.panel
    hidden = describe_mlp(window.project.graph).hidden
    panel.add_layer_button.click()
    assert describe_mlp(window.project.graph).hidden == [*hidden, hidden[-1]]
    panel.unit_buttons[0][0].click()  # + on layer 1
    assert describe_mlp(window.project.graph).hidden[0] == hidden[0] + 1
    assert panel.unit_labels[0].text() == str(hidden[0] + 1)
    panel.unit_buttons[1][1].click()  # - on layer 2
    assert describe_mlp(window.project.graph).hidden[1] == hidden[1] - 1
    panel.remove_layer_button.click()
    panel.remove_layer_button.click()
    assert len(describe_mlp(window.project.graph).hidden) == len(hidden) - 1
    panel.activation_combo.setCurrentText("relu")
    acts = [n.params["fn"] for n in window.project.graph.nodes.values() if n.type == "Activation"]
    assert acts and set(acts) == {"relu"}
    # the worker trains its own copy of the window's project, once it has loaded it
    qtbot.waitUntil(lambda: window.session.project.graph == window.project.graph)
    modules = [type(m).__name__ for m in window.session.model.modules()]
    assert window.session.project is not window.project and len(modules) > 1


def test_training_settings_reach_the_project(window, qtbot):
    panel = window.panel
    panel.optimizer_combo.setCurrentText("adam")
    qtbot.waitUntil(lambda: type(window.session.optimizer).__name__ == "Adam")  # on the worker
    assert window.session.project.train.optimizer == "adam"
    panel.reg_combo.setCurrentIndex(panel.reg_combo.findData("l2"))
    panel.reg_rate_combo.setCurrentIndex(panel.reg_rate_combo.findData(0.01))
    qtbot.waitUntil(lambda: window.session.project.train.reg_rate == 0.01)
    assert window.session.project.train.regularization == "l2"
    panel.batch_slider.setValue(25)
    qtbot.waitUntil(lambda: window.session.project.train.batch_size == 25)
    panel.init_combo.setCurrentText("he")
    assert {n.params["init"] for n in window.project.graph.nodes.values() if n.type == "Dense"} == {"he"}
    panel.stop_spin.setValue(7)
    assert window.project.train.stop_epochs == 7
    qtbot.waitUntil(lambda: window.session.project.train.stop_epochs == 7)  # via SetStop


def test_stop_speed_and_reinitialize(window, qtbot):
    window.panel.stop_spin.setValue(12)
    with qtbot.waitSignal(window.bridge.finished, timeout=10_000):
        window.play_action.trigger()
    assert window.session.epoch == 12
    window.panel.speed_slider.setValue(0)  # 2 epochs/s
    assert window.speed == 2
    qtbot.waitUntil(lambda: window.session.max_epochs_per_second == 2, timeout=3000)
    window.panel.optimizer_combo.setCurrentText("momentum")  # a new session keeps the speed
    qtbot.waitUntil(lambda: window.session.max_epochs_per_second == 2, timeout=3000)
    before = window.session.weights()
    with qtbot.waitSignal(window.bridge.captured, timeout=5000):
        window.panel.reinit_button.click()
        window.bridge.capture()
    after = window.session.weights()
    assert any(not np.array_equal(before[k], after[k]) for k in before)
    assert window.session.seed == window.project.train.seed


def _click_plot(window, qtbot, x, y, modifier=Qt.KeyboardModifier.NoModifier):
    plot = window.boundary_view.plot
    box = plot.getPlotItem().getViewBox()
    pos = plot.mapFromScene(box.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, modifier, pos)


def test_own_points_click_adds_and_shift_click_erases(window, qtbot):
    panel = window.panel
    panel.dataset_combo.setCurrentIndex(panel.dataset_combo.findData("user"))
    assert window.project.data.name == "user" and len(window.project.points[1]) == 500
    assert panel.user_box.isVisible() and not panel.noise_slider.isVisible()  # no noise to set
    qtbot.wait(50)
    panel.label_combo.setCurrentIndex(panel.label_combo.findData(1))
    _click_plot(window, qtbot, 3.0, -4.0)
    x, y = window.project.points
    assert len(y) == 501 and y[-1] == 1
    assert abs(x[-1, 0] - 3.0) < 0.2 and abs(x[-1, 1] + 4.0) < 0.2
    assert len(window.session.dataset.x_train) + len(window.session.dataset.x_test) == 501
    _click_plot(window, qtbot, 3.0, -4.0, Qt.KeyboardModifier.ShiftModifier)
    x, _ = window.project.points
    assert len(x) < 501 and not (np.hypot(x[:, 0] - 3.0, x[:, 1] + 4.0) <= 0.3).any()
    panel.erase_button.setChecked(True)
    n = len(window.project.points[1])
    assert window.panel.click_plane(0.0, 0.0) and len(window.project.points[1]) < n


def test_import_csv_good_and_bad(window, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("x1,x2,label\n1,1,0\n-1,-1,1\n2,2,0\n-2,-2,1\n")
    assert window.panel.import_csv(good)
    assert window.project.data.name == "user" and len(window.project.points[1]) == 4
    before = window.project.points
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,1,0\n1,oops,1\n")
    assert not window.panel.import_csv(bad)
    text = window.message.text.text()
    assert "oops" in text and "not a number" in text and "\n" not in text
    assert window.message.isVisible()
    assert window.project.points is before


def test_share_string_round_trip(window):
    window.panel.feature_buttons["sin x1"].click()
    window.panel.ratio_slider.setValue(70)
    window.copy_setup()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("np1:")
    original = window.project.to_dict()
    assert window.paste_setup()
    assert window.project.to_dict() == original
    assert not window.paste_setup("np1:garbage!")
    assert "not a Nodeplay setup string" in window.message.text.text()
    assert window.project.to_dict() == original


def test_save_and_reopen_keeps_graph_settings_and_weights(window, qtbot, tmp_path):
    window.panel.add_layer_button.click()
    window.panel.optimizer_combo.setCurrentText("rmsprop")
    window.step_action.trigger()
    window.step_action.trigger()
    qtbot.waitUntil(lambda: window.bridge.epoch == 2, timeout=5000)
    path = tmp_path / "p.nodeplay"
    with qtbot.waitSignal(window.saved, timeout=5000):
        window.save_to(path)
    saved = load_project(path)
    assert saved.epoch == 2 and saved.weights is not None
    assert describe_mlp(saved.graph) == describe_mlp(window.project.graph)
    assert saved.train == window.project.train and saved.data == window.project.data
    assert window.open_file(str(path))
    assert window.session.epoch == 2 and window.panel.optimizer_combo.currentText() == "rmsprop"


def test_preset_menu_and_classroom_mode(window):
    assert window.open_preset("spiral")
    assert window.windowTitle() == "Nodeplay — spiral[*]"
    assert window.panel.dataset_combo.currentData() == "spiral"
    window.set_classroom({"data": True, "layers": True})
    assert not window.panel.groups["data"].isVisible()
    assert not window.panel.groups["layers"].isVisible()
    assert window.panel.groups["features"].isVisible() and window.panel.groups["training"].isVisible()
    window.set_classroom({})
    assert window.panel.groups["data"].isVisible()


def test_divergence_still_reported_after_edits(qtbot):
    from app.shell.main_window import MainWindow

    w = MainWindow(load_preset("reg-plane"))
    qtbot.addWidget(w)
    w.show()
    w.panel.batch_slider.setValue(5)  # an edit restarts the session
    w.set_learning_rate(10)
    with qtbot.waitSignal(w.bridge.diverged, timeout=10_000):
        w.play_action.trigger()
    assert "learning rate" in w.message.text.text() and w.message.isVisible()
    w.close()


def test_online_and_full_batch_modes(window, qtbot):
    panel = window.panel
    panel.batch_mode.setCurrentText("full batch")
    assert not panel.batch_slider.isEnabled()
    window.step_action.trigger()
    qtbot.waitUntil(lambda: window.session.epoch == 1)
    assert window.session.step == 1  # the whole training set in one step
    panel.batch_mode.setCurrentText("online")
    assert window.session.project.train.batch_size == 1
    qtbot.waitUntil(lambda: window.session.project.train.batch_size == 1 and window.session.epoch == 0)
    window.step_action.trigger()
    qtbot.waitUntil(lambda: window.session.epoch == 1)
    assert window.session.step == len(window.session.dataset.x_train)
    panel.batch_mode.setCurrentText("mini-batch")
    assert panel.batch_slider.isEnabled()
    assert window.session.project.train.batch_size == panel.batch_slider.value()


def _nodes(window, kind):
    return [n for n in window.project.graph.nodes.values() if n.type == kind]


def test_per_layer_activation_and_whole_net_combo(window, qtbot):
    panel = window.panel
    combo = panel.layer_act_combos[1]
    assert combo.isVisible() and not panel.layer_act_combos[2].isVisible()
    assert combo.currentData() == "tanh"
    old = window.bridge
    combo.setCurrentIndex(combo.findData("relu"))
    combo.activated.emit(combo.currentIndex())  # as a user's choice does
    assert swapped(qtbot, window, old)
    graph = window.project.graph
    assert graph.nodes["act2"].params["fn"] == "relu" and graph.nodes["act1"].params["fn"] == "tanh"
    assert describe_mlp(window.project.graph).activations == ["tanh", "relu"]
    panel.activation_combo.setCurrentText("sigmoid")  # the whole net: every layer
    assert {n.params["fn"] for n in _nodes(window, "Activation")} == {"sigmoid"}
    assert [c.currentData() for c in panel.layer_act_combos[:2]] == ["sigmoid", "sigmoid"]


def test_per_layer_batchnorm_dropout_and_residual(window, qtbot):
    panel = window.panel
    old = window.bridge
    panel.layer_actions[0]["batchnorm"].trigger()  # layer 1: batch norm on
    assert swapped(qtbot, window, old)
    assert [n.id for n in _nodes(window, "BatchNorm")] == ["bn1"]
    qtbot.waitUntil(lambda: "BatchNorm1d" in {type(m).__name__ for m in window.session.model.modules()})
    assert panel.layer_actions[0]["batchnorm"].isChecked()

    panel.layer_actions[1][0.2].trigger()  # layer 2: dropout 0.2
    drops = _nodes(window, "Dropout")
    assert [(n.id, n.params["p"]) for n in drops] == [("drop2", 0.2)]
    assert swapped(qtbot, window, old)
    qtbot.waitUntil(lambda: "Dropout" in {type(m).__name__ for m in window.session.model.modules()})
    assert _nodes(window, "BatchNorm")  # the earlier choice stays

    # residual on 4 -> 2 is refused with a sentence; the graph stays
    before = window.project.graph
    old = window.bridge
    panel.layer_actions[1]["residual"].trigger()
    assert window.bridge is old and window.project.graph == before
    assert not panel.layer_actions[1]["residual"].isChecked()
    assert "Layer 2 can only be residual" in window.message.text.text()
    assert not _nodes(window, "Add")

    panel.unit_buttons[1][0].click()
    panel.unit_buttons[1][0].click()  # layer 2: 4 -> 4
    assert describe_mlp(window.project.graph).hidden == [4, 4]
    panel.layer_actions[1]["residual"].trigger()
    adds = _nodes(window, "Add")
    assert [n.id for n in adds] == ["res2"]
    graph = window.project.graph
    assert graph.incoming("res2", "b").src == "act1"
    assert panel.layer_actions[1]["residual"].isChecked()
    assert describe_mlp(graph).residual == [False, True]
    # the network view still shows one column per layer: its Activation node
    view = window.network_view
    assert view.canvas is view.stack.currentWidget()
    assert [c.node_id for c in view.columns] == ["features", "act1", "act2", "head"]
    assert [c.dense_id for c in view.columns[1:3]] == ["dense1", "dense2"]
    panel.layer_actions[1][0.0].trigger()  # dropout off again
    assert not _nodes(window, "Dropout") and _nodes(window, "Add")
    panel.activation_combo.setCurrentText("relu")
    assert {n.params["fn"] for n in _nodes(window, "Activation")} == {"relu"}
    assert _nodes(window, "Add") and _nodes(window, "BatchNorm")  # kept by the whole-net combo
