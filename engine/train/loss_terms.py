"""A VAE's loss in its two parts, recorded beside the total every epoch (issue #11):
``recon``, the reconstruction head's loss as it enters the objective, and ``kl``, the
Sampling node's KL divergence from N(0, I) before β weighs it. Both on the test set,
in eval mode (z is the mean). Other graphs record no terms."""

from __future__ import annotations

import torch


def sampling_nodes(model) -> list[str]:
    return [n for n, _first, _ins in model.steps if type(model.layers[n]).__name__ == "Sampling"]


@torch.inference_mode()
def loss_terms(model, x: torch.Tensor, y: torch.Tensor) -> dict[str, float]:
    """{"recon": ..., "kl": ...} for a graph with a Sampling node and a reconstruction
    head (an Output whose target is an Input's x); {} for any other graph."""
    nodes = sampling_nodes(model)
    inputs = {f"{i}.x" for i in model.inputs}
    heads = [h for h in model.heads if h.target in inputs]
    if not nodes or not heads:
        return {}
    was = model.training
    model.eval()
    try:
        vals = model.losses(x, y)
    finally:
        model.train(was)
    kl = sum(vals[model.outputs[n][1]] for n in nodes)
    recon = sum(vals[h.key] for h in heads)
    return {"recon": float(recon), "kl": float(kl)}
