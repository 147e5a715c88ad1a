import numpy as np
import pytest

from engine.data import make_dataset
from engine.data.playground import reg_gauss_label
from engine.settings import DataSettings


@pytest.mark.parametrize("name", ["circle", "xor", "gauss", "spiral"])
def test_classification_sets(name):
    ds = make_dataset(DataSettings(name=name, samples=500, train_percent=50))
    assert ds.x_train.shape == (250, 2) and ds.x_test.shape == (250, 2)
    assert ds.classes == 2 and set(np.unique(ds.y_train)) == {0, 1}
    assert np.abs(ds.x_train).max() <= 8  # near the playground's [-6, 6] plane
    assert 0.3 < ds.y_train.mean() < 0.7


@pytest.mark.parametrize("name", ["reg-plane", "reg-gauss"])
def test_regression_sets(name):
    ds = make_dataset(DataSettings(name=name, train_percent=80))
    assert ds.classes is None and ds.y_train.shape == (400, 1)
    # as in TF Playground, the plane's (x1 + x2) / 10 reaches 1.2 in the corners
    assert np.abs(ds.y_train).max() <= 1.2 + 1e-6


def test_same_seed_same_data_and_noise_changes_it():
    a = make_dataset(DataSettings(name="spiral", seed=4, noise=20))
    b = make_dataset(DataSettings(name="spiral", seed=4, noise=20))
    c = make_dataset(DataSettings(name="spiral", seed=4, noise=0))
    assert np.array_equal(a.x_train, b.x_train)
    assert not np.array_equal(np.sort(a.x_train, 0), np.sort(c.x_train, 0))


def test_circle_labels_follow_the_radius():
    ds = make_dataset(DataSettings(name="circle"))
    r = np.hypot(*ds.x_train.T)
    assert np.all(r[ds.y_train == 1] < 2.5) and np.all(r[ds.y_train == 0] > 3.4)


def test_reg_gauss_peaks_at_the_centres():
    assert reg_gauss_label(np.array([[-4, 2.5], [0, 2.5], [0, 6]])).tolist() == [1, -1, 0]
