"""Imported images: .npz arrays and folders of class subfolders, and their bad input."""

import numpy as np
import pytest
from PIL import Image

from engine.data import imported, make_dataset
from engine.errors import DataError
from engine.project import Project, load_project, save_project
from engine.settings import DataSettings


def save_images(folder, sizes_by_class, mode="L"):
    for cls, sizes in sizes_by_class.items():
        (folder / cls).mkdir(parents=True, exist_ok=True)
        for i, size in enumerate(sizes):
            value = 40 * i if mode == "L" else (40 * i, 200, 30)
            Image.new(mode, size, value).save(folder / cls / f"{i}.png")


def test_npz_of_grey_and_colour_arrays(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (20, 12, 10), dtype=np.uint8)
    y = np.arange(20) % 2
    np.savez(tmp_path / "grey.npz", x=x, y=y)
    got = imported.read(tmp_path / "grey.npz")
    assert got.x.shape == (20, 1, 12, 10) and got.classes == 2 and not got.notes
    assert np.allclose(got.x[:, 0], x / 255)
    np.savez(tmp_path / "colour.npz", x=rng.random((9, 3, 8, 8), dtype=np.float32), y=np.arange(9) % 3)
    ds = make_dataset(DataSettings(name="imported", path=str(tmp_path / "colour.npz"), train_percent=50))
    assert ds.x_train.shape[1:] == (3, 8, 8) and ds.classes == 3
    assert len(ds.x_train) + len(ds.x_test) == 9


@pytest.mark.parametrize(
    "arrays, message",
    [
        (dict(x=np.zeros((4, 8, 8))), "no array named y"),
        (dict(x=np.zeros((4, 2, 8, 8)), y=np.arange(4) % 2), "1 or 3 channels"),
        (dict(x=np.zeros((4, 8, 8)), y=np.arange(3)), "one label for each of the 4 images"),
        (dict(x=np.zeros((4, 8, 8)), y=np.array([0, 0.5, 1, 1])), "whole numbers"),
        (dict(x=np.zeros((6, 8, 8)), y=np.array([0, 0, 2, 2, 2, 2])), "class 1 has no images"),
        (dict(x=np.zeros((5, 8, 8)), y=np.array([0, 0, 1, 1, 2])), "class 2 has a single image"),
    ],
)
def test_bad_npz_is_refused_with_a_sentence(tmp_path, arrays, message):
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DataError, match=message):
        imported.read(tmp_path / "bad.npz")


def test_a_damaged_npz_is_refused(tmp_path):
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DataError, match="broken.npz cannot be read as a NumPy .npz file"):
        imported.read(tmp_path / "broken.npz")


def test_folder_of_class_subfolders(tmp_path):
    save_images(tmp_path / "pets", {"cat": [(6, 5)] * 3, "dog": [(6, 5)] * 4})
    got = imported.read(tmp_path / "pets")
    assert got.class_names == ("cat", "dog") and got.x.shape == (7, 1, 5, 6)
    assert np.bincount(got.y).tolist() == [3, 4] and not got.notes
    assert got.x[1, 0, 0, 0] == pytest.approx(40 / 255)  # cat/1.png's grey level
    save_images(tmp_path / "colour", {"a": [(4, 4)] * 2, "b": [(4, 4)] * 2}, mode="RGB")
    assert imported.read(tmp_path / "colour").x.shape == (4, 3, 4, 4)


def test_mixed_sizes_are_resized_and_named(tmp_path):
    save_images(tmp_path / "set", {"a": [(8, 8), (8, 8), (5, 7)], "b": [(8, 8), (8, 8)]})
    got = imported.read(tmp_path / "set")
    assert got.x.shape == (5, 1, 8, 8)
    assert any("1 not 8×8 (a/2.png) were resized" in n for n in got.notes)


def test_unreadable_files_are_skipped_and_named(tmp_path):
    save_images(tmp_path / "set", {"a": [(4, 4)] * 2, "b": [(4, 4)] * 2})
    (tmp_path / "set" / "b" / "broken.png").write_bytes(b"not a png")
    got = imported.read(tmp_path / "set")
    assert len(got.y) == 4 and any("b/broken.png" in n and "skipped" in n for n in got.notes)


@pytest.mark.parametrize(
    "layout, message",
    [
        ({"a": [(4, 4)] * 2, "b": []}, "class b has no images"),
        ({"a": [(4, 4)] * 2, "b": [(4, 4)]}, "class b has a single image"),
        ({"a": [(4, 4)] * 3}, "one class only"),
    ],
)
def test_bad_folders_are_refused_naming_the_class(tmp_path, layout, message):
    save_images(tmp_path / "set", layout)
    with pytest.raises(DataError, match=message):
        imported.read(tmp_path / "set")


def test_huge_folders_are_capped_with_a_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr(imported, "MAX_IMAGES", 6)
    save_images(tmp_path / "set", {"a": [(4, 4)] * 5, "b": [(4, 4)] * 5})
    got = imported.read(tmp_path / "set")
    assert np.bincount(got.y).tolist() == [3, 3]
    assert any("holds 10 images" in n and "first 3 of each class" in n for n in got.notes)


def test_large_images_are_shrunk(tmp_path):
    save_images(tmp_path / "set", {"a": [(256, 128)] * 2, "b": [(256, 128)] * 2})
    got = imported.read(tmp_path / "set")
    assert got.x.shape[2:] == (32, 64) and any("shrunk" in n for n in got.notes)


def test_a_project_names_its_imported_images_and_refuses_when_they_are_gone(tmp_path):
    from engine.presets import load_preset

    np.savez(tmp_path / "mine.npz", x=np.zeros((10, 8, 8), np.uint8), y=np.arange(10) % 2)
    base = load_preset("digits-cnn")
    long_path = tmp_path / ("deep" * 20) / "mine.npz"
    long_path.parent.mkdir()
    (tmp_path / "mine.npz").rename(long_path)
    project = Project(base.graph, DataSettings(name="imported", path=str(long_path)), base.train, name="mine")
    again = load_project(save_project(project, tmp_path / "mine.nodeplay"))
    assert again.data.path == str(long_path)
    assert make_dataset(again.data).spec.x_shape == (1, 8, 8)
    long_path.unlink()
    with pytest.raises(DataError, match="no longer there; import them again with File › Import images"):
        make_dataset(again.data)
    assert "path" not in load_preset("digits-cnn").to_dict()["data"]  # other projects' files unchanged
