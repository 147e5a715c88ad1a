"""The one head loss: a batch of K variants gets each variant's own loss."""

import pytest
import torch

from engine.builder.losses import LOSS_KINDS, head_loss


def _case(kind: str, k: int, n: int):
    g = torch.Generator().manual_seed(1)
    if kind == "cross_entropy":
        pred = torch.randn(k, n, 3, generator=g)
        y = torch.randint(0, 3, (n,), generator=g)
        return pred, y, y.expand(k, n)
    if kind == "bce":
        pred = torch.randn(k, n, 1, generator=g)
        y = torch.randint(0, 2, (n,), generator=g)
        return pred, y, y.to(pred.dtype).view(-1, 1).expand(k, n, 1)
    pred = torch.randn(k, n, 2, generator=g)
    y = torch.randn(n, 2, generator=g)
    return pred, y, y.expand(k, n, 2)


@pytest.mark.parametrize("kind", LOSS_KINDS)
def test_each_lane_is_the_single_networks_loss(kind):
    pred, y, yk = _case(kind, 3, 7)
    lanes = head_loss(kind, pred, yk, 0.5, reduce="lanes")
    alone = torch.stack([head_loss(kind, pred[i], y, 0.5) for i in range(3)])
    assert lanes.shape == (3,)
    torch.testing.assert_close(lanes, alone)
    torch.testing.assert_close(head_loss(kind, pred, yk, 0.5, reduce="lane_sum"), alone.sum())


def test_a_lanes_gradient_is_its_own():
    pred, _, yk = _case("mse", 2, 5)
    pred.requires_grad_()
    head_loss("mse", pred, yk, reduce="lane_sum").backward()
    grad_all = pred.grad.clone()
    pred.grad = None
    head_loss("mse", pred[:1], yk[:1], reduce="lane_sum").backward()
    torch.testing.assert_close(grad_all[0], pred.grad[0])


def test_weight_scales_the_loss():
    pred, y, _ = _case("bce", 1, 6)
    assert head_loss("bce", pred[0], y, 2.0).item() == pytest.approx(2 * head_loss("bce", pred[0], y).item())
