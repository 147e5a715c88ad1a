"""A GAN graph -> its generator and discriminator as two ``torch.nn.Module``s.

Each network runs its part of the graph (``engine.graph.gan.GanParts``) in
topological order, from one input value to one output value, as ``GraphModule``
does for a whole graph. Layers are keyed ``layers.<node id>`` so that state dicts,
live edits and weight carrying work as they do for supervised graphs.
"""

from __future__ import annotations

import torch
from torch import nn

from engine.builder.layers import make_layer
from engine.graph.catalogue import node_type
from engine.graph.gan import GanParts, gan_parts
from engine.graph.model import Graph
from engine.graph.validate import DataSpec, validate


class SubNet(nn.Module):
    """The layers of ``nodes`` (ids in topological order), from ``source`` to ``result``
    (value keys ``node.port``)."""

    def __init__(self, graph: Graph, values: dict, nodes: tuple[str, ...], source: str, result: str):
        super().__init__()
        into: dict[str, dict[str, str]] = {}
        for e in graph.edges:
            into.setdefault(e.dst, {})[e.dst_port] = f"{e.src}.{e.src_port}"
        self.layers = nn.ModuleDict()
        plan = []
        for node_id in nodes:
            node, spec = graph.nodes[node_id], node_type(graph.nodes[node_id].type)
            edges = into.get(node_id, {})
            shapes = {port: values[tuple(ref.rsplit(".", 1))].shape for port, ref in edges.items()}
            self.layers[node_id] = make_layer(node.type, node.params, shapes)
            ins = tuple(edges[p] for p in spec.input_names if p in edges)
            plan.append((node_id, ins, tuple(f"{node_id}.{p}" for p in spec.output_names)))
        self._plan = plan
        self.source, self.result = source, result
        # one chain of one-input layers (the usual case) runs without the dictionary
        keys = [source, *(outs[0] for _, _, outs in plan)]
        self._chain = [self.layers[n] for n, _, _ in plan] if self._is_chain(keys, result) else None
        self.steps = [(n, outs[0], ins) for n, ins, outs in plan]  # as GraphModule.steps

    def _is_chain(self, keys: list[str], result: str) -> bool:
        plan = self._plan
        return (
            all(
                len(ins) == 1 and len(outs) == 1 and ins[0] == keys[i]
                for i, (_, ins, outs) in enumerate(plan)
            )
            and keys[-1] == result
        )

    def values(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        vals = {self.source: x}
        for node_id, ins, outs in self._plan:
            out = self.layers[node_id](*[vals[k] for k in ins])
            if len(outs) == 1:
                vals[outs[0]] = out
            else:
                vals.update(zip(outs, out))
        return vals

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._chain is not None:
            for layer in self._chain:
                x = layer(x)
            return x
        return self.values(x)[self.result]


class GanNets(nn.Module):
    """Both networks; ``state_dict`` keys start with ``generator.`` or ``discriminator.``."""

    def __init__(self, graph: Graph, data: DataSpec):
        super().__init__()
        check = validate(graph, data)
        check.raise_if_invalid()
        parts: GanParts = gan_parts(graph)
        self.parts = parts
        # made in this order (generator first) so that one seed gives the same weights
        self.generator = SubNet(graph, check.values, parts.generator, parts.g_in, parts.g_out)
        self.discriminator = SubNet(graph, check.values, parts.discriminator, parts.d_in, parts.d_out)
        self.latent = int(graph.nodes[parts.noise].params["size"])
        self.noise_kind = graph.nodes[parts.noise].params["distribution"]
        self.settings = dict(graph.nodes[parts.adversarial].params)

    def noise(self, n: int, generator: torch.Generator | None = None, device=None) -> torch.Tensor:
        """``n`` latent vectors drawn as the Noise node says."""
        if self.noise_kind == "uniform":
            z = torch.rand(n, self.latent, generator=generator) * 2 - 1
        else:
            z = torch.randn(n, self.latent, generator=generator)
        return z if device is None else z.to(device)


def build_gan(graph: Graph, data: DataSpec, seed: int = 0) -> GanNets:
    """Both networks, with initial weights from ``seed`` alone."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return GanNets(graph, data)
