"""S-GUI: a long loss curve is drawn from its min/max envelope: the same peaks, in at
most 2 * POINTS points plus an unfinished block, however many rows and however they
arrive."""

import numpy as np
import pytest

from app.views.curve_envelope import POINTS, Envelope


def _check(env, x, y, n, px, py):
    k = env.rows_per_block
    assert len(px) == len(py) <= 2 * POINTS + k
    assert np.all(np.diff(px) >= 0)  # x ascending: the curve never runs backwards
    assert px[0] == x[0] and px[-1] == x[n - 1]
    assert np.nanmin(py) == np.nanmin(y[:n]) and np.nanmax(py) == np.nanmax(y[:n])
    # every block of k rows shows its own lowest and highest value
    # blocks of k rows drawn as 2 points each, then the rest row by row:
    # 2 * done + (n - k * done) == len(px)
    assert k > 2 and (n - len(px)) % (k - 2) == 0
    done = (n - len(px)) // (k - 2)
    assert done >= POINTS // 2
    assert np.array_equal(px[2 * done :], x[k * done : n])
    by = y[: done * k].reshape(-1, k)
    assert np.allclose(py[: 2 * done : 2], np.fmin.reduce(by, axis=1), equal_nan=True)
    assert np.allclose(py[1 : 2 * done : 2], np.fmax.reduce(by, axis=1), equal_nan=True)


@pytest.mark.parametrize("chunk", [7, 50, 1000, 300_000])
def test_the_envelope_keeps_every_peak_whatever_the_chunks(chunk):
    rng = np.random.default_rng(chunk)
    n = 300_000
    x = np.arange(1, n + 1, dtype=float)
    y = np.exp(-x / 5e4) + 0.1 * rng.random(n)
    y[123_456] = 9.0  # one spike, as a divergence would make
    y[200_000:200_010] = np.nan  # rows the curve skips
    env, done = Envelope(), 0
    while done < n:
        done = min(n, done + chunk)
        px, py = env.of(x, y, done)
    _check(env, x, y, n, px, py)
    assert 9.0 in py


def test_a_short_curve_is_drawn_row_by_row_and_clear_starts_again():
    x = np.arange(100, dtype=float)
    env = Envelope()
    px, py = env.of(x, x * 2, 100)
    assert px.tolist() == x.tolist() and env.rows_per_block == 0
    big = np.arange(50_000, dtype=float)
    env.of(big, big, 50_000)
    assert env.rows_per_block > 1
    env.clear()
    px, _ = env.of(x, x, 100)
    assert len(px) == 100
