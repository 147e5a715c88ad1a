"""Compare mode's SIMD kernel (eight lanes at a time) trains exactly as the per-lane
kernel does, for every activation, loss, regularizer and optimizer (#13)."""

import numpy as np
import pytest

from engine.presets import load_preset
from engine.train import compiled, compiled_lanes
from engine.train.compare import CompareSession
from engine.train.compiled import ACTIVATION_CODES, LOSS_CODES, OPTIMIZER_CODES


def _problem(k, sizes, loss, seed=0):
    """K lanes of a dense chain in the flat layout, with (K, in, out) weights."""
    rng = np.random.default_rng(seed)
    n_in, n_out = np.array(sizes[:-1]), np.array(sizes[1:])
    w_off, b_off, at = [], [], 0
    for a, b in zip(n_in, n_out):
        w_off.append(at)
        b_off.append(at + k * a * b)
        at += k * (a * b + b)
    flat = (rng.normal(size=at) * 0.6).astype(np.float32)
    x, xt = (rng.normal(size=(n, sizes[0])).astype(np.float32) for n in (230, 170))
    c = sizes[-1]
    if loss in ("bce", "cross_entropy"):
        lab, lab_t = ((v[:, 0] * v[:, 1] > 0).astype(np.int64) for v in (x, xt))
        if loss == "cross_entropy":
            lab, lab_t = ((np.abs(v[:, 0]) * c / 2).astype(np.int64).clip(0, c - 1) for v in (x, xt))
        y, yt = (
            np.eye(c, dtype=np.float32)[v] if c > 1 else v[:, None].astype(np.float32) for v in (lab, lab_t)
        )
    else:
        y, yt = (np.sin(v[:, :c] * 2).astype(np.float32) for v in (x, xt))
        lab, lab_t = np.zeros(len(x), np.int64), np.zeros(len(xt), np.int64)
    i64 = lambda v: np.asarray(v, np.int64)  # noqa: E731
    shape = (i64(n_in), i64(n_out), i64(w_off), i64(b_off), True)
    return flat, shape, (x, y, lab, xt, yt, lab_t)


def _lane_of(k, sizes):
    """The lane of every value of the flat buffer."""
    blocks = [n for a, b in zip(sizes, sizes[1:]) for n in (a * b, b)]
    return np.concatenate([np.repeat(np.arange(k), n) for n in blocks])


def _train(simd, flat, shape, data, acts, lr, opt, reg, rate, epochs=5, active=None):
    """(weights, first state, second state, steps, every epoch's metrics)."""
    k = len(lr)
    flat, s1, s2 = flat.copy(), np.zeros_like(flat), np.zeros_like(flat)
    steps, metrics = np.zeros(k, np.int64), np.zeros((k, 4))
    active = np.ones(k, np.bool_) if active is None else active
    loss = data[-1]
    history = []
    for e in range(epochs):
        order = np.random.default_rng(e).permutation(len(data[0])).astype(np.int64)
        if simd:
            compiled_lanes.train_and_evaluate(
                flat, s1, s2, steps, acts, *shape, *data[:-1], order, 10, loss, 1.0, lr, opt, reg, rate,
                active, metrics,
            )  # fmt: skip
        else:
            compiled.train_and_evaluate(
                flat, s1, s2, steps, acts, *shape, *data[:-1], order, 10, -1, loss, 1.0, lr, opt, reg,
                rate, active, metrics,
            )  # fmt: skip
        history.append(metrics.copy())
    return flat, s1, s2, steps, np.array(history)


@pytest.mark.parametrize("reg", [0, 1, 2])
@pytest.mark.parametrize(
    "loss, sizes",
    [("bce", [2, 4, 2, 1]), ("cross_entropy", [3, 5, 3]), ("mse", [2, 6, 2]), ("l1", [2, 4, 1])],
)
def test_simd_lanes_train_as_the_per_lane_kernel(kernel, loss, sizes, reg):
    k = 11  # a full block of eight and a padded one of three
    flat, shape, data = _problem(k, sizes, loss)
    codes = list(ACTIVATION_CODES.values())
    acts = np.array([[codes[i % len(codes)]] * (len(sizes) - 2) + [0] for i in range(k)], np.int64)
    lr = np.linspace(0.01, 0.2, k)
    opt = np.arange(k) % 2  # sgd and momentum lanes
    rate = np.linspace(0.0, 0.01, k)
    data = (*data, LOSS_CODES[loss])
    a = _train(False, flat, shape, data, acts, lr, opt, reg, rate)
    b = _train(True, flat, shape, data, acts, lr, opt, reg, rate)
    assert not np.array_equal(b[0], flat)  # it trained
    np.testing.assert_allclose(b[0], a[0], rtol=1e-5, atol=1e-6)  # weights
    lane = np.concatenate(
        [np.repeat(np.arange(k), n) for a_, b_ in zip(sizes, sizes[1:]) for n in (a_ * b_, b_)]
    )
    held = opt[lane] > 0  # sgd lanes keep no buffer
    np.testing.assert_allclose(b[1][held], a[1][held], rtol=1e-5, atol=1e-6)  # momentum buffers
    np.testing.assert_allclose(b[4], a[4], rtol=1e-9, atol=1e-12)  # every epoch's metrics


def test_inactive_lanes_are_left_alone_and_read_nan(kernel):
    flat, shape, data = _problem(3, [2, 4, 1], "bce")
    acts = np.array([[3, 0]] * 3, np.int64)
    active = np.array([True, False, True])
    args = (acts, np.full(3, 0.1), np.zeros(3, np.int64), 0, np.zeros(3))
    out, _, _, _, history = _train(True, flat, shape, (*data, 0), *args, epochs=2, active=active)
    lane = _lane_of(3, [2, 4, 1])
    assert np.array_equal(out[lane == 1], flat[lane == 1])
    assert not np.array_equal(out[lane == 0], flat[lane == 0])
    assert np.isnan(history[:, 1]).all() and np.isfinite(history[:, [0, 2], 0]).all()


def test_compare_mode_runs_a_learning_rate_sweep_on_the_simd_kernel(kernel):
    cs = CompareSession(
        load_preset("circle"), [{"learning_rate": 0.003 * 2**i} for i in range(8)], device="cpu"
    )
    assert cs._fast.simd
    cs.train(3)
    assert np.isfinite(cs.history[7].train_loss).all()


# learning rates that train each optimizer without running away
_RATES = {
    "sgd": 0.1,
    "momentum": 0.03,
    "rmsprop": 0.01,
    "adam": 0.02,
    "adagrad": 0.1,
    "adadelta": 1.0,
    "rprop": 0.01,
}


def _optimizer_problem(k, opt, acts_cycle, loss="bce", sizes=(2, 4, 2, 1)):
    flat, shape, data = _problem(k, list(sizes), loss, seed=3)
    acts = np.array([[acts_cycle[i % len(acts_cycle)]] * (len(sizes) - 2) + [0] for i in range(k)], np.int64)
    names = list(OPTIMIZER_CODES)
    lr = np.array([_RATES[names[c]] for c in opt]) * np.linspace(0.5, 1.5, k)
    return flat, shape, (*data, LOSS_CODES[loss]), acts, lr


def _same(a, b, exact):
    """Weights, both states, steps and metrics of two runs: equal, or within float32."""
    for x, y in zip(a[:4], b[:4]):
        if exact:
            np.testing.assert_array_equal(x, y)
        else:
            np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a[4], b[4], rtol=1e-9 if exact else 1e-6, atol=1e-12)


@pytest.mark.parametrize("name", list(OPTIMIZER_CODES))
def test_every_optimizer_runs_in_the_lanes_as_in_the_per_lane_kernel(kernel, name):
    k = 11
    opt = np.full(k, OPTIMIZER_CODES[name], np.int64)
    # relu and linear: no exp anywhere, so the two kernels' weights agree to the bit
    # (adam's first moment, where LLVM compiles the same expression to a last bit apart
    # now and then: float32's tolerance)
    flat, shape, data, acts, lr = _optimizer_problem(k, opt, [4, 0], loss="mse", sizes=(2, 4, 2, 2))
    rate = np.linspace(0.0, 0.01, k)
    a = _train(False, flat, shape, data, acts, lr, opt, 2, rate)
    b = _train(True, flat, shape, data, acts, lr, opt, 2, rate)
    assert not np.array_equal(b[0], flat) and (b[3] == a[3]).all()
    _same(a, b, exact=name != "adam")
    # tanh and sigmoid through the lanes' polynomial exp: float32's tolerance
    flat, shape, data, acts, lr = _optimizer_problem(k, opt, [3, 2])
    a = _train(False, flat, shape, data, acts, lr, opt, 1, rate)
    b = _train(True, flat, shape, data, acts, lr, opt, 1, rate)
    _same(a, b, exact=False)


def test_lanes_mixing_every_optimizer_and_a_frozen_lane(kernel):
    k = 10
    opt = np.arange(k, dtype=np.int64) % len(OPTIMIZER_CODES)
    flat, shape, data, acts, lr = _optimizer_problem(k, opt, [3, 4, 2, 0])
    rate = np.full(k, 0.001)
    active = np.ones(k, np.bool_)
    active[3] = False  # an adam lane, frozen from the start
    a = _train(False, flat, shape, data, acts, lr, opt, 2, rate, active=active)
    b = _train(True, flat, shape, data, acts, lr, opt, 2, rate, active=active)
    _same(a, b, exact=False)
    lane = _lane_of(k, [2, 4, 2, 1])
    frozen = lane == 3
    assert np.array_equal(b[0][frozen], flat[frozen]) and not b[1][frozen].any() and not b[2][frozen].any()
    assert b[3][3] == 0 and (b[3][active] == 5 * 23).all()  # 230 rows in batches of 10, five epochs
    assert np.isnan(b[4][:, 3]).all()
    for c in range(len(OPTIMIZER_CODES)):  # every optimizer's lanes moved
        assert not np.array_equal(b[0][(lane == c) & (c != 3)], flat[(lane == c) & (c != 3)]) or c == 3


def test_an_optimizer_state_carries_over_between_epochs_and_kernels(kernel):
    """A run's second half on the other kernel ends where one kernel alone ends:
    adam's moments and step count and rprop's step sizes live in s1, s2 and steps."""
    k = 4
    opt = np.array([3, 6, 5, 2], np.int64)
    flat, shape, data, acts, lr = _optimizer_problem(k, opt, [4])
    rate = np.zeros(k)
    whole = _train(False, flat, shape, data, acts, lr, opt, 0, rate, epochs=2)
    half = _train(False, flat, shape, data, acts, lr, opt, 0, rate, epochs=1)
    s1, s2, steps, metrics = half[1].copy(), half[2].copy(), half[3].copy(), np.zeros((k, 4))
    out = half[0].copy()
    order = np.random.default_rng(1).permutation(len(data[0])).astype(np.int64)
    compiled_lanes.train_and_evaluate(
        out, s1, s2, steps, acts, *shape, *data[:-1], order, 10, data[-1], 1.0, lr, opt, 0, rate,
        np.ones(k, np.bool_), metrics,
    )  # fmt: skip
    np.testing.assert_array_equal(steps, whole[3])
    np.testing.assert_allclose(out, whole[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s2, whole[2], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("cycle", [[3, 2, 4, 0], [0, 1, 2, 3, 4, 5], [2, 3]])
def test_layers_mixing_cheap_activations_take_one_pass_and_train_alike(kernel, cycle):
    """Sigmoid and tanh lanes sharing one exp, relu, step, leaky relu and linear lanes
    picked by select: as the per-lane kernel trains each lane."""
    k = 9
    opt = np.arange(k, dtype=np.int64) % 2
    flat, shape, data, acts, lr = _optimizer_problem(k, opt, cycle, sizes=(2, 5, 3, 1))
    rate = np.zeros(k)
    a = _train(False, flat, shape, data, acts, lr, opt, 0, rate)
    b = _train(True, flat, shape, data, acts, lr, opt, 0, rate)
    assert not np.array_equal(b[0], flat)
    _same(a, b, exact=False)
