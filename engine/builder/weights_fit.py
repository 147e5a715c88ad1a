"""Do a project's saved weights fit its graph? Asked before a window opens a file (issue #14).

The window builds the model on its worker thread; weights of the wrong shapes (a damaged
file, a hand-edited graph) used to be found there, after the window had already switched
to the new project. Building the model on torch's "meta" device gives every parameter's
shape without allocating or initialising memory, so the check is cheap enough for the
GUI thread even for large legal graphs.
"""

from __future__ import annotations

import numpy as np
import torch

from engine.builder.gan import GanNets
from engine.builder.module import GraphModule
from engine.errors import NodeplayError
from engine.graph.gan import is_gan
from engine.graph.model import Graph
from engine.graph.validate import DataSpec


def expected_shapes(graph: Graph, spec: DataSpec) -> dict[str, tuple[int, ...]]:
    """Every state-dict entry's shape, computed without allocating the tensors."""
    if is_gan(graph):  # S-GAN: both networks, keyed as GanTrainer.weights() saves them
        with torch.device("meta"):
            nets = GanNets(graph, spec)
        state = {**nets.generator.state_dict(), **nets.discriminator.state_dict()}
        return {k: tuple(v.shape) or (1,) for k, v in state.items()}  # saved at least 1-D
    with torch.device("meta"):
        model = GraphModule(graph, spec)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def _shape(shape) -> str:
    return "×".join(str(d) for d in shape) or "a single number"


def weights_problem(graph: Graph, spec: DataSpec, weights: dict[str, np.ndarray]) -> str | None:
    """A sentence naming the first saved weight that does not fit the graph, or None."""
    try:
        want = expected_shapes(graph, spec)
    except NodeplayError as err:
        return str(err)
    missing = sorted(set(want) - set(weights))
    if missing:
        return f"The saved weights lack '{missing[0][:60]}', which the graph needs."
    extra = sorted(set(weights) - set(want))
    if extra:
        return f"The saved weights hold '{extra[0][:60]}', which the graph has no place for."
    for key, shape in want.items():
        have = tuple(np.shape(weights[key]))
        if have != shape:
            return f"The saved weight '{key[:60]}' is {_shape(have)} where the graph needs {_shape(shape)}."
    return None
