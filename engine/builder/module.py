"""Graph -> ``torch.nn.Module`` plus its loss wiring.

Values are keyed ``"node.port"``. Every node with a module is a *step*; Output
nodes are *heads* (a prediction, a target and a loss); LossSum nodes add losses.
The training objective is the sum of every loss output not connected onward
(``Validation.objective``): an Output's weighted loss, a Sampling's KL, a LossSum's
total. The *main head* (accuracy, boundary, score) is the first Output, in
topological order, trained on the dataset's targets; the first Output if none is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
from torch import nn

from engine.builder.layers import make_layer
from engine.builder.losses import head_loss, total
from engine.errors import GraphError
from engine.graph.catalogue import node_type
from engine.graph.gan import is_gan
from engine.graph.model import Graph
from engine.graph.validate import DataSpec, validate

NO_MODULE = ("Input", "Output", "LossSum")
NOT_ONE_NETWORK = (
    "This graph is a GAN: it builds as a generator and a discriminator for the "
    "adversarial trainer, and exporting a GAN is not supported yet."
)


@dataclass(frozen=True)
class Head:
    node_id: str
    pred: str  # key of the value the head reads
    loss: str
    weight: float
    target: str = ""  # key of its target: an Input's "y" or any tensor
    on_data: bool = True  # the target is the dataset's targets

    @property
    def key(self) -> str:
        return f"{self.node_id}.loss"


def _split(ref: str) -> tuple[str, str]:
    node_id, port = ref.rsplit(".", 1)
    return node_id, port


class GraphModule(nn.Module):
    """Runs the graph's layers in topological order.

    ``forward`` returns the main head's raw prediction (logits for classification);
    ``loss`` returns the training objective and the main prediction.
    """

    def __init__(self, graph: Graph, data: DataSpec):
        super().__init__()
        check = validate(graph, data)
        check.raise_if_invalid()
        self.layers = nn.ModuleDict()
        self.inputs = [n for n in check.order if graph.nodes[n].type == "Input"]
        # (node id, key of its first output, keys of its inputs): one per module
        self.steps: list[tuple[str, str, tuple[str, ...]]] = []
        self.outputs: dict[str, tuple[str, ...]] = {}  # node id -> keys of all its outputs
        self.heads: list[Head] = []
        # (key of its total, ((key of a term, weight), ...)) per LossSum, in order
        self.loss_sums: list[tuple[str, tuple[tuple[str, float], ...]]] = []
        self._sum_ports: dict[str, tuple[str, ...]] = {}  # LossSum id -> its connected ports
        self.objective = [f"{n}.{p}" for n, p in check.objective]
        into: dict[str, dict[str, str]] = {}
        for e in graph.edges:
            into.setdefault(e.dst, {})[e.dst_port] = f"{e.src}.{e.src_port}"
        data_targets = {f"{i}.y" for i in self.inputs}
        for node_id in check.order:  # layers are made in this order: same seed, same weights
            node, spec = graph.nodes[node_id], node_type(graph.nodes[node_id].type)
            edges = into.get(node_id, {})
            ins = tuple(edges[p] for p in spec.input_names if p in edges)
            if node.type == "Output":
                self.heads.append(
                    Head(
                        node_id,
                        edges["pred"],
                        node.params["loss"],
                        node.params["weight"],
                        edges["target"],
                        edges["target"] in data_targets,
                    )
                )
                continue
            if node.type == "LossSum":
                ports = tuple(k for k in "abcd" if k in edges)
                self._sum_ports[node_id] = ports
                self.loss_sums.append(
                    (f"{node_id}.total", tuple((edges[k], node.params[f"w{k}"]) for k in ports))
                )
                continue
            if node.type in NO_MODULE:
                continue
            shapes = {port: check.values[_split(ref)].shape for port, ref in edges.items()}
            self.layers[node_id] = make_layer(node.type, node.params, shapes)
            outs = tuple(f"{node_id}.{p}" for p in spec.output_names)
            self.outputs[node_id] = outs
            self.steps.append((node_id, outs[0], ins))
        self._plan = [(self.layers[n], ins, self.outputs[n]) for n, _, ins in self.steps]
        self.classes = data.classes
        self.main = next((h for h in self.heads if h.on_data), self.heads[0])
        self._chain = self._plain_chain()
        # a plain chain trained on the dataset's targets alone needs no dictionary at all
        self._chain_loss = (
            self._chain and len(self.heads) == 1 and self.main.on_data and self.objective == [self.main.key]
        )

    def _plain_chain(self) -> bool:
        """True when the layers form one chain from an Input to the main head."""
        prev, starts = None, {f"{i}.x" for i in self.inputs}
        for node_id, out, ins in self.steps:
            if len(ins) != 1 or len(self.outputs[node_id]) != 1:
                return False
            if (ins[0] not in starts) if prev is None else (ins[0] != prev):
                return False
            prev = out
        return prev is not None and prev == self.main.pred

    @property
    def plain_chain(self) -> bool:
        """One chain of one-input layers from an Input to the only head, trained on the
        dataset's targets alone: what the perceptron fast paths can take over."""
        return self._chain_loss

    def values(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every tensor value (not the losses), for probes that look inside the network."""
        vals = {f"{i}.x": x for i in self.inputs}
        for module, ins, outs in self._plan:
            result = module(*[vals[k] for k in ins])
            if len(outs) == 1:
                vals[outs[0]] = result
            else:
                vals.update(zip(outs, result))
        return vals

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._chain:
            for module, _, _ in self._plan:  # a plain chain: skip the dictionary
                x = module(x)
            return x
        return self.values(x)[self.main.pred]

    def losses(self, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every value, losses included: each head's weighted loss and each LossSum's total."""
        vals = self.values(x)
        vals.update({f"{i}.y": y for i in self.inputs})
        for h in self.heads:
            vals[h.key] = head_loss(h.loss, vals[h.pred], vals[h.target], h.weight, on_data=h.on_data)
        for key, terms in self.loss_sums:
            vals[key] = total([w * vals[k] for k, w in terms])
        return vals

    def loss(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The training objective and the main prediction."""
        if self._chain_loss:
            pred = self.forward(x)
            return head_loss(self.main.loss, pred, y, self.main.weight), pred
        vals = self.losses(x, y)
        return total([vals[k] for k in self.objective]), vals[self.main.pred]

    def set_live(self, node_id: str, name: str, value: float) -> None:
        """Apply a live parameter (``Param.live``) to the built model: a Dropout's p, an
        Output's weight or a LossSum's weights. KeyError for anything else."""
        layer = self.layers[node_id] if node_id in self.layers else None
        if isinstance(layer, nn.Dropout) and name == "p":
            layer.p = float(value)
            return
        for i, h in enumerate(self.heads):
            if h.node_id == node_id and name == "weight":
                self.heads[i] = replace(h, weight=float(value))
                if self.main is h:
                    self.main = self.heads[i]
                return
        for i, (key, terms) in enumerate(self.loss_sums):
            if key == f"{node_id}.total" and name in ("wa", "wb", "wc", "wd"):
                ports = self._sum_ports[node_id]
                if name[1] in ports:  # an unconnected port's weight waits for a rebuild
                    j = ports.index(name[1])
                    self.loss_sums[i] = (
                        key,
                        tuple((k, float(value) if n == j else w) for n, (k, w) in enumerate(terms)),
                    )
                return
        raise KeyError(f"{node_id}.{name}")

    def score(self, pred: torch.Tensor) -> torch.Tensor:
        """Predictions as the user reads them: probabilities or values."""
        if self.main.loss == "bce":
            return torch.sigmoid(pred)
        if self.main.loss == "cross_entropy":
            return torch.softmax(pred, 1)
        return pred

    def penalised_weights(self) -> list[torch.Tensor]:
        """Weights that L1/L2 regularization acts on (not biases, as in TF Playground)."""
        return [m.weight for m in self.layers.values() if isinstance(m, nn.Linear | nn.modules.conv._ConvNd)]


def build_model(graph: Graph, data: DataSpec, seed: int = 0, *, seed_global: bool = False) -> GraphModule:
    """Build with its own seeded RNG so the same seed gives the same initial weights.

    ``seed_global`` seeds torch's global generator instead, and leaves it where the
    exported script's ``torch.manual_seed(seed); Model()`` does: dropout and sampling
    draw from it, so a training session then repeats their draws run after run.
    """
    if is_gan(graph):  # G1 (issue 11): engine.builder.gan builds a GAN's two networks
        raise GraphError(NOT_ONE_NETWORK)
    if seed_global:
        torch.manual_seed(seed)
        return GraphModule(graph, data)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return GraphModule(graph, data)
