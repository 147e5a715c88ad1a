"""Multi-class 2-D sets (blobs, K-arm spiral) and the ``classes`` data setting."""

import numpy as np
import pytest

from engine.data import make_dataset
from engine.data.playground import BLOB_RADIUS
from engine.errors import NodeplayError
from engine.graph.mlp import mlp_graph
from engine.presets import load_preset, preset_names
from engine.project import Project, project_from_dict
from engine.settings import DataSettings, TrainSettings, data_from_dict
from engine.train import Session


def all_points(ds):
    return np.concatenate([ds.x_train, ds.x_test]), np.concatenate([ds.y_train, ds.y_test])


@pytest.mark.parametrize("name", ["blobs", "spiral"])
@pytest.mark.parametrize("k", [2, 3, 5, 10])
def test_k_classes_labelled_0_to_k_minus_1_and_balanced(name, k):
    ds = make_dataset(DataSettings(name=name, classes=k, samples=600))
    x, y = all_points(ds)
    assert ds.classes == k and ds.spec.classes == k
    assert y.dtype == np.int64 and x.dtype == np.float32 and x.shape[1] == 2
    counts = np.bincount(y, minlength=k)
    assert len(counts) == k and np.all(counts == 600 // k)
    assert np.abs(x).max() <= 8


def test_blobs_sit_on_a_circle_of_radius_3_5_and_noise_widens_them():
    tight = make_dataset(DataSettings(name="blobs", classes=4, samples=2000, noise=0))
    wide = make_dataset(DataSettings(name="blobs", classes=4, samples=2000, noise=40))
    x, y = all_points(tight)
    centres = np.array([x[y == k].mean(0) for k in range(4)])
    assert np.allclose(np.hypot(*centres.T), BLOB_RADIUS, atol=0.1)
    angles = np.sort(np.degrees(np.arctan2(centres[:, 1], centres[:, 0])) % 360)
    assert np.allclose(np.diff(angles), 90, atol=3)  # evenly spread
    xw, yw = all_points(wide)
    spread = lambda x, y: np.mean([x[y == k].std(0).mean() for k in range(4)])  # noqa: E731
    assert spread(xw, yw) > 2 * spread(x, y)
    # tight blobs do not overlap: every point is nearest its own centre
    nearest = np.argmin(np.hypot(x[:, None, 0] - centres[:, 0], x[:, None, 1] - centres[:, 1]), 1)
    assert np.array_equal(nearest, y)


def _old_spiral(n, noise, rng):
    """The two-arm spiral exactly as it was before multi-class sets."""
    m = n // 2
    pts, labels = [], []
    for label, delta in ((1, 0.0), (0, np.pi)):
        i = np.arange(m)
        r = i / m * 5
        t = 1.75 * i / m * 2 * np.pi + delta
        jitter = rng.uniform(-1, 1, (2, m)) * noise
        pts.append(np.stack([r * np.sin(t) + jitter[0], r * np.cos(t) + jitter[1]], 1))
        labels.append(np.full(m, label))
    return np.concatenate(pts), np.concatenate(labels)


def test_two_arm_spiral_is_unchanged():
    ds = make_dataset(DataSettings(name="spiral", samples=300, noise=15, seed=7, classes=2))
    rng = np.random.default_rng(7)
    x, y = _old_spiral(300, 0.15, rng)
    order = rng.permutation(len(x))
    n_train = 150
    assert np.array_equal(ds.x_train, x[order][:n_train].astype(np.float32))
    assert np.array_equal(ds.y_train, y[order][:n_train])
    assert np.array_equal(ds.x_test, x[order][n_train:].astype(np.float32))


def test_k_arm_spiral_arms_are_turned_copies():
    ds = make_dataset(DataSettings(name="spiral", classes=3, samples=300, noise=0))
    x, y = all_points(ds)
    # without noise, arm k is arm 0 turned by 120° * k (clockwise in the playground's
    # (sin, cos) convention)
    arm0 = x[y == 0][np.argsort(np.hypot(*x[y == 0].T))]
    for k in (1, 2):
        a = -2 * np.pi * k / 3
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        armk = x[y == k][np.argsort(np.hypot(*x[y == k].T))]
        assert np.allclose(arm0 @ rot.T, armk, atol=1e-4)


def test_other_sets_keep_two_classes_whatever_the_setting():
    for name in ("circle", "xor", "gauss"):
        ds = make_dataset(DataSettings(name=name, classes=5))
        assert ds.classes == 2 and set(np.unique(ds.y_train)) == {0, 1}
    assert make_dataset(DataSettings(name="reg-plane", classes=5)).classes is None


def test_classes_setting_is_checked_like_the_others():
    assert data_from_dict({}).classes == 2
    assert data_from_dict({"classes": 7}).classes == 7
    assert data_from_dict({"classes": 3.0}).classes == 3
    for bad in (1, 11, 2.5, "3", True):
        with pytest.raises(
            NodeplayError,
            match=r"'data\.classes' must be a whole number "
            r"between 2 and 10",
        ):
            data_from_dict({"classes": bad})


def test_old_files_without_classes_load_with_two(circle):
    for name in preset_names():
        assert load_preset(name).data.classes == 2
    data = circle.to_dict()
    del data["data"]["classes"]
    assert project_from_dict(data).data.classes == 2
    circle.data.classes = 4
    assert project_from_dict(circle.to_dict()).data.classes == 4


@pytest.mark.parametrize("k", [3])
def test_a_three_class_network_learns_blobs(k):
    project = Project(
        mlp_graph([8, 8], "tanh", outputs=k, loss="cross_entropy"),
        DataSettings(name="blobs", classes=k, noise=10),
        TrainSettings(optimizer="adam", learning_rate=0.03, batch_size=25, stop_epochs=50, seed=1),
    )
    s = Session(project)
    before = s.evaluate()
    result = s.train(epochs=50)
    assert result["test_acc"] > 0.9 > before["test_acc"]
    assert s.boundary() is not None


def test_a_binary_head_does_not_fit_three_classes():
    project = Project(mlp_graph([4], "tanh", outputs=1, loss="bce"), DataSettings(name="blobs", classes=3))
    with pytest.raises(NodeplayError, match="classes"):
        Session(project)
