"""Views plug in: a view registered here (not in the window) appears as a tab for the
projects it applies to, and the window asks for its probes only while it is in sight."""

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel

from app.views.registry import IMAGES, POINTS, TABS, ViewSpec, project_kinds, register, unregister
from engine.presets import load_preset
from tests.app.conftest import shown_window


class DummyView(QLabel):
    """The smallest view: it counts the snapshots it is shown."""

    subscriptionsChanged = Signal()

    def __init__(self) -> None:
        super().__init__("dummy")
        self.epochs: list[int] = []
        self.project_name = None

    def set_project(self, project, _dataset) -> None:
        self.project_name = project.name

    def subscriptions(self) -> dict:
        return {"weights": {}}

    def show_snapshot(self, snapshot) -> None:
        self.epochs.append(snapshot.epoch)

    def view_data(self) -> dict:
        return {}


@pytest.fixture
def dummy():
    spec = register(ViewSpec("dummy", "Dummy", frozenset({IMAGES}), DummyView, TABS, 1))
    yield spec
    unregister("dummy")


def _titles(window) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_a_registered_view_is_a_tab_for_the_projects_it_applies_to(dummy, qtbot):
    w = shown_window(qtbot, "digits-cnn")
    try:
        assert _titles(w)[0] == "Dummy"  # order 1: before the image views of issue #10
        assert "Network" not in _titles(w)
        view = w.view_area.views["dummy"]
        assert view.project_name == w.project.name
        assert w.view_area.subscriptions() == {
            "predictions": {},
            "class_probabilities": {"count": 48},
            "weights": {},
        }
        bar = w.tabs.tabBar()
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(_titles(w).index("Dummy")).center())
        assert w.view_area.subscriptions()["weights"] == {}
        w.step_action.trigger()
        qtbot.waitUntil(lambda: 1 in view.epochs, timeout=10_000)
        # a 2-D points project does not offer it
        assert w.open_preset("circle")
        assert _titles(w) == ["Network", "Hidden space", "PCA basis", "Layer histograms", "Backprop"]
        assert "weights" in w.view_area.subscriptions()  # the network diagram's, in sight
    finally:
        w.close()


def test_project_kinds():
    from engine.train.session import Session

    kinds = {}
    for name in ("circle", "digits-cnn", "vae", "pca-2d"):
        project = load_preset(name)
        kinds[name] = project_kinds(Session(project).dataset, project.graph)
    assert kinds["circle"] == {POINTS}
    assert kinds["digits-cnn"] == {IMAGES}
    assert kinds["vae"] == {IMAGES, "generative"}
    assert kinds["pca-2d"] == {POINTS}  # an autoencoder of points: no image-decoding views


class AskingView(DummyView):
    """A view that asks the worker for one value (say, decode this point) and that
    follows the selected sample."""

    asked = Signal(str, object)
    sampleSelected = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.answers: list = []
        self.selected: list[int] = []

    def answer(self, probe, value, error) -> None:
        self.answers.append((probe, value, error))

    def set_selected_sample(self, index: int) -> None:
        self.selected.append(index)


@pytest.fixture
def asking():
    import numpy as np

    from engine.probes import registry as probes

    probes.register(
        "test-sample-sum", lambda ctx, args: np.asarray(ctx.dataset.x_test[args["i"]]).sum(), args={"i": 0}
    )
    spec = register(ViewSpec("asking", "Asking", frozenset({IMAGES}), AskingView, TABS, 50))
    yield spec
    unregister("asking")
    probes.unregister("test-sample-sum")


def test_a_view_asks_the_worker_and_gets_its_answer_while_training(asking, qtbot):
    import numpy as np

    w = shown_window(qtbot, "digits-cnn")
    try:
        view = w.view_area.views["asking"]
        w.play_action.trigger()
        view.asked.emit("test-sample-sum", {"i": 3})
        view.asked.emit("no-such-probe", {})
        qtbot.waitUntil(lambda: len(view.answers) == 2, timeout=10_000)
        (probe, value, error), (_, none, refusal) = sorted(
            view.answers, key=lambda a: a[0] != "test-sample-sum"
        )
        assert probe == "test-sample-sum" and error is None
        assert np.isclose(value, w.dataset.x_test[3].sum())
        assert none is None and "no-such-probe" in refusal
        # a sample chosen in one view is the selected sample of every view
        view.sampleSelected.emit(7)
        assert view.selected[-1] == 7 and w.view_area.selected_sample == 7
    finally:
        w.close()
