"""What the Playground's controls do: each change becomes one undoable command on the
document (app.document), named for the Edit menu ("Dataset spiral", "Noise 40", ...).

Edits that need a rebuild go through ``Document.replace`` with an edited copy of the
project (engine.edits); the learning rate and the stop condition are live
settings (``Document.set_setting``). The panel never talks to the window: speed and
new random weights are not document edits, so they leave as signals.
"""

from __future__ import annotations

import random

from PySide6.QtWidgets import QFileDialog

from app.document import new_large_data
from engine.data.dataset import USER
from engine.data.images import CLASSES as IMAGE_CLASSES
from engine.data.user import add_point, erase_points, read_points_csv
from engine.edits import ERASE_RADIUS, edited, fit_class_head, points_from_dataset
from engine.errors import NodeplayError
from engine.graph.catalogue import FEATURES
from engine.graph.mlp import MLPShape, describe_mlp

MAX_LAYERS, MAX_UNITS = 6, 8
SPEEDS = (2, 5, 10, 30, 100, 300, 1000, None)  # epochs per second; None: as fast as possible
FULL_BATCH = 1_000_000  # the session clamps a batch to the training set: every point


class PanelEdits:
    """Mixed into PlaygroundPanel, which provides document, dataset, the controls,
    ``_loading``, ``load``, ``message`` and ``speedChosen``."""

    def _edit(self, text: str, mutate=None, shape_edit=None) -> bool:
        if self._loading:
            return False
        doc = self.document
        base = doc.base_project()
        try:
            project = edited(base, mutate, shape_edit)
        except NodeplayError as err:
            doc.refused.emit(str(err))
            return False
        if self.edit_in_background is not None and new_large_data(project, base):
            self.edit_in_background(
                project, text
            )  # S-OPEN: new data for a large set, built off the GUI thread
            return True
        return doc.replace(project, text)

    def _data_edit(self, text: str, **values) -> None:
        def mutate(p):
            for k, v in values.items():
                setattr(p.data, k, v)

        if any(getattr(self.document.project.data, k) != v for k, v in values.items()):
            self._edit(text, mutate)

    def _train_edit(self, text: str, **values) -> None:
        def mutate(p):
            for k, v in values.items():
                setattr(p.train, k, v)

        if any(getattr(self.document.project.train, k) != v for k, v in values.items()):
            self._edit(text, mutate)

    def _shape_edit(self, text: str, fn) -> None:
        self._edit(text, shape_edit=fn)

    def _current_shape(self) -> MLPShape | None:
        return describe_mlp(self.document.base_project().graph)

    def _layer_activation_chosen(self, i: int, fn: str) -> None:
        shape = self._current_shape()
        if shape is not None and i < len(shape.hidden) and shape.layer_activations()[i] != fn:
            self._shape_edit(f"Layer {i + 1} activation {fn}", lambda s: s.set_layer("activation", i, fn))

    def _layer_set(self, i: int, name: str, value) -> None:
        shape = self._current_shape()
        if shape is not None and i < len(shape.hidden) and shape.layer_values(name)[i] != value:
            self._shape_edit(f"Layer {i + 1} {name} {value}", lambda s: s.set_layer(name, i, value))

    def _residual_chosen(self, i: int, on: bool) -> None:
        shape = self._current_shape()
        if on and shape is not None and i < len(shape.hidden) and shape.hidden[i] != shape.input_width(i):
            self.layer_actions[i]["residual"].setChecked(False)
            self.message.emit(
                "info",
                f"Layer {i + 1} can only be residual when it has as many "
                f"neurons as its input ({shape.input_width(i)}); "
                f"it has {shape.hidden[i]}.",
            )
            return
        self._layer_set(i, "residual", on)

    def _dataset_chosen(self, index: int) -> None:
        if not self._loading and index >= 0:
            self.choose_dataset(self.dataset_combo.itemData(index))

    def choose_dataset(self, name: str) -> bool:
        def mutate(p) -> None:
            p.data.name = name
            if name == USER and p.points is None and self.dataset is not None:
                p.points = points_from_dataset(self.dataset)  # start from the points on show
            if name in IMAGE_CLASSES:  # another image set: the head follows its classes
                fit_class_head(p.graph, IMAGE_CLASSES[name])

        return self._edit(f"Dataset {name}", mutate)

    def _classes_chosen(self, value: int) -> None:
        self._data_edit(f"Classes {value}", classes=int(value))

    def _batch_chosen(self, value: int) -> None:
        self._train_edit(f"Batch size {value}", batch_size=int(value))

    def _batch_mode_chosen(self, mode: str) -> None:
        self.batch_slider.setEnabled(mode == "mini-batch")
        if not self._loading:
            size = {"online": 1, "full batch": FULL_BATCH}.get(mode, self.batch_slider.value())
            self._train_edit(f"Gradient steps {mode}", batch_size=size)

    def regenerate(self) -> None:
        self._data_edit("Regenerate the data", seed=random.randrange(2**31 - 1))

    def _feature_toggled(self, _checked: bool) -> None:
        if self._loading:
            return
        chosen = [n for n in FEATURES if self.feature_buttons[n].isChecked()]
        if not chosen:  # at least one input stays on
            sender = self.sender()
            self._loading = True
            sender.setChecked(True)
            self._loading = False
            self.message.emit("info", "At least one input feature must stay on.")
            return
        self._shape_edit("Features " + ", ".join(chosen), lambda s: setattr(s, "features", chosen))

    def _stop_chosen(self, value: int) -> None:
        if not self._loading:
            self.document.set_setting(
                "stop_epochs", value or None, f"Stop after {value} epochs" if value else "Never stop"
            )

    def _speed_chosen(self, index: int) -> None:
        self.speed_label.setText(_speed_text(index))
        self.speedChosen.emit(SPEEDS[index])

    # -- own points ------------------------------------------------------------------
    def set_points(self, points, text: str = "Edit the points") -> bool:
        def mutate(p) -> None:
            p.data.name, p.points = USER, points

        return self._edit(text, mutate)

    def import_csv(self, path) -> bool:
        """Read and import here and now (scripts and tests; the dialog reads in the background)."""
        try:
            points = read_points_csv(path)
        except NodeplayError as err:
            self.document.refused.emit(str(err))
            return False
        return self.set_points(points, "Import points")

    # issue #14 (S-OPEN): the window reads a chosen CSV, and builds the new data of an edit
    # of a large set, off the GUI thread (app.shell.project_loader); None: here and now
    import_in_background = None  # callable(path)
    edit_in_background = None  # callable(project, undo text)

    def import_csv_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import points", "", "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            (self.import_in_background or self.import_csv)(path)

    def click_plane(self, x: float, y: float, erase: bool = False) -> bool:
        """Add a point of the chosen label at (x, y), or erase the points near it."""
        project = self.document.project
        if project.data.name != USER:
            return False
        erase = erase or self.erase_button.isChecked()
        try:
            if erase:
                points = erase_points(project.points, (x, y), ERASE_RADIUS)
            else:
                points = add_point(project.points, (x, y), self.point_label())
        except NodeplayError as err:
            self.document.refused.emit(str(err))
            return False
        return self.set_points(points, "Erase points" if erase else "Add a point")


def _speed_text(index: int) -> str:
    v = SPEEDS[index]
    return "Speed: max" if v is None else f"Speed: {v:g} epochs/s"


def add_layer(shape) -> None:
    if len(shape.hidden) < MAX_LAYERS:
        shape.hidden.append(shape.hidden[-1] if shape.hidden else 2)


def remove_layer(shape) -> None:
    if shape.hidden:
        shape.hidden.pop()


def units(shape, i: int, delta: int) -> None:
    if i < len(shape.hidden):
        shape.hidden[i] = min(MAX_UNITS, max(1, shape.hidden[i] + delta))


def imported_points(base, path):
    """A copy of the project ``base`` with the points of the CSV at ``path``, as Import CSV
    makes it; no widget is touched, so any thread may call it. NodeplayError: why not."""
    points = read_points_csv(path)

    def mutate(p) -> None:
        p.data.name, p.points = USER, points

    return edited(base, mutate)
