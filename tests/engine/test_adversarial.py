"""FGSM: the perturbation is ε times the sign of the loss gradient, and accuracy falls
as ε grows."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812

from engine.errors import NodeplayError
from engine.presets import load_preset
from engine.probes import builtin  # noqa: F401 - registers the probes
from engine.probes.registry import probe
from engine.train.session import Session


@pytest.fixture(scope="module")
def session():
    torch.manual_seed(0)
    s = Session(load_preset("digits-cnn"))
    s.train(epochs=3)
    return s


def test_accuracy_falls_as_epsilon_grows(session):
    curve = probe("fgsm_curve").run(session, {"epsilons": [0.0, 0.05, 0.1, 0.2, 0.3]})
    acc = curve["accuracy"]
    assert list(curve["epsilons"]) == pytest.approx([0.0, 0.05, 0.1, 0.2, 0.3])
    assert acc[0] > 0.8  # trained: the clean accuracy
    assert all(b <= a + 0.01 for a, b in zip(acc, acc[1:], strict=False)), acc
    assert acc[-1] < acc[0] - 0.5, acc
    # ε = 0 is the plain test accuracy on those samples
    x, y = session.dataset.x_test[:1000], session.dataset.y_test[:1000]
    session.model.eval()
    with torch.no_grad():
        plain = (session.model(torch.as_tensor(x)).argmax(1).numpy() == y).mean()
    assert acc[0] == pytest.approx(plain, abs=1e-6)


def test_the_perturbation_is_epsilon_times_the_gradient_sign(session):
    eps = 0.1
    v = probe("fgsm").run(session, {"sample": 3, "epsilon": eps})
    x = torch.as_tensor(session.dataset.x_test[3:4]).clone().requires_grad_(True)
    y = torch.as_tensor(session.dataset.y_test[3:4]).long()
    session.model.eval()
    (grad,) = torch.autograd.grad(F.cross_entropy(session.model(x), y), x)
    expected = np.clip(x.detach().numpy() + eps * np.sign(grad.numpy()), 0.0, 1.0) - x.detach().numpy()
    np.testing.assert_allclose(v["perturbation"], expected[0], atol=1e-6)
    assert v["adversarial"].min() >= 0.0 and v["adversarial"].max() <= 1.0
    assert np.abs(v["perturbation"]).max() <= eps + 1e-6
    assert int(v["label"]) == int(session.dataset.y_test[3])
    same = probe("fgsm").run(session, {"sample": 3, "epsilon": 0.0})
    np.testing.assert_array_equal(same["adversarial"], same["image"])


def test_a_bad_epsilon_is_refused(session):
    with pytest.raises(NodeplayError, match="epsilon must be a number from 0 to 1"):
        probe("fgsm").run(session, {"epsilon": 2})
