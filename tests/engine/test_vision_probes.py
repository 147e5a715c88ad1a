"""The vision probes (class probabilities, confusion matrix, kernels, feature maps)
against computations written out independently with torch's functional ops."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 - torch's own name

import engine.probes.builtin  # noqa: F401 - registers the probes
from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes.registry import probe
from engine.train.session import Session


@pytest.fixture(scope="module")
def digits():
    torch.manual_seed(0)
    session = Session(load_preset("digits-cnn"))
    session.train(epochs=2)
    return session


def _by_hand(session, x: np.ndarray) -> dict[str, torch.Tensor]:
    """digits-cnn's layers applied one by one with functional ops: conv, relu, pool twice,
    then the dense head."""
    L = session.model.layers  # noqa: N806
    with torch.no_grad():
        v = {"x": torch.as_tensor(x)}
        v["conv1"] = F.conv2d(v["x"], L["conv1"].weight, L["conv1"].bias, padding=1)
        v["pool1"] = F.max_pool2d(F.relu(v["conv1"]), 2)
        v["conv2"] = F.conv2d(v["pool1"], L["conv2"].weight, L["conv2"].bias, padding=1)
        v["pool2"] = F.max_pool2d(F.relu(v["conv2"]), 2)
        v["head"] = v["pool2"].flatten(1) @ L["head"].weight.T + L["head"].bias
    return v


def test_class_probabilities_are_the_softmax_of_the_heads_logits(digits):
    value = probe("class_probabilities").run(digits, {"count": 20})
    expected = torch.softmax(_by_hand(digits, digits.dataset.x_test[:20])["head"], 1).numpy()
    assert value["probabilities"].shape == (20, 10)
    np.testing.assert_allclose(value["probabilities"], expected, atol=1e-5)
    np.testing.assert_allclose(value["probabilities"].sum(1), 1, atol=1e-5)
    assert (value["predicted"] == expected.argmax(1)).all()


def test_confusion_counts_every_test_sample_by_true_and_predicted_class(digits):
    value = probe("confusion").run(digits, {})
    ds = digits.dataset
    predicted = _by_hand(digits, ds.x_test)["head"].argmax(1).numpy()
    counts = np.zeros((10, 10), int)
    for t, p in zip(ds.y_test, predicted, strict=True):
        counts[int(t), int(p)] += 1
    assert (value["matrix"] == counts).all()
    assert (value["predicted"] == predicted).all()
    assert value["matrix"].sum() == len(ds.y_test)
    assert np.trace(counts) / len(ds.y_test) > 0.5  # trained two epochs: mostly right


def test_kernels_are_a_copy_of_the_conv_weights(digits):
    value = probe("kernels").run(digits, {})  # the first conv layer by default
    assert str(value["layer"]) == "conv1" and int(value["epoch"]) == digits.epoch
    weight = digits.model.layers["conv1"].weight
    np.testing.assert_array_equal(value["kernels"], weight.detach().numpy())
    value["kernels"][:] = 0  # a copy: the network keeps its weights
    assert weight.abs().sum() > 0
    assert probe("kernels").run(digits, {"layer": "conv2"})["kernels"].shape == (16, 8, 3, 3)
    with pytest.raises(NodeplayError, match="choose one of conv1, conv2"):
        probe("kernels").run(digits, {"layer": "pool1"})


@pytest.mark.parametrize("layer", ["conv1", "pool1", "conv2", "pool2"])
def test_feature_maps_are_the_layers_output_for_one_sample(digits, layer):
    value = probe("feature_maps").run(digits, {"layer": layer, "sample": 7})
    expected = _by_hand(digits, digits.dataset.x_test[7:8])[layer][0].numpy()
    np.testing.assert_allclose(value["maps"], expected, atol=1e-5)
    np.testing.assert_array_equal(value["image"], digits.dataset.x_test[7])
    assert int(value["sample"]) == 7 and str(value["layer"]) == layer


def test_feature_maps_refuse_a_bad_sample_or_layer_with_a_sentence(digits):
    n = len(digits.dataset.x_test)
    with pytest.raises(NodeplayError, match=f"from 0 to {n - 1}"):
        probe("feature_maps").run(digits, {"sample": n})
    with pytest.raises(NodeplayError, match="choose one of conv1, relu1, pool1"):
        probe("feature_maps").run(digits, {"layer": "head"})


def test_the_vision_probes_do_not_apply_to_points():
    session = Session(load_preset("circle"))
    for name in ("class_probabilities", "confusion", "kernels", "feature_maps"):
        with pytest.raises(NodeplayError, match="does not apply"):
            probe(name).run(session, {})
