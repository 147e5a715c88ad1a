"""Lesson controls that set a parameter of a graph node rather than a playground
setting: the β of a VAE's KL term and a GAN's generator loss and discriminator steps
(the VAE and GAN lessons of issue #12). Each finds its node by what the graph does,
not by its id, so a lesson works on any graph that has the part."""

from __future__ import annotations

from collections.abc import Callable

from engine.errors import NodeplayError
from engine.graph import Graph
from engine.project_schema import excerpt

BETA_MAX = 100.0  # as the Playground's β box
GAN_LOSSES = ("non_saturating", "minimax")


def kl_weight(graph: Graph) -> tuple[str, str] | None:
    """(LossSum node id, weight parameter name) that weighs a Sampling's KL, or None."""
    for e in graph.edges:
        src, dst = graph.nodes.get(e.src), graph.nodes.get(e.dst)
        if src is not None and dst is not None and src.type == "Sampling" and e.src_port == "kl":
            if dst.type == "LossSum":
                return e.dst, f"w{e.dst_port}"
    return None


def _adversarial(param: str) -> Callable[[Graph], tuple[str, str] | None]:
    def find(graph: Graph) -> tuple[str, str] | None:
        node = next((n for n in graph.nodes.values() if n.type == "Adversarial"), None)
        return None if node is None else (node.id, param)

    return find


def _beta(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 0.0 <= v <= BETA_MAX


def _d_steps(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 10


# control -> (where it lives in a graph, whether a value fits, what fits, what the graph lacks)
GRAPH_CONTROLS: dict[str, tuple] = {
    "beta": (kl_weight, _beta, f"a number from 0 to {BETA_MAX:g}", "KL term (a VAE's Sampling node)"),
    "gan_loss": (
        _adversarial("loss"),
        lambda v: v in GAN_LOSSES,
        f"one of {', '.join(GAN_LOSSES)}",
        "Adversarial node",
    ),
    "d_steps": (_adversarial("d_steps"), _d_steps, "a whole number from 1 to 10", "Adversarial node"),
}


def check_graph_controls(graph: Graph, values: dict, where: str) -> None:
    """NodeplayError (one sentence) when a value does not fit or the graph lacks the part."""
    for name, value in values.items():
        find, fits, expect, needs = GRAPH_CONTROLS[name]
        if not fits(value):
            raise NodeplayError(f"{where} sets '{name}' to {excerpt(value)}; it must be {expect}.")
        if find(graph) is None:
            raise NodeplayError(f"{where} sets '{name}', but this graph has no {needs}.")


def set_graph_controls(graph: Graph, values: dict) -> None:
    """Set the checked ``values`` on ``graph`` (a copy the caller owns)."""
    for name, value in values.items():
        found = GRAPH_CONTROLS[name][0](graph)
        assert found is not None, "check_graph_controls ran first"
        node_id, param = found
        graph.nodes[node_id].params[param] = float(value) if name == "beta" else value
