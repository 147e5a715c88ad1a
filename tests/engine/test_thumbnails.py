"""Node thumbnails: maps over the plane for 2-D data, feature maps for images,
histograms otherwise; carried by snapshots only when asked, a few times a second."""

import numpy as np
import torch

from engine.presets import load_preset
from engine.probes.boundary import plane_grid
from engine.probes.thumbnails import THUMB_SIZE, Thumb, histogram, thumbnails
from engine.train import commands as cmd
from engine.train.events import Snapshot
from engine.train.session import Session


def test_2d_maps_are_each_nodes_first_unit_over_the_plane():
    s = Session(load_preset("spiral"), fast=False)
    s.train(epochs=2)
    thumbs = thumbnails(s.model, s.dataset)
    assert set(thumbs) == {n for n, t in s.project.graph.nodes.items() if t.type != "Output"}
    assert all(
        t.kind == "map" and t.values.shape == (THUMB_SIZE, THUMB_SIZE) and t.values.dtype == np.float32
        for t in thumbs.values()
    )
    grid = plane_grid(s.dataset.extent, THUMB_SIZE, torch.device("cpu"))
    s.model.eval()
    with torch.no_grad():
        expect = s.model.values(grid)["act1.out"][:, 0].reshape(THUMB_SIZE, THUMB_SIZE).numpy()
    expect = expect[::-1]  # drawn as an image: the top row is the top of the plane
    assert np.allclose(thumbs["act1"].values, expect, atol=1e-6)
    # the input's first unit is x1: it grows left to right along each row
    assert np.all(np.diff(thumbs["input"].values, axis=1) > 0)
    assert np.all(np.abs(thumbs["act1"].values) <= 1.0)  # tanh


def test_maps_are_upright_pictures_of_the_plane():
    project = load_preset("circle")
    graph = project.graph
    feats = next(n for n in graph.nodes.values() if n.type == "Features")
    graph.set_params(feats.id, features=["x2"])
    s = Session(project, fast=False)
    x2 = thumbnails(s.model, s.dataset)[feats.id].values  # its only unit is x2
    assert np.all(np.diff(x2, axis=0) < 0) and np.allclose(np.diff(x2, axis=1), 0)
    assert x2[0, 0] == s.dataset.extent


def test_image_data_gives_feature_maps_and_histograms():
    s = Session(load_preset("digits-cnn"), fast=False)
    thumbs = thumbnails(s.model, s.dataset)
    assert thumbs["input"].kind == "image"
    assert np.allclose(thumbs["input"].values, s.dataset.x_test[0, 0])
    conv = thumbs["conv1"]
    assert conv.kind == "image" and conv.values.shape == (8, 8)
    s.model.eval()
    with torch.no_grad():
        first = s.model.layers["conv1"](torch.as_tensor(s.dataset.x_test[:1]))[0, 0].numpy()
    assert np.allclose(conv.values, first, atol=1e-5)
    assert thumbs["pool2"].values.shape == (2, 2)
    flat = thumbs["flatten"]
    assert flat.kind == "histogram" and flat.values.shape == (24,)
    assert flat.values.sum() == min(64, len(s.dataset.x_test)) * 16 * 2 * 2
    assert "output" not in thumbs


def test_histogram_of_constant_values_has_one_bar():
    h = histogram(np.full(10, 3.0), bins=8)
    assert h.values.sum() == 10 and (h.values > 0).sum() == 1 and h.lo < 3.0 < h.hi
    assert histogram(np.array([np.nan]), bins=4).values.tolist() == [0, 0, 0, 0]


def test_snapshots_carry_thumbnails_only_when_asked():
    s = Session(load_preset("circle"), fast=False)
    snaps = []
    s.subscribe(lambda e: isinstance(e, Snapshot) and snaps.append(e))
    for c in (
        cmd.Step(1),
        cmd.Subscribe(cmd.probe_subscriptions(40, thumbnails=True)),
        cmd.Step(1),
        cmd.Shutdown(),
    ):
        s.submit(c)
    s.serve()
    asked = next(i for i, x in enumerate(snaps) if x.thumbnails is not None)
    assert asked >= 2 and all(x.thumbnails is None for x in snaps[:asked])  # start, step
    assert all(isinstance(t, Thumb) for t in snaps[-1].thumbnails.values())


def test_merged_snapshots_keep_the_last_thumbnails():
    from engine.train.events import Metrics

    thumbs = {"a": Thumb("histogram", np.ones(3, np.float32))}
    older = Snapshot(1, 1, True, Metrics(), thumbnails=thumbs)
    newer = Snapshot(2, 2, True, Metrics())
    assert newer.after(older).thumbnails is thumbs
    assert Snapshot(3, 3, True, Metrics(), thumbnails={}).after(older).thumbnails == {}


def test_image_classifier_snapshots_carry_sample_predictions():
    s = Session(load_preset("digits-cnn"), fast=False)
    s.train(epochs=2)
    pred = s.sample_predictions()
    s.model.eval()
    with torch.no_grad():
        expect = s.model(torch.as_tensor(s.dataset.x_test[:48])).argmax(1).numpy()
    assert pred.shape == (48,) and np.array_equal(pred, expect)
    assert (pred == s.dataset.y_test[:48]).mean() > 0.5  # it learned something
    snaps = []
    s.subscribe(lambda e: isinstance(e, Snapshot) and snaps.append(e))
    s.publish(force=True)
    assert np.array_equal(snaps[-1].predictions, pred)


def test_no_sample_predictions_on_the_plane_or_for_reconstructions():
    assert Session(load_preset("circle"), fast=False).sample_predictions() is None
    assert Session(load_preset("vae"), fast=False).sample_predictions() is None  # bce on pixels
    # the autoencoder's side head classifies the digits: its answers are shown
    assert Session(load_preset("autoencoder"), fast=False).sample_predictions().shape == (48,)
