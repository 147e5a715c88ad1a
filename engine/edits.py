"""Project edits the playground's controls make: pure functions on a copy of a project.

Every edit that needs a rebuild (data, structure, features, activation, optimizer,
batch size, regularization, init) returns a new project at epoch 0 without weights;
the window restarts the session with it, as TF Playground restarts training.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.data import playground, regression1d, user
from engine.data.dataset import USER
from engine.graph.mlp import MLPShape, describe_mlp
from engine.project import Project

DATASETS = ("circle", "xor", "gauss", "spiral", "blobs", "reg-plane", "reg-gauss", USER, *regression1d.SETS)
ERASE_RADIUS = 0.5  # plane units (the plane is [-6, 6]²)


def problem_classes(project: Project) -> int | None:
    """Classes the project's data has (2..10), or None for regression."""
    d = project.data
    if d.name == USER:
        return 2 if project.points is None else user.class_count(project.points[1])
    if d.name in regression1d.SETS:  # L2 (issue #12)
        return None
    return playground.class_count(d.name, d.classes)


def fit_output(shape: MLPShape, classes: int | None) -> bool:
    """Make the head and loss fit the problem; True when something changed.

    Regression: one output, mse (l1 is kept). Two classes: one output with bce (two with
    cross_entropy is kept). K > 2 classes: K outputs with cross_entropy.
    """
    now = (shape.outputs, shape.loss)
    if classes is None:
        ok, want = now in ((1, "mse"), (1, "l1")), (1, "mse")
    elif classes == 2:
        ok, want = now in ((1, "bce"), (2, "cross_entropy")), (1, "bce")
    else:
        ok, want = now == (classes, "cross_entropy"), (classes, "cross_entropy")
    if not ok:
        shape.outputs, shape.loss = want
    return not ok


def edited(
    project: Project,
    mutate: Callable[[Project], None] | None = None,
    shape_edit: Callable[[MLPShape], None] | None = None,
) -> Project:
    """A fresh copy of ``project`` (epoch 0, no weights) with ``mutate`` applied to it and
    ``shape_edit`` to its perceptron; the head follows the data's problem."""
    p = project.copy()
    p.weights, p.epoch = None, 0
    if mutate is not None:
        mutate(p)
    shape = describe_mlp(p.graph)
    if shape is not None:
        changed = shape_edit is not None
        if shape_edit is not None:
            shape_edit(shape)
        changed = fit_output(shape, problem_classes(p)) or changed
        if changed:
            p.graph = shape.graph()
    return p


def points_from_dataset(dataset) -> user.Points:
    """All of a dataset's points (train and test) as an editable point set."""
    x = np.concatenate([dataset.x_train, dataset.x_test])
    y = np.concatenate(
        [
            np.asarray(dataset.y_train).reshape(len(dataset.y_train), -1)[:, 0],
            np.asarray(dataset.y_test).reshape(len(dataset.y_test), -1)[:, 0],
        ]
    )
    if dataset.classes is not None:
        y = y.astype(np.int64)
    return user.make_points(x, y)


def fit_class_head(graph, classes: int) -> bool:
    """Give a classifier graph that is not a perceptron (a CNN) as many outputs as the
    data has classes: the Dense feeding the main cross-entropy Output (the first one
    trained on the dataset's targets). True when something changed."""
    inputs = {n.id for n in graph.nodes.values() if n.type == "Input"}
    for node in graph.nodes.values():
        if node.type != "Output" or node.params.get("loss") != "cross_entropy":
            continue
        edges = {e.dst_port: e for e in graph.edges if e.dst == node.id}
        target, pred = edges.get("target"), edges.get("pred")
        if target is None or pred is None or target.src not in inputs:
            continue
        head = graph.nodes[pred.src]
        if head.type != "Dense" or head.params.get("units") == classes:
            return False
        graph.set_params(head.id, units=classes)
        return True
    return False
