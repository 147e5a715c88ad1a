"""Activation maximisation (engine.probes.activation_max): the pictures excite the
chosen unit far more than random inputs do, the network's gradients are left alone,
asks go on from where the last one stopped, and a wrong layer or unit is named."""

import numpy as np
import pytest
import torch

from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes.activation_max import ITERATIONS
from engine.probes.registry import probe
from engine.train.session import Session


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small models: intra-op threads only fight each other
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def trained():
    torch.manual_seed(0)
    s = Session(load_preset("digits-cnn"), device="cpu")
    s.train(epochs=2)
    return s


def _random_activations(session, key: str, unit: int, n: int = 500) -> np.ndarray:
    """The unit's activation (a channel's spatial mean) for uniform random inputs in the data's range."""
    gen = torch.Generator().manual_seed(1)
    x = torch.rand((n, *session.dataset.x_test.shape[1:]), generator=gen)
    session.model.eval()
    with torch.no_grad():
        value = session.model.values(x)[key][:, unit]
    session.model.train()
    return value.reshape(n, -1).mean(1).numpy()


def _finished(session, args) -> dict:
    p = probe("activation_max")
    value = p.run(session, {**args, "restart": True, "seconds": None})
    assert value["done"] and value["iteration"] == ITERATIONS
    return value


@pytest.mark.parametrize(
    ("layer", "key", "units"), [("classes", "head.out", [3, 7]), ("conv1", "conv1.out", [0, 5])]
)
def test_the_pictures_excite_their_unit_far_above_random_inputs(trained, layer, key, units):
    value = _finished(trained, {"layer": layer, "units": units})
    assert value["images"].shape == (len(units), 1, 8, 8)
    lo, hi = trained.dataset.x_test.min(), trained.dataset.x_test.max()
    assert value["images"].min() >= lo and value["images"].max() <= hi  # inside the data's range
    for i, unit in enumerate(units):
        random = _random_activations(trained, key, unit)
        # recomputed here from the returned picture, not trusted from the probe
        trained.model.eval()
        with torch.no_grad():
            x = torch.as_tensor(value["images"][i : i + 1])
            own = float(trained.model.values(x)[key][0, unit].mean())
        trained.model.train()
        assert own == pytest.approx(float(value["activations"][i]), rel=1e-4, abs=1e-5)
        assert own > random.max() + 2 * random.std(), (unit, own, random.max())


def test_the_ascent_leaves_the_networks_gradients_and_mode_alone(trained):
    for p in trained.model.parameters():
        p.grad = None
    trained.model.train()
    _finished(trained, {"layer": "classes", "units": [0]})
    assert all(p.grad is None for p in trained.model.parameters())
    assert trained.model.training


def test_asks_go_on_from_where_the_last_stopped(trained):
    p = probe("activation_max")
    first = p.run(trained, {"layer": "conv2", "units": [1, 2], "restart": True, "seconds": 0.001})
    assert 1 <= first["iteration"] < ITERATIONS and not first["done"]
    second = p.run(trained, {"layer": "conv2", "units": [1, 2], "seconds": 0.001})
    assert second["iteration"] > first["iteration"]
    other = p.run(trained, {"layer": "conv2", "units": [3], "seconds": 0.001})  # other units: afresh
    assert other["iteration"] < second["iteration"] and list(other["units"]) == [3]


def test_a_layer_or_unit_that_does_not_exist_says_which_exist(trained):
    p = probe("activation_max")
    with pytest.raises(NodeplayError, match="choose one of classes, conv1, relu1, pool1, conv2"):
        p.run(trained, {"layer": "conv9"})
    with pytest.raises(NodeplayError, match="there is no class 12; this layer has classes 0 to 9"):
        p.run(trained, {"units": [12]})
    with pytest.raises(NodeplayError, match="this layer has units 0 to 7"):
        p.run(trained, {"layer": "conv1", "units": [8]})


def test_colour_inputs_get_colour_pictures():
    """A network reading RGB images: three planes per picture, each moved on its own."""
    from types import SimpleNamespace

    from engine.builder import build_model
    from engine.graph.validate import DataSpec

    graph = load_preset("digits-cnn").graph
    spec = DataSpec((3, 8, 8), classes=10)
    model = build_model(graph, spec, 0)
    rng = np.random.default_rng(0)
    data = SimpleNamespace(x_test=rng.random((20, 3, 8, 8), dtype=np.float32))

    class Context:  # the parts of a Session the probe reads (weakly referenced, as a session is)
        pass

    ctx = Context()
    ctx.model, ctx.dataset, ctx.device = model, data, torch.device("cpu")
    value = probe("activation_max").run(ctx, {"layer": "conv1", "units": [0, 1], "seconds": None})
    images = value["images"]
    assert images.shape == (2, 3, 8, 8)
    # the planes differ: the kernel weighs red, green and blue differently
    assert not np.allclose(images[0, 0], images[0, 1]) and not np.allclose(images[0, 1], images[0, 2])
