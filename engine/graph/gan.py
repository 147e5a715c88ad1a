"""A GAN graph's two networks, found in one graph, and the checks that tie them.

The generator is every node upstream of the Generated node (a Noise node at its
start); the discriminator is every node upstream of the Adversarial node (the
dataset's Input at its start). ``check_gan`` adds one-sentence problems to a
validation: the generator's output must be shaped like the data, the networks may
not share a layer, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.graph.model import Graph
from engine.graph.nodes_gan import GAN_TYPES
from engine.graph.nodetype import shape_text


def is_gan(graph: Graph) -> bool:
    """Whether the graph is a GAN (it has any of Noise, Generated or Adversarial)."""
    return any(n.type in GAN_TYPES for n in graph.nodes.values())


@dataclass(frozen=True)
class GanParts:
    noise: str  # node ids
    generated: str
    adversarial: str
    data: str  # the Input node the discriminator reads
    generator: tuple[str, ...]  # node ids between noise and generated, in graph order
    discriminator: tuple[str, ...]  # between the Input and the adversarial node
    g_in: str  # key of the generator's input value, "node.port"
    g_out: str
    d_in: str
    d_out: str


def _upstream(graph: Graph, node_id: str) -> set[str]:
    into: dict[str, list[str]] = {}
    for e in graph.edges:
        into.setdefault(e.dst, []).append(e.src)
    seen, todo = set(), [node_id]
    while todo:
        for src in into.get(todo.pop(), ()):
            if src not in seen:
                seen.add(src)
                todo.append(src)
    return seen


def _one(graph: Graph, type_name: str, what: str) -> str:
    found = graph.nodes_of_type(type_name)
    if len(found) != 1:
        many = "no" if not found else f"{len(found)}"
        raise ValueError(f"A GAN needs exactly one {type_name} node ({what}); this graph has {many}.")
    return found[0].id


def gan_parts(graph: Graph) -> GanParts:
    """The GAN's two networks; ValueError with one sentence when the graph is not one."""
    noise = _one(graph, "Noise", "the generator's input")
    generated = _one(graph, "Generated", "the generator's output")
    adversarial = _one(graph, "Adversarial", "the discriminator's loss")
    g_up, d_up = _upstream(graph, generated), _upstream(graph, adversarial)
    if noise not in g_up:
        raise ValueError(
            "The Generated node must be reached from the Noise node through the generator's layers."
        )
    inputs = [n for n in d_up if graph.nodes[n].type == "Input"]
    if len(inputs) != 1:
        raise ValueError(
            "The Adversarial node must be reached from the data's Input through the discriminator."
        )
    if noise in d_up:
        raise ValueError(
            "The discriminator must not read the Noise node: it sees generated samples through "
            "its Input, by convention, so start it from the Input node's x."
        )
    if any(graph.nodes[n].type == "Input" for n in g_up):
        raise ValueError("The generator must start from the Noise node alone, not from the data's Input.")
    shared = (g_up - {noise}) & d_up
    if shared:
        n = graph.nodes[sorted(shared)[0]]
        raise ValueError(
            f"{n.title} belongs to both the generator and the discriminator; give each its own layers."
        )
    order = graph.topological_order()
    into = {(e.dst, e.dst_port): f"{e.src}.{e.src_port}" for e in graph.edges}
    d_edges = [e for e in graph.edges if e.src == inputs[0] and e.dst in d_up | {adversarial}]
    if any(e.src_port != "x" for e in d_edges):
        raise ValueError("The discriminator reads only the Input's x (the samples), not its y.")
    return GanParts(
        noise,
        generated,
        adversarial,
        inputs[0],
        tuple(n for n in order if n in g_up and n != noise),
        tuple(n for n in order if n in d_up and n != inputs[0]),
        f"{noise}.z",
        into[generated, "x"],
        f"{inputs[0]}.x",
        into[adversarial, "logit"],
    )


def check_gan(graph: Graph, x_shape: tuple[int, ...], values: dict, errors: dict[str, str]) -> None:
    """Add the GAN's problems to a validation's ``errors`` (node id -> sentence)."""
    if graph.nodes_of_type("Output"):
        errors.setdefault(
            graph.nodes_of_type("Output")[0].id,
            "A GAN trains on its Adversarial node's losses; remove this Output node "
            "(or the GAN's nodes, to train a plain network).",
        )
        return
    try:
        parts = gan_parts(graph)
    except ValueError as err:
        errors.setdefault("", str(err))
        return
    out = values.get(tuple(parts.g_out.rsplit(".", 1)))
    if out is not None and tuple(out.shape) != tuple(x_shape):
        errors.setdefault(
            parts.generated,
            f"The generator's output {out} must match the data's shape {shape_text(x_shape)}; "
            "change its last layer.",
        )
