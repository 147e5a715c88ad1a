"""Receptive fields (engine.probes.receptive_field): the theoretical field against a hand
computation for a known stack, and the effective field (the gradient) of the trained
digits network never outside its theoretical box."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes.receptive_field import fields
from engine.probes.registry import probe
from engine.train.session import Session


def _chain(layers: list[tuple[str, nn.Module]]):
    """The parts of a GraphModule that fields() reads, for a plain chain of layers."""
    steps, prev = [], "input.x"
    for name, _ in layers:
        steps.append((name, f"{name}.out", (prev,)))
        prev = f"{name}.out"
    return SimpleNamespace(
        inputs=["input"],
        steps=steps,
        layers=dict(layers),
        outputs={name: (f"{name}.out",) for name, _ in layers},
    )


def test_the_theoretical_field_matches_a_hand_computation():
    model = _chain(
        [
            ("c1", nn.Conv2d(1, 4, 3, padding=1)),  # 3 wide, jump 1, unit 0 at 0
            ("r1", nn.ReLU()),
            ("p1", nn.MaxPool2d(2)),  # 3 + 1·1 = 4, jump 2, unit 0 at 0 + 0.5·1 = 0.5
            ("c2", nn.Conv2d(4, 4, 5, stride=2, padding=2)),  # 4 + 4·2 = 12, jump 4, at 0.5 + 0·2
            ("c3", nn.Conv2d(4, 4, 3, dilation=2)),  # k_eff 5: 12 + 4·4 = 28, jump 4, at 0.5 + 2·4 = 8.5
            ("p2", nn.AvgPool2d(3, stride=1, padding=1)),  # 28 + 2·4 = 36, jump 4, at 8.5 - 0
        ]
    )
    got = fields(model)
    expected = {
        "c1.out": (3, 1, 0.0),
        "r1.out": (3, 1, 0.0),
        "p1.out": (4, 2, 0.5),
        "c2.out": (12, 4, 0.5),
        "c3.out": (28, 4, 8.5),
        "p2.out": (36, 4, 8.5),
    }
    for key, (size, jump, start) in expected.items():
        f = got[key]
        assert f.size == (size, size) and f.jump == (jump, jump) and f.start == (start, start), key
    # unit (1, 2) of c3: centre (8.5 + 4, 8.5 + 8), half-width 13.5
    assert got["c3.out"].box(1, 2) == (-1.0, 3.0, 26.0, 30.0)


def test_a_flatten_ends_the_field():
    model = _chain([("c1", nn.Conv2d(1, 2, 3)), ("f", nn.Flatten()), ("fc", nn.Linear(8, 2))])
    got = fields(model)
    assert got["c1.out"] is not None and got["f.out"] is None and got["fc.out"] is None


@pytest.fixture(scope="module")
def trained():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    s = Session(load_preset("digits-cnn"), device="cpu")
    s.train(epochs=1)
    yield s
    torch.set_num_threads(threads)


@pytest.mark.parametrize(
    ("layer", "position", "box"),
    [("conv1", [0, 0], [0, 0, 1, 1]), ("pool1", [2, 1], [3, 1, 6, 4]), ("pool2", [0, 0], [0, 0, 6, 6])],
)
def test_the_gradient_stays_inside_the_theoretical_box(trained, layer, position, box):
    v = probe("receptive_field").run(
        trained, {"layer": layer, "channel": 1, "position": position, "sample": 7}
    )
    np.testing.assert_array_equal(v["box"], box)
    np.testing.assert_array_equal(v["image"], trained.dataset.x_test[7])
    top, left, bottom, right = (int(b) for b in v["box"])
    inside = np.zeros_like(v["effective"], bool)
    inside[top : bottom + 1, left : right + 1] = True
    assert v["effective"][~inside].max(initial=0) == 0
    assert v["effective"].shape == (8, 8) and list(v["position"]) == position
    # the strongest pixel's gradient, recomputed here by a finite difference
    r, c = np.unravel_index(np.argmax(v["effective"]), v["effective"].shape)
    x = torch.as_tensor(trained.dataset.x_test[7:8]).double()
    model = trained.model.double().eval()
    try:
        key = {"conv1": "conv1.out", "pool1": "pool1.out", "pool2": "pool2.out"}[layer]
        eps = 1e-6
        with torch.no_grad():
            base = model.values(x)[key][0, 1, position[0], position[1]]
            x[0, 0, r, c] += eps
            moved = model.values(x)[key][0, 1, position[0], position[1]]
    finally:
        model.float().train()
    assert abs(float(moved - base)) / eps == pytest.approx(float(v["effective"][r, c]), rel=1e-3)


def test_a_layer_or_unit_that_does_not_exist_says_which_exist(trained):
    p = probe("receptive_field")
    with pytest.raises(NodeplayError, match="choose one of conv1, relu1, pool1, conv2, relu2, pool2"):
        p.run(trained, {"layer": "head"})
    with pytest.raises(NodeplayError, match="channel must be a whole number from 0 to 7"):
        p.run(trained, {"layer": "conv1", "channel": 8})
    with pytest.raises(NodeplayError, match="the row must be a whole number from 0 to 1"):
        p.run(trained, {"layer": "pool2", "position": [2, 0]})
