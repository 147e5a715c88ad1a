"""Graph -> ``torch.nn.Module`` plus its loss wiring."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from engine.build.layers import make_layer
from engine.graph.model import Graph
from engine.graph.validate import DataSpec, validate


@dataclass(frozen=True)
class Head:
    node_id: str
    pred: str  # key of the value the head reads
    loss: str
    weight: float


def _loss(kind: str, pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    if kind == "cross_entropy":
        return F.cross_entropy(pred, y)
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(pred, y.to(pred.dtype).view(-1, 1))
    if kind == "mse":
        return F.mse_loss(pred, y)
    return F.l1_loss(pred, y)


class GraphModule(nn.Module):
    """Runs the graph's layers in topological order.

    Values are keyed ``"node.port"``. ``forward`` returns the main head's raw
    prediction (logits for classification); ``loss`` adds up every head's weighted loss.
    """

    def __init__(self, graph: Graph, data: DataSpec):
        super().__init__()
        check = validate(graph, data)
        check.raise_if_invalid()
        self.layers = nn.ModuleDict()
        self.inputs = [n.id for n in graph.nodes_of_type("Input")]
        self.steps: list[tuple[str, str, tuple[str, ...]]] = []
        self.heads: list[Head] = []
        for node_id in check.order:
            node = graph.nodes[node_id]
            if node.type == "Input":
                continue
            edges = {e.dst_port: f"{e.src}.{e.src_port}" for e in graph.edges if e.dst == node_id}
            if node.type == "Output":
                self.heads.append(Head(node_id, edges["pred"], node.params["loss"],
                                       node.params["weight"]))
                continue
            shapes = {port: check.values[tuple(ref.rsplit(".", 1))].shape
                      for port, ref in edges.items()}
            self.layers[node_id] = make_layer(node.type, node.params, shapes)
            ports = [p for p in ("x", "a", "b") if p in edges]
            self.steps.append((node_id, f"{node_id}.out", tuple(edges[p] for p in ports)))
        self._steps = [(self.layers[n], out, ins) for n, out, ins in self.steps]
        self.classes = data.classes
        self.main = self.heads[0]

    def values(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every intermediate value, for probes that look inside the network."""
        vals = {f"{i}.x": x for i in self.inputs}
        for module, out, ins in self._steps:
            vals[out] = module(*[vals[k] for k in ins])
        return vals

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if len(self.heads) == 1 and len(self._steps) and all(len(i) == 1 for _, _, i in self._steps):
            for module, _, _ in self._steps:  # a plain chain: skip the dictionary
                x = module(x)
            return x
        return self.values(x)[self.main.pred]

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Total weighted loss and the main prediction."""
        if len(self.heads) == 1:
            pred = self.forward(x)
            return self.main.weight * _loss(self.main.loss, pred, y), pred
        vals = self.values(x)
        total = sum(h.weight * _loss(h.loss, vals[h.pred], y) for h in self.heads)
        return total, vals[self.main.pred]

    def score(self, pred: torch.Tensor) -> torch.Tensor:
        """Predictions as the user reads them: probabilities or values."""
        if self.main.loss == "bce":
            return torch.sigmoid(pred)
        if self.main.loss == "cross_entropy":
            return torch.softmax(pred, 1)
        return pred

    def penalised_weights(self) -> list[torch.Tensor]:
        """Weights that L1/L2 regularization acts on (not biases, as in TF Playground)."""
        return [m.weight for m in self.layers.values() if isinstance(m, nn.Linear)]


def build_model(graph: Graph, data: DataSpec, seed: int = 0) -> GraphModule:
    """Build with its own seeded RNG so the same seed gives the same initial weights."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return GraphModule(graph, data)
