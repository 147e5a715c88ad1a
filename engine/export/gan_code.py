"""A GAN graph written as a plain PyTorch ``model.py``: ``Generator``, ``Discriminator``,
the ``noise`` the Noise node draws, and ``Gan`` holding both.

Each network is written by ``engine.export.node_code.NodeWriter`` from its part of
the graph (``engine.graph.gan.gan_parts``), as the supervised export writes a whole
graph: one named layer per node, created in the order ``engine.builder.gan`` creates
them (generator first), so that ``torch.manual_seed(seed)`` before ``Gan()`` gives
Nodeplay's initial weights, and a ``forward`` of plain statements.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.export.codegen import literal
from engine.export.node_code import STEP_FUNCTION, NodeWriter
from engine.graph import Graph
from engine.graph.gan import GanParts, gan_parts
from engine.graph.validate import DataSpec

NETS = ("generator", "discriminator")


@dataclass
class GanCode:
    source: str
    attrs: dict[str, str]  # node id -> "generator.<attr>" / "discriminator.<attr>" (state-dict prefix)
    latent: int
    noise: str  # "normal" or "uniform"
    random: bool  # dropout draws random numbers while training


def _net(graph: Graph, data: DataSpec, parts: GanParts, which: str) -> tuple[NodeWriter, str]:
    """The writer of one network and the variable its forward returns."""
    w = NodeWriter(graph, data)
    nodes, source, result = (
        (parts.generator, parts.g_in, parts.g_out)
        if which == "generator"
        else (parts.discriminator, parts.d_in, parts.d_out)
    )
    w.vars[tuple(source.rsplit(".", 1))] = "x"  # type: ignore[index]
    for node_id in nodes:
        w.node(node_id)
    return w, w.vars[tuple(result.rsplit(".", 1))]  # type: ignore[index]


DOCS = {
    "generator": ("Generator", "Samples shaped like the data from latent vectors x (N, LATENT)."),
    "discriminator": ("Discriminator", "One logit per sample (N, 1): above 0 where it says real."),
}


def _class(which: str, w: NodeWriter, out: str) -> list[str]:
    name, doc = DOCS[which]
    return [
        f"class {name}(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
        *w.init,
        "",
        "    def forward(self, x):",
        f'        """{doc}"""',
        *w.body,
        f"        return {out}",
        "",
        "",
    ]


def gan_code(graph: Graph, data: DataSpec, title: str) -> GanCode:
    parts = gan_parts(graph)
    writers = {which: _net(graph, data, parts, which) for which in NETS}
    noise = graph.nodes[parts.noise].params
    latent, kind = int(noise["size"]), str(noise["distribution"])
    code = [line for w, _ in writers.values() for line in (*w.init, *w.body)]
    uses = set().union(*(w.uses for w, _ in writers.values()))
    lines = [
        f'"""{title}"""',
        "",
        "import torch",
        *(["import torch.nn.functional as F"] if "F" in uses or any("F." in c for c in code) else []),
        "from torch import nn",
        "",
        f"LATENT = {latent}  # random numbers each sample starts from",
        f"NOISE = {literal(kind)}  # normal: N(0, 1); uniform: U(-1, 1)",
        "",
        "",
        *([*STEP_FUNCTION.splitlines(), "", ""] if "step" in uses else []),
        "def noise(n, generator=None):",
        '    """n latent vectors (n, LATENT), drawn as Nodeplay\'s Noise node draws them."""',
        '    if NOISE == "uniform":',
        "        return torch.rand(n, LATENT, generator=generator) * 2 - 1",
        "    return torch.randn(n, LATENT, generator=generator)",
        "",
        "",
    ]
    for which in NETS:
        lines += _class(which, *writers[which])
    lines += [
        "class Gan(nn.Module):",
        '    """Both networks, made generator first as Nodeplay makes them, so that',
        '    torch.manual_seed(seed) before Gan() gives Nodeplay\'s initial weights."""',
        "",
        "    def __init__(self):",
        "        super().__init__()",
        "        self.generator = Generator()",
        "        self.discriminator = Discriminator()",
        "",
    ]
    attrs = {n: f"{which}.{a}" for which in NETS for n, a in writers[which][0].attrs.items()}
    return GanCode("\n".join(lines), attrs, latent, kind, any(w.random for w, _ in writers.values()))
