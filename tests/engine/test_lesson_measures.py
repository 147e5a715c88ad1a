"""The probes behind the pca-basis, edge-filter and filter-visualization lessons, against
independent computations (closed-form 2×2 eigenvalues, weights set by hand, kernels whose
answer is known), and the three lessons run headless: each reaches its outcome after
training, and its training check fails on the untrained network (other seeds:
bench/lesson_seeds.py)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.data.photos import SOBEL
from engine.errors import NodeplayError
from engine.lessons import load_lesson
from engine.lessons.checks import find_check
from engine.lessons.runner import failed, run_lesson
from engine.presets import load_preset
from engine.probes import filter_edges, pca_basis
from engine.probes.registry import probe
from engine.train.session import Session


def points_ctx(x: np.ndarray):
    pca_basis._cache.clear()
    data = SimpleNamespace(x_train=x, y_train=np.zeros(len(x), np.int64), is_2d=True)
    return SimpleNamespace(dataset=data, model=None)


def test_pca_match_agrees_with_the_closed_form_eigenvalues_of_a_2x2_covariance():
    rng = np.random.default_rng(3)
    turn = np.radians(30)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    x = (rng.normal(size=(400, 2)) * [3.0, 0.7]) @ rotation.T + [1.0, -2.0]
    value = probe("pca-match").run(points_ctx(x.astype(np.float32)), {})
    (a, b), (_, c) = np.cov(x.astype(np.float32).astype(np.float64), rowvar=False)
    root = np.hypot((a - c) / 2, b)
    big, small = (a + c) / 2 + root, (a + c) / 2 - root
    assert value["explained_1"] == pytest.approx(big / (big + small), abs=1e-6)
    assert value["drawn_angle"] < 1e-3 and value["explained_gap"] < 1e-6
    assert "learned_angle" not in value  # no network: nothing learned to compare


def test_pca_match_measures_the_angle_of_an_autoencoders_line_of_rebuilds():
    session = Session(load_preset("pca-2d"), device="cpu")
    x = session.dataset.x_train.astype(np.float64)
    values, vectors = np.linalg.eigh(np.cov(x, rowvar=False))
    first = vectors[:, values.argmax()]
    for degrees in (0.0, 25.0, 70.0):
        t = np.radians(degrees)
        turned = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) @ first
        with torch.no_grad():  # the decoder's column is the direction of every rebuild
            session.model.layers["rebuild"].weight.copy_(torch.tensor(turned[:, None] * 2.0))
        measured = probe("pca-match").run(session, {})["learned_angle"]
        assert measured == pytest.approx(degrees, abs=1e-3)


def test_sobel_match_measures_the_distance_to_sobel_of_the_kernel_set_by_hand():
    session = Session(load_preset("edge-filter"), device="cpu")
    delta = np.zeros((3, 3), np.float32)
    delta[0, 1] = 0.5
    with torch.no_grad():
        session.model.layers["conv"].weight.copy_(torch.tensor(SOBEL + delta)[None, None])
    value = probe("sobel-match").run(session, {})
    assert value["sobel_distance"] == pytest.approx(0.5 / np.sqrt(12), rel=1e-6)
    assert value["sobel_cosine"] == pytest.approx(12 / (np.sqrt(12) * np.sqrt(12.25)), rel=1e-6)


def test_filter_edges_scores_known_kernels():
    templates = filter_edges.edge_templates(9, 8)
    edge = np.stack([np.zeros((9, 9)), 3 * templates[2] + 0.7, np.zeros((9, 9))])[None]
    assert filter_edges.edge_correlation(edge)[0] == pytest.approx(1.0)  # any offset and scale
    noise = np.random.default_rng(1).normal(size=(64, 3, 9, 9))
    chance = filter_edges.edge_chance((3, 9, 9))
    assert 0.15 < chance < 0.3  # about 0.2, as the lesson says
    assert filter_edges.edge_correlation(noise).mean() == pytest.approx(chance, abs=0.02)
    flat = np.ones((1, 3, 9, 9))
    assert filter_edges.low_frequency_share(flat)[0] == pytest.approx(1.0)
    spike = np.zeros((1, 3, 9, 9))
    spike[0, :, 4, 4] = 1  # a flat spectrum: the share is the share of low-frequency bins
    low_bins = sum(u * u + v * v <= 4 for u in range(-4, 5) for v in range(-4, 5))
    assert filter_edges.low_frequency_share(spike)[0] == pytest.approx(low_bins / 81)
    ctx = Session(load_preset("filter-visualization"), device="cpu")
    with pytest.raises(NodeplayError, match="orientations must be a whole number"):
        probe("filter-edges").run(ctx, {"orientations": 1})
    with pytest.raises(NodeplayError, match="no convolution layer .nope."):
        probe("filter-edges").run(ctx, {"layer": "nope"})


@pytest.mark.parametrize("name", ["pca-basis", "edge-filter", "filter-visualization"])
def test_the_lesson_reaches_its_outcome_and_its_training_check_fails_untrained(name):
    lesson = load_lesson(name)
    results = run_lesson(lesson)
    assert not failed(results), [r.outcome.text for r in failed(results)]
    # the same checks on the network as it starts: the ones after training fail there
    session = Session(lesson.start_project(), device="cpu")
    memory: dict[str, float] = {}
    after_training = 0
    for check in (s.check for s in lesson.steps if s.check is not None):
        outcome = find_check(check.name).run(session, check.args, memory)
        if check.remember is not None:
            memory[check.remember] = outcome.measured
        if check.after_epochs > 0:
            after_training += 1
            assert not outcome.met, outcome.text
    assert after_training
