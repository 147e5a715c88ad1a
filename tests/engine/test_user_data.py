"""The user's own points: CSV import, editing, the "user" dataset and project files."""

import json

import numpy as np
import pytest

from engine.data import make_dataset
from engine.data.user import add_point, erase_points, read_points_csv
from engine.errors import DataError, ProjectFileError
from engine.graph.mlp import mlp_graph
from engine.project import Project, load_project, project_from_dict, save_project
from engine.settings import DataSettings, TrainSettings
from engine.train import Session


def write(tmp_path, text, name="points.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def points():
    x = np.array([[0, 0], [1, 1], [2, -1.5], [-3, 2], [4, 4], [-4, -4]], np.float32)
    return x, np.array([0, 1, 0, 1, 2, 2], np.int64)


@pytest.fixture
def user_project(points):
    return Project(
        mlp_graph([4], "tanh", outputs=3, loss="cross_entropy"),
        DataSettings(name="user", train_percent=50, seed=2),
        TrainSettings(optimizer="adam", batch_size=2, stop_epochs=5),
        points=points,
    )


# -- reading a CSV ---------------------------------------------------------------------


def test_reads_classes_with_or_without_a_header(tmp_path):
    rows = "0.5,1.25,0\n-2,3,1\n4.123456,-1,2\n"
    for text in (rows, "x1,x2,label\n" + rows, "\ufeffa, b, class\r\n\r\n" + rows + "\n\n"):
        x, y = read_points_csv(write(tmp_path, text))
        assert x.dtype == np.float32 and x.shape == (3, 2)
        assert np.allclose(x, [[0.5, 1.25], [-2, 3], [4.1235, -1]])
        assert y.dtype == np.int64 and y.tolist() == [0, 1, 2]


def test_a_fractional_label_makes_regression_targets(tmp_path):
    x, y = read_points_csv(write(tmp_path, "1,2,0\n3,4,0.5\n5,6,-3\n"))
    assert y.dtype == np.float32 and y.shape == (3,) and np.allclose(y, [0, 0.5, -3])
    assert np.allclose(x, [[1, 2], [3, 4], [5, 6]])


def test_whole_number_labels_written_as_floats_are_classes(tmp_path):
    assert read_points_csv(write(tmp_path, "1,2,0.0\n3,4,1.0\n"))[1].tolist() == [0, 1]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", r"^points\.csv is empty; it needs rows of x1, x2, label\.$"),
        ("x1,x2,label\n", r"^points\.csv is empty"),
        ("\n\n", r"^points\.csv is empty"),
        ("1,2,0\n3,4,1\n5,6\n", r"^points\.csv needs three columns x1, x2, label; row 3 has 2\.$"),
        ("x1,x2,label\n1,2,0,7\n", r"^points\.csv needs three columns x1, x2, label; row 2 has 4\.$"),
        (
            "1,2,0\n3,4,1\n5,6,1\nabc,6,1\n",
            r"^points\.csv: row 4, column x1 holds 'abc', which is not a number\.$",
        ),
        (
            "x1,x2,label\n1,2,0\n3,two,1\n",
            r"^points\.csv: row 3, column x2 holds 'two', which is not a number\.$",
        ),
        ("1,2,0\n3,4,cat\n", r"^points\.csv: row 2, column label holds 'cat', which is not a number\.$"),
        (
            "1,2,0\n3,4,1\n5,nan,1\n",
            r"^points\.csv: row 3 holds nan in column x2; every value must be a finite number\.$",
        ),
        ("1,2,0\n-inf,4,1\n", r"^points\.csv: row 2 holds -inf in column x1; every value must be"),
        ("1,2,0\n3,4,inf\n", r"row 2 holds inf in column label"),
        (
            "x1,x2,label\n1,2,1\n3,4,1\n5,6,1\n",
            r"^points\.csv: all points have label 1; a classifier needs at least two classes\.$",
        ),
        (
            "1,2,0\n3,4,10\n",
            r"^points\.csv: row 2 has label 10; class labels must be whole numbers "
            r"from 0 to 9 \(at most 10 classes\)\.$",
        ),
        ("1,2,-1\n3,4,1\n", r"row 1 has label -1; class labels must be whole numbers from 0 to 9"),
        ("1,2,0.5\n", r"^points\.csv has a single point; training needs at least two\.$"),
    ],
)
def test_bad_files_are_refused_with_one_sentence(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        read_points_csv(write(tmp_path, text))


def test_a_missing_file_is_one_sentence(tmp_path):
    with pytest.raises(DataError, match=r"^There is no file at .*nope\.csv\.$"):
        read_points_csv(tmp_path / "nope.csv")
    with pytest.raises(DataError, match=r"^There is no file at"):
        read_points_csv(tmp_path)  # a folder is no file either


def test_binary_file_is_one_sentence(tmp_path):
    path = tmp_path / "points.csv"
    path.write_bytes(b"\xff\xfe\x00\x81" * 10)
    with pytest.raises(DataError, match=r"^points\.csv cannot be read as a CSV text file"):
        read_points_csv(path)


def test_a_million_rows_are_refused(tmp_path):  # how quickly: bench/data_speed.py
    path = tmp_path / "big.csv"
    path.write_text("x1,x2,label\n" + "0.5,-0.25,1\n1.5,2.25,0\n" * 500_000)
    with pytest.raises(
        DataError,
        match=r"^big\.csv has 1,000,000 rows; Nodeplay's playground "
        r"takes at most 100,000 points\.$",
    ):
        read_points_csv(path)


def test_exactly_the_limit_is_taken(tmp_path):
    path = tmp_path / "full.csv"
    path.write_text("x1,x2,label\n" + "0.5,-0.25,1\n1.5,2.25,0\n" * 50_000 + "\n\n")
    x, y = read_points_csv(path)
    assert len(x) == 100_000 and np.bincount(y).tolist() == [50_000, 50_000]
    path.write_text("0.5,-0.25,1\n1.5,2.25,0\n" * 50_000 + "3,3,1\n")
    with pytest.raises(DataError, match=r"has 100,001 rows"):
        read_points_csv(path)


def test_a_refused_import_leaves_the_project_as_it_was(tmp_path, user_project):
    saved = save_project(user_project, tmp_path / "p.nodeplay")
    before_file = saved.read_text()
    x0, y0 = (a.copy() for a in user_project.points)
    for text in ("1,2,0\n3,4\n", "1,2,1\n3,4,1\n", "1,2,0\n3,x,1\n"):
        with pytest.raises(DataError):
            user_project.points = read_points_csv(write(tmp_path, text, "bad.csv"))
    assert np.array_equal(user_project.points[0], x0) and np.array_equal(user_project.points[1], y0)
    assert saved.read_text() == before_file
    user_project.points = read_points_csv(write(tmp_path, "1,2,0\n3,4,1\n", "good.csv"))
    assert user_project.points[1].tolist() == [0, 1]


# -- editing ---------------------------------------------------------------------------


def test_add_point_returns_new_arrays(points):
    x0, y0 = (a.copy() for a in points)
    x, y = add_point(points, (0.123456, -2), 1)
    assert np.array_equal(points[0], x0) and np.array_equal(points[1], y0)  # untouched
    assert len(x) == 7 and np.allclose(x[-1], [0.1235, -2]) and y[-1] == 1
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert x is not points[0] and y is not points[1]


def test_add_point_starts_a_set_of_the_first_labels_kind():
    cls = add_point(None, (1, 2), 3)
    assert cls[0].shape == (1, 2) and cls[1].dtype == np.int64 and cls[1].tolist() == [3]
    reg = add_point(None, (1, 2), 0.25)
    assert reg[1].dtype == np.float32 and np.allclose(reg[1], [0.25])
    reg = add_point(reg, (0, 0), 1)  # a regression set takes 1 as the target 1.0
    assert reg[1].dtype == np.float32 and np.allclose(reg[1], [0.25, 1.0])


@pytest.mark.parametrize(
    "xy, label, message",
    [
        ((0, 0), 10, r"^A class label must be a whole number from 0 to 9, not 10\.$"),
        ((0, 0), 1.5, r"^A class label must be a whole number from 0 to 9, not 1\.5\.$"),
        ((0, 0), -1, "from 0 to 9"),
        ((0, 0), "a", r"^A point's label must be a number, not 'a'\.$"),
        ((0, np.nan), 1, r"^A point needs two finite coordinates"),
        ((0, 1, 2), 1, r"^A point needs two finite coordinates"),
    ],
)
def test_add_point_refusals(points, xy, label, message):
    x0 = points[0].copy()
    with pytest.raises(DataError, match=message):
        add_point(points, xy, label)
    assert np.array_equal(points[0], x0) and len(points[1]) == 6


def test_erase_points_removes_those_within_the_radius(points):
    x0, y0 = (a.copy() for a in points)
    x, y = erase_points(points, (0.5, 0.5), 0.75)
    assert len(x) == 4 and [0, 0] not in x.tolist() and [1, 1] not in x.tolist()
    assert y.tolist() == [0, 1, 2, 2]
    assert np.array_equal(points[0], x0) and np.array_equal(points[1], y0)
    x, y = erase_points(points, (100, 100), 1)
    assert len(x) == 6 and x is not points[0]
    x, y = erase_points(points, (0, 0), 100)
    assert x.shape == (0, 2) and y.shape == (0,) and y.dtype == np.int64
    assert erase_points(None, (0, 0), 1) is None


# -- the "user" dataset ------------------------------------------------------------------


def test_make_dataset_splits_the_users_points(points):
    settings = DataSettings(name="user", train_percent=50, seed=5)
    ds = make_dataset(settings, points)
    assert ds.name == "user" and ds.classes == 3
    assert len(ds.x_train) == 3 and len(ds.x_test) == 3
    got = sorted(map(tuple, np.concatenate([ds.x_train, ds.x_test]).tolist()))
    assert got == sorted(map(tuple, points[0].tolist()))
    again = make_dataset(settings, points)
    assert np.array_equal(ds.x_train, again.x_train) and np.array_equal(ds.y_test, again.y_test)
    other = make_dataset(DataSettings(name="user", train_percent=50, seed=6), points)
    assert not np.array_equal(ds.x_train, other.x_train)
    # generated sets ignore points and still work without them
    assert make_dataset(DataSettings(name="xor"), points).x_train.shape == (250, 2)
    assert make_dataset(DataSettings(name="xor")).x_train.shape == (250, 2)


def test_user_regression_targets_are_a_column():
    pts = (np.array([[0, 0], [1, 1], [2, 2], [3, 3]], np.float32), np.array([0.1, 0.2, 0.3, 0.4], np.float32))
    ds = make_dataset(DataSettings(name="user", train_percent=75), pts)
    assert ds.classes is None and ds.y_train.shape == (3, 1) and ds.y_train.dtype == np.float32


@pytest.mark.parametrize(
    "pts, message",
    [
        (None, r"^The user dataset has 0 points; draw or import at least two before training\.$"),
        ((np.zeros((1, 2), np.float32), np.array([1])), r"has 1 point; draw or import"),
        (
            (np.zeros((3, 2), np.float32), np.array([2, 2, 2])),
            r"^All the user dataset's points have label 2; a classifier needs at least two classes\.$",
        ),
    ],
)
def test_user_dataset_refusals(pts, message):
    with pytest.raises(DataError, match=message):
        make_dataset(DataSettings(name="user"), pts)


def test_unknown_dataset_lists_user():
    with pytest.raises(DataError, match=r"Unknown dataset 'moons'; choose one of .*blobs.*user"):
        make_dataset(DataSettings(name="moons"))


def test_a_user_project_trains(user_project):
    s = Session(user_project)
    assert s.dataset.classes == 3 and len(s.dataset.x_train) == 3
    s.train(epochs=5)
    assert s.epoch == 5 and np.isfinite(s.history.train_loss).all()


# -- project files ---------------------------------------------------------------------


def test_points_round_trip_through_a_project_file(tmp_path, user_project):
    user_project.points = add_point(user_project.points, (1.23456789, -0.00004), 2)
    path = save_project(user_project, tmp_path / "p.nodeplay")
    data = json.loads(path.read_text())
    assert data["points"]["x"][-1] == [1.2346, -0.0] and data["points"]["y"][-1] == 2
    assert all(isinstance(v, int) for v in data["points"]["y"])
    back = load_project(path)
    assert back.data.name == "user"
    assert np.array_equal(back.points[0], user_project.points[0])
    assert np.array_equal(back.points[1], user_project.points[1])
    assert back.points[1].dtype == np.int64 and back.points[0].dtype == np.float32
    assert back.copy().points[0].shape == (7, 2)


def test_regression_points_stay_regression(tmp_path, user_project):
    user_project.points = (user_project.points[0], np.array([0, 1, 2, 3, 4, 5], np.float32))
    back = load_project(save_project(user_project, tmp_path / "p.nodeplay"))
    assert back.points[1].dtype == np.float32 and back.points[1].tolist() == [0, 1, 2, 3, 4, 5]


def test_projects_without_points_have_none(tmp_path, circle):
    assert circle.points is None and "points" not in circle.to_dict()
    assert load_project(save_project(circle, tmp_path / "c.nodeplay")).points is None


def test_empty_point_sets_are_kept(tmp_path, user_project):
    user_project.points = erase_points(user_project.points, (0, 0), 100)
    back = load_project(save_project(user_project, tmp_path / "p.nodeplay"))
    assert back.points[0].shape == (0, 2) and back.points[1].shape == (0,)


GRAPH = '{"nodes": []}'


@pytest.mark.parametrize(
    "points, message",
    [
        ("[1, 2]", r"has damaged points: they need an 'x' list of positions and a 'y' list of labels\.$"),
        ('{"x": [[1, 2]]}', r"they need an 'x' list"),
        ('{"x": [[1, 2], [3, 4]], "y": [1]}', r"has damaged points: there are 2 positions but 1 labels\.$"),
        (
            '{"x": [[1, 2, 3]], "y": [1]}',
            r"has damaged points: position 0 is \[1, 2, 3\], not a pair of numbers\.$",
        ),
        ('{"x": [[1, 2], [1, "a"]], "y": [1, 0]}', r"position 1 is \[1, 'a'\], not a pair of numbers"),
        ('{"x": [[1, 2], [true, 2]], "y": [1, 0]}', r"position 1 is \[True, 2\], not a pair"),
        ('{"x": [[1, 2]], "y": ["a"]}', r"has damaged points: label 0 is 'a', not a number\.$"),
        ('{"x": [[1, 2], [3, 4]], "y": [0, 12]}', r"label 1 is 12, not a class from 0 to 9\.$"),
    ],
)
def test_damaged_points_are_refused(tmp_path, points, message):
    path = tmp_path / "bad.nodeplay"
    text = f'{{"format_version": 1, "graph": {GRAPH}, "points": {points}}}'
    path.write_text(text)
    with pytest.raises(ProjectFileError, match=message) as err:
        load_project(path)
    assert str(err.value).startswith(f"{path} has damaged points: ")
    assert path.read_text() == text


@pytest.mark.parametrize(
    "x, y, message",
    [
        ([[1, float("nan")]], [1], r"position 0 is \[1, nan\], which is not finite"),
        ([[1, 2]], [float("inf")], r"label 0 is inf, which is not finite"),
    ],
)
def test_non_finite_points_are_refused(x, y, message):
    # NaN and Infinity are not JSON, so a file holding them is refused as damaged JSON
    # (tests/engine/test_fuzz_files.py); a dict handed over in memory is checked here
    with pytest.raises(ProjectFileError, match=message):
        project_from_dict({"format_version": 1, "graph": {"nodes": []}, "points": {"x": x, "y": y}})


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_literals_in_a_points_file_are_refused_as_damaged_json(tmp_path, literal):
    path = tmp_path / "bad.nodeplay"
    path.write_text(
        f'{{"format_version": 1, "graph": {GRAPH}, "points": {{"x": [[1, {literal}]], "y": [1]}}}}'
    )
    with pytest.raises(ProjectFileError, match=r"is damaged: it is not valid JSON"):
        load_project(path)


def test_too_many_points_in_a_file_are_refused(tmp_path):
    path = tmp_path / "big.nodeplay"
    path.write_text(
        json.dumps(
            {
                "format_version": 1,
                "graph": {"nodes": []},
                "points": {"x": [[0, 0]] * 100_001, "y": [0] * 100_001},
            }
        )
    )
    with pytest.raises(
        ProjectFileError,
        match=r"has damaged points: there are 100,001 points, "
        r"more than the 100,000 the playground takes\.$",
    ):
        load_project(path)


# -- issue #14, finding 4: the cap holds whatever the line endings; huge values refused ---


@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n"])
def test_the_point_cap_holds_for_every_line_ending(tmp_path, ending):
    path = tmp_path / "big.csv"
    path.write_bytes(ending.join(["x1,x2,label"] + ["0.5,0.5,1"] * 100_001).encode() + b"\r")
    with pytest.raises(
        DataError,
        match=r"^big\.csv has 100,001 rows; Nodeplay's playground "
        r"takes at most 100,000 points\.$",
    ):
        read_points_csv(path)


def test_a_cr_only_file_at_the_cap_is_read_whole(tmp_path):
    path = tmp_path / "full.csv"
    rows = [f"{i % 7},{i % 5},{i % 2}" for i in range(100_000)]
    path.write_bytes("\r".join(rows).encode())
    x, y = read_points_csv(path)
    assert x.shape == (100_000, 2) and y.shape == (100_000,)


@pytest.mark.parametrize("cell, row, column", [("1e300", 3, "x1"), ("-1e40", 3, "x1"), ("1e19", 3, "x1")])
def test_values_too_large_for_float32_are_refused_by_row_and_column(tmp_path, cell, row, column):
    path = tmp_path / "huge.csv"
    path.write_text(f"x1,x2,label\n0,0,0\n{cell},1,1\n")
    with pytest.raises(
        DataError,
        match=rf"^huge\.csv: row {row}, column {column} holds "
        r".*too large to train on",
    ):
        read_points_csv(path)


def test_a_huge_regression_target_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("0,0,0.5\n1,1,1e300\n")
    with pytest.raises(DataError, match=r"row 2, column label holds 1e\+300"):
        read_points_csv(path)
