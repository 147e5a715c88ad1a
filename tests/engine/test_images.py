"""Image datasets (digits, shapes) and the presets that train on them."""

import json

import numpy as np
import pytest

from engine.data import make_dataset
from engine.data.images import shapes
from engine.errors import DataError
from engine.graph import validate
from engine.graph.layout import layered_positions
from engine.presets import load_preset
from engine.project import load_project, save_project
from engine.settings import DataSettings
from engine.train import Session

IMAGE_PRESETS = ("digits-cnn", "shapes-cnn", "autoencoder", "vae")


def test_digits_are_scikit_learns_scaled_to_one():
    from sklearn.datasets import load_digits

    ds = make_dataset(DataSettings(name="digits", samples=5000, train_percent=70))
    assert ds.x_train.shape[1:] == (1, 8, 8) and ds.x_train.dtype == np.float32
    assert len(ds.x_train) + len(ds.x_test) == 1797
    assert ds.classes == 10 and not ds.is_2d
    assert ds.spec.x_shape == (1, 8, 8) and ds.spec.classes == 10
    x = np.concatenate([ds.x_train, ds.x_test])[:, 0]
    y = np.concatenate([ds.y_train, ds.y_test])
    ref = load_digits()
    order = np.lexsort(x.reshape(len(x), -1).T)
    ref_order = np.lexsort((ref.images / 16).reshape(len(x), -1).T)
    assert np.allclose(x[order], ref.images[ref_order] / 16)
    assert np.array_equal(y[order], ref.target[ref_order])
    small = make_dataset(DataSettings(name="digits", samples=300))
    assert len(small.x_train) + len(small.x_test) == 300
    again = make_dataset(DataSettings(name="digits", samples=300))
    assert np.array_equal(small.x_train, again.x_train)


def test_shapes_are_seeded_balanced_and_drawn():
    ds = make_dataset(DataSettings(name="shapes", samples=300, seed=2))
    assert ds.x_train.shape[1:] == (1, 16, 16) and ds.classes == 3 and not ds.is_2d
    assert np.array_equal(ds.x_test, make_dataset(DataSettings(name="shapes", samples=300, seed=2)).x_test)
    assert not np.array_equal(
        ds.x_test, make_dataset(DataSettings(name="shapes", samples=300, seed=3)).x_test
    )
    x, y = shapes(90, np.random.default_rng(0))
    assert np.bincount(y).tolist() == [30, 30, 30]
    for img, label in zip(x[:, 0], y):
        rows = (img > 0).sum(1)
        rows = rows[rows > 0]
        level = img.max()
        assert 0.6 <= level <= 1 and set(np.unique(img)) == {0.0, level}  # no noise: flat shapes
        if label == 1:  # square: every row equally wide
            assert rows.min() == rows.max()
        elif label == 2:  # triangle, apex up: rows widen downwards
            assert np.all(np.diff(rows) >= 0) and rows[-1] > rows[0]
        else:  # circle: widest in the middle
            assert rows.max() > rows[0] and rows.max() > rows[-1]


def test_noise_adds_pixel_noise_within_the_unit_range():
    clean = make_dataset(DataSettings(name="shapes", samples=60))
    noisy = make_dataset(DataSettings(name="shapes", samples=60, noise=20))
    diff = noisy.x_train - clean.x_train
    assert 0.05 < diff.std() < 0.25
    assert noisy.x_train.min() >= 0 and noisy.x_train.max() <= 1


def test_unknown_sets_list_the_image_sets():
    with pytest.raises(DataError, match="digits, shapes, digits28, .*, user"):
        make_dataset(DataSettings(name="mnist-9"))


@pytest.mark.parametrize("name", IMAGE_PRESETS)
def test_image_presets_train_and_round_trip(name, tmp_path, one_thread):
    project = load_preset(name)
    assert project.description and project.train.stop_epochs
    s = Session(project, device="cpu")
    s.train(steps=3)
    assert s.step == 3
    project.weights, project.epoch = s.weights(), s.epoch
    path = save_project(project, tmp_path / f"{name}.nodeplay")
    again = load_project(path)
    assert again.graph == project.graph and again.data == project.data
    assert all(np.array_equal(again.weights[k], v) for k, v in project.weights.items())
    assert Session(again, device="cpu").evaluate()["test_loss"] == pytest.approx(
        s.evaluate()["test_loss"], rel=1e-5
    )


def test_the_presets_losses():
    ae = Session(load_preset("autoencoder"), device="cpu").model
    assert ae.objective == ["label.loss", "reconstruction.loss"] and ae.main.node_id == "label"
    assert {h.node_id: h.weight for h in ae.heads} == {"reconstruction": 1.0, "label": 0.1}
    vae = Session(load_preset("vae"), device="cpu").model
    assert vae.objective == ["objective.total"] and not vae.main.on_data
    assert dict(vae.loss_sums)["objective.total"] == (("reconstruction.loss", 1.0), ("sampling.kl", 1.0))


@pytest.fixture
def one_thread():
    """Small convolutions run several times faster on one thread on a busy machine."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_digits_cnn_reaches_90_percent_on_its_own_stop_condition(one_thread):
    s = Session(load_preset("digits-cnn"), device="cpu")
    result = s.train()
    # how long it takes: bench/graph_speed.py
    assert result["stopped_by"].startswith("Reached") and result["test_acc"] >= 0.9


@pytest.mark.parametrize("name", IMAGE_PRESETS)
def test_preset_layouts_run_left_to_right(name):
    g = load_preset(name).graph
    pos = {n.id: n.pos for n in g.nodes.values()}
    assert len(set(pos.values())) == len(pos)  # no two nodes on one spot
    assert all(pos[e.src][0] < pos[e.dst][0] for e in g.edges)
    assert layered_positions(g) == pos  # the file holds the layout the script made


def test_layout_keeps_a_chain_straight():
    from engine.graph.mlp import mlp_graph

    g = mlp_graph([3, 2])
    pos = layered_positions(g)
    chain = [n for n in pos if n != "output"]
    assert {pos[n][1] for n in chain} == {0.0}
    assert [pos[n][0] for n in chain] == sorted(pos[n][0] for n in chain)


def test_cli_trains_the_digits_preset_on_one_thread(tmp_path, capsys, one_thread):
    import torch

    from engine.train.device import cpu_threads
    from nodeplay.cli import main

    assert cpu_threads(2_000, 8) == 1 and cpu_threads(500_000, 8) == 8
    out = tmp_path / "d.json"
    assert main(["new", "digits-cnn", "--out", str(out)]) == 0
    torch.set_num_threads(2)
    assert main(["train", str(out), "--steps", "5", "--json", "--device", "cpu"]) == 0
    assert torch.get_num_threads() == 1  # 1,898 parameters: one thread is fastest
    result = json.loads(capsys.readouterr().out)
    assert result["steps"] == 5 and result["device"] == "cpu"
    assert validate(load_project(out).graph, make_dataset(load_project(out).data).spec).ok
