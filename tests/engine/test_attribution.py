"""Attribution maps against independent computations: the vanilla map is the gradient
written out by hand, Integrated Gradients is complete, the sanity check leaves the
trained network alone."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes import builtin  # noqa: F401 - registers the probes
from engine.probes.attribution import METHODS, attribute
from engine.probes.registry import probe
from engine.train.session import Session


@pytest.fixture(scope="module")
def session():
    torch.manual_seed(0)
    s = Session(load_preset("digits-cnn"))
    s.train(epochs=2)
    return s


def _logit(model, x: torch.Tensor, target: int) -> torch.Tensor:
    model.eval()
    return model(x)[0, target]


def test_the_vanilla_map_is_the_gradient_of_the_class_score(session):
    value = probe("attribution").run(session, {"sample": 4, "method": "gradient"})
    model, target = session.model, int(value["target"])
    x = torch.as_tensor(session.dataset.x_test[4:5]).clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(_logit(model, x, target), x)
    assert value["attribution"].shape == (1, 8, 8)
    np.testing.assert_allclose(value["attribution"], grad[0].numpy(), rtol=1e-5, atol=1e-6)
    assert int(value["target"]) == int(value["predicted"])  # default: the predicted class


def test_the_vanilla_map_of_a_tanh_network_is_its_gradient_written_out():
    """f(x) = W2 tanh(W1 x + b1) + b2: df_t/dx = W1ᵀ (W2[t] ⊙ (1 - tanh²(W1 x + b1)))."""
    torch.manual_seed(3)
    net = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(16, 5), torch.nn.Tanh(), torch.nn.Linear(5, 3)
    )
    x = torch.randn(1, 1, 4, 4)
    w1, b1, w2 = (t.detach().numpy().astype(np.float64) for t in (net[1].weight, net[1].bias, net[3].weight))
    h = w1 @ x.numpy().reshape(16).astype(np.float64) + b1
    for t in range(3):
        by_hand = w1.T @ (w2[t] * (1 - np.tanh(h) ** 2))
        got = attribute(net, x, t, "gradient")["attribution"]
        np.testing.assert_allclose(got.reshape(16), by_hand, rtol=1e-4, atol=1e-6)


def test_integrated_gradients_add_up_to_the_score_difference(session):
    for sample, target in ((0, None), (7, 3)):
        value = probe("attribution").run(
            session, {"sample": sample, "method": "integrated-gradients", "target": target}
        )
        t = int(value["target"])
        assert target is None or t == target
        x = torch.as_tensor(session.dataset.x_test[sample : sample + 1])
        with torch.no_grad():
            difference = float(_logit(session.model, x, t) - _logit(session.model, torch.zeros_like(x), t))
        total = float(value["attribution"].sum())
        assert abs(total - difference) <= 0.03 * abs(difference) + 1e-3, (total, difference)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_gives_a_map_shaped_like_the_input(session, method):
    value = probe("attribution").run(session, {"sample": 2, "method": method})
    a = value["attribution"]
    assert a.shape == session.dataset.x_test[2].shape and np.isfinite(a).all() and np.abs(a).max() > 0
    assert str(value["method"]) == method and int(value["sample"]) == 2
    if method == "grad-cam":
        assert a.min() >= 0  # ReLU of the weighted channels


def test_the_sanity_check_randomises_a_copy_and_not_the_trained_network(session):
    before = {k: v.clone() for k, v in session.model.state_dict().items()}
    trained = probe("attribution").run(session, {"sample": 1, "method": "gradient"})
    random = probe("attribution").run(session, {"sample": 1, "method": "gradient", "randomise": True})
    again = probe("attribution").run(session, {"sample": 1, "method": "gradient", "randomise": True})
    for k, v in session.model.state_dict().items():
        assert torch.equal(v, before[k]), k
    assert bool(random["randomised"])
    np.testing.assert_array_equal(random["attribution"], again["attribution"])  # a fixed seed
    correlation = np.corrcoef(trained["attribution"].ravel(), random["attribution"].ravel())[0, 1]
    assert correlation < 0.9


def test_bad_arguments_are_refused_in_a_sentence(session):
    with pytest.raises(NodeplayError, match="choose one of gradient, smoothgrad"):
        probe("attribution").run(session, {"method": "lime"})
    with pytest.raises(NodeplayError, match=r"from 0 to \d+, not 99999"):
        probe("attribution").run(session, {"sample": 99999})
    with pytest.raises(NodeplayError, match="class 10 does not exist; the classes are 0 to 9"):
        probe("attribution").run(session, {"target": 10})


def test_the_probe_table_does_not_import_captum():
    code = "import sys, engine.probes.builtin; print('captum' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_maps_leave_the_training_state_alone(session):
    """No method adds to the weights' gradients or leaves the network in eval mode."""
    model = session.model
    model.train()
    grads = {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}
    for method in METHODS:
        probe("attribution").run(session, {"sample": 5, "method": method})
        probe("fgsm").run(session, {"sample": 5})
    assert model.training
    for n, p in model.named_parameters():
        assert (p.grad is None) if grads[n] is None else torch.equal(p.grad, grads[n]), n
