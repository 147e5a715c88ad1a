"""Which columns the network diagram draws for a graph: its features, its layers
(each a Dense node's weights and an Activation node's outputs), its head and its
residual skips. Graph reading only, no Qt."""

from __future__ import annotations

from engine.graph.mlp import layer_chain


def diagram_chain(graph):
    """(features-column node id, [(dense id, activation id), ...], head id, residual
    hidden layers (1-based)) of a graph that describe_mlp accepts; the first id is the
    Input node's when there is no Features node."""
    chain = layer_chain(graph)
    if chain is None:
        return None
    first, ids = graph.nodes_of_type("Input")[0].id, [n.id for n in chain]
    if ids and graph.nodes[ids[0]].type == "Features":
        first, ids = ids[0], ids[1:]
    # a layer is Dense -> [BatchNorm] -> Activation -> [Dropout] -> [Add]: its column
    # is the Activation node, its weights the Dense node's; an Add makes it residual
    pairs, dense, skips = [], None, []
    for node_id in ids[:-1]:
        kind = graph.nodes[node_id].type
        if kind == "Dense":
            dense = node_id
        elif kind == "Activation" and dense is not None:
            pairs.append((dense, node_id))
            dense = None
        elif kind == "Add" and pairs:
            skips.append(len(pairs))
    return first, pairs, ids[-1], skips
