"""Plain point CSVs are read by numpy in one pass (issue #14, finding 3: a legal
100,000-row file froze the window for seconds); every file reads to the same points, or
is refused with the same sentence, as the careful row-by-row reading gives."""

import numpy as np
import pytest

import engine.data.user as user
from engine.errors import NodeplayError
from tests.app.fuzz_csv import csv_mutants


def _outcome(path):
    try:
        x, y = user.read_points_csv(path)
    except NodeplayError as err:
        return "refused", str(err)
    return "read", (x.tolist(), y.dtype.str, y.tolist())


def test_the_fast_reading_agrees_with_the_careful_one_on_every_mutant(tmp_path, monkeypatch):
    for i, (kind, raw) in enumerate(csv_mutants(16 * 6, seed=3)):
        path = tmp_path / f"m{i}.csv"
        path.write_bytes(raw)
        fast = _outcome(path)
        with monkeypatch.context() as m:
            m.setattr(user, "_plain_points", lambda _path: None)
            careful = _outcome(path)
        assert fast == careful, (i, kind, fast[0], careful[0], str(fast[1])[:200], str(careful[1])[:200])


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_a_plain_100000_row_file_is_read_without_the_row_by_row_parser(tmp_path, monkeypatch, ending):
    rng = np.random.default_rng(0)
    x = rng.uniform(-5, 5, (100_000, 2))
    y = (np.hypot(*x.T) < 3).astype(int)
    rows = [f"{a:.4f},{b:.4f},{c}" for (a, b), c in zip(x, y, strict=True)]
    path = tmp_path / "big.csv"
    path.write_text(ending.join(["x1,x2,label", *rows]) + ending, newline="")

    def no_rows(*_args, **_kwargs):
        raise AssertionError("read row by row")

    monkeypatch.setattr(user.csv, "reader", no_rows)
    px, py = user.read_points_csv(path)
    assert px.shape == (100_000, 2) and py.dtype == np.int64
    assert np.allclose(px, np.round(x, 4), atol=1e-4) and np.array_equal(py, y)
