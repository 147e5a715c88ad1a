"""A layered perceptron as a graph: what the playground's controls describe."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from engine.errors import GraphError
from engine.graph.model import Graph, Node

X_STEP, Y_MID = 190.0, 0.0
RES_Y = -110.0  # residual Add nodes sit a little above the main line
DEFAULT_FEATURES = ("x1", "x2")
# the per-layer settings, their field names and what "not set" means
PER_LAYER = {"dropout": 0.0, "batchnorm": False, "residual": False}


def _padded(values, n: int, default) -> list:
    values = list(values or [])[:n]
    return values + [default] * (n - len(values))


def mlp_graph(
    hidden: list[int],
    activation: str = "tanh",
    *,
    features: list[str] | None = None,
    outputs: int = 1,
    loss: str = "bce",
    init: str = "xavier",
    activations: list[str] | None = None,
    dropout: list[float] | None = None,
    batchnorm: list[bool] | None = None,
    residual: list[bool] | None = None,
) -> Graph:
    """Input -> [Features] -> (Dense -> [BatchNorm] -> Activation -> [Dropout] -> [Add])*
    -> Dense -> Output, laid out left to right.

    Per-layer lists (``activations``, ``dropout``, ``batchnorm``, ``residual``) may be
    None or shorter than ``hidden`` (missing layers take the default: ``activation``, no
    dropout, no batch norm, no residual). A residual layer's Add sums its activation (or
    dropout) output with the layer's input, so the layer must keep its input's width."""
    n = len(hidden)
    acts = [a or activation for a in _padded(activations, n, activation)]
    drops = [float(p or 0.0) for p in _padded(dropout, n, 0.0)]
    norms = [bool(b) for b in _padded(batchnorm, n, False)]
    skips = [bool(r) for r in _padded(residual, n, False)]
    width = len(features) if features is not None else len(DEFAULT_FEATURES)
    for i, units in enumerate(hidden, 1):
        if skips[i - 1] and units != width:
            raise GraphError(
                f"Layer {i} can only be residual when it has as many neurons as "
                f"its input ({width}); it has {units}."
            )
        width = units

    g = Graph()
    g.add_node("Input", id="input", pos=(0.0, Y_MID))
    prev, x = ("input", "x"), X_STEP
    if features is not None:
        g.add_node("Features", {"features": features}, id="features", pos=(x, Y_MID))
        g.connect(*prev, "features", "x")
        prev, x = ("features", "out"), x + X_STEP
    last = prev  # the node and port the next step reads

    def step(type_, params, id_):
        nonlocal last, x
        g.add_node(type_, params, id=id_, pos=(x, Y_MID))
        g.connect(*last, id_, "x")
        last, x = (id_, "out"), x + X_STEP

    for i, units in enumerate(hidden, 1):
        layer_input, last = prev, prev
        step("Dense", {"units": units, "init": init}, f"dense{i}")
        if norms[i - 1]:
            step("BatchNorm", {}, f"bn{i}")
        step("Activation", {"fn": acts[i - 1]}, f"act{i}")
        if drops[i - 1] > 0:
            step("Dropout", {"p": drops[i - 1]}, f"drop{i}")
        if skips[i - 1]:
            g.add_node("Add", id=f"res{i}", pos=(x, Y_MID + RES_Y))
            g.connect(*last, f"res{i}", "a")
            g.connect(*layer_input, f"res{i}", "b")
            last, x = (f"res{i}", "out"), x + X_STEP
        prev = last
    g.add_node("Dense", {"units": outputs, "init": init}, id="head", pos=(x, Y_MID))
    g.connect(*prev, "head", "x")
    g.add_node("Output", {"loss": loss}, id="output", pos=(x + X_STEP, Y_MID))
    g.connect("head", "out", "output", "pred")
    g.connect("input", "y", "output", "target")
    return g


@dataclass
class MLPShape:
    """What the playground's controls show of a layered perceptron.

    ``activation`` is the whole-net default; the optional per-layer lists override it
    and add batch norm, dropout (0: none) and residual connections layer by layer.
    None means "every layer has the default"; see ``normalized``."""

    hidden: list[int]
    activation: str = "tanh"
    features: list[str] | None = None
    outputs: int = 1
    loss: str = "bce"
    init: str = "xavier"
    activations: list[str] | None = None
    dropout: list[float] | None = None
    batchnorm: list[bool] | None = None
    residual: list[bool] | None = None

    def graph(self) -> Graph:
        return mlp_graph(
            list(self.hidden),
            self.activation,
            features=self.features,
            outputs=self.outputs,
            loss=self.loss,
            init=self.init,
            activations=self.activations,
            dropout=self.dropout,
            batchnorm=self.batchnorm,
            residual=self.residual,
        )

    # -- per-layer settings ------------------------------------------------------------
    def layer_activations(self) -> list[str]:
        return [a or self.activation for a in _padded(self.activations, len(self.hidden), self.activation)]

    def layer_values(self, name: str) -> list:
        """The per-layer ``name`` ("dropout", "batchnorm", "residual") of every layer."""
        return _padded(getattr(self, name), len(self.hidden), PER_LAYER[name])

    def set_activation(self, fn: str) -> None:
        """The whole-net activation: every layer gets it."""
        self.activation, self.activations = fn, None

    def set_layer(self, name: str, i: int, value) -> None:
        """Layer ``i``'s (0-based) ``name``: "activation" or one of PER_LAYER's."""
        if name == "activation":
            values = self.layer_activations()
        else:
            values = self.layer_values(name)
        if 0 <= i < len(values):
            values[i] = value
            setattr(self, "activations" if name == "activation" else name, values)

    def input_width(self, i: int) -> int:
        """How many values layer ``i`` (0-based) receives."""
        if i > 0:
            return self.hidden[i - 1]
        return len(self.features) if self.features is not None else len(DEFAULT_FEATURES)

    def normalized(self) -> MLPShape:
        """The same network with per-layer lists as ``describe_mlp`` gives them: lists as
        long as ``hidden``, or None where every layer has the default; ``activation`` is
        the activation most layers have (the first of them on a tie)."""
        n = len(self.hidden)
        acts = self.layer_activations()
        if acts:
            counts = Counter(acts)
            activation = max(acts, key=lambda a: (counts[a], -acts.index(a)))
        else:
            activation = self.activation
        lists: dict[str, Any] = {"activations": acts if len(set(acts)) > 1 else None}
        for name, default in PER_LAYER.items():
            values = [type(default)(v) for v in self.layer_values(name)]
            lists[name] = values if n and any(v != default for v in values) else None
        return replace(
            self,
            hidden=list(self.hidden),
            activation=activation,
            features=None if self.features is None else list(self.features),
            **lists,
        )


def layer_chain(graph: Graph) -> list[Node] | None:
    """The nodes between the one Input and the one Output along the main path, in order,
    when the graph is a single chain of them; None otherwise.

    The one branch allowed is a residual skip: an edge into an Add node's ``b`` port
    from a node earlier in the chain, the Add being reached on the chain by its ``a``."""
    inputs, outputs = graph.nodes_of_type("Input"), graph.nodes_of_type("Output")
    if len(inputs) != 1 or len(outputs) != 1:
        return None
    chain, node, seen = [], inputs[0].id, [inputs[0].id]
    skips = []  # (src, add id) of skip edges met on the way
    while True:
        out = [e for e in graph.outgoing(node) if e.src_port in ("x", "out")]
        skip = [e for e in out if graph.nodes[e.dst].type == "Add" and e.dst_port == "b"]
        nxt = [e for e in out if e not in skip]
        if len(nxt) != 1 or len(skip) > 1:
            return None
        skips += [(node, e.dst) for e in skip]
        edge = nxt[0]
        node = edge.dst
        if graph.nodes[node].type == "Output":
            break
        if graph.nodes[node].type == "Add" and edge.dst_port != "a":
            return None
        chain.append(graph.nodes[node])
        seen.append(node)
    ids = [n.id for n in chain]
    adds = [n.id for n in chain if n.type == "Add"]
    if sorted(dst for _, dst in skips) != sorted(adds):  # every Add is a skip's end, once
        return None
    if any(src not in seen or seen.index(src) >= seen.index(dst) for src, dst in skips):
        return None
    return chain if len(ids) + 2 == len(graph.nodes) else None


def describe_mlp(graph: Graph) -> MLPShape | None:
    """The playground's view of ``graph``, or None when it is not a chain
    Input -> [Features] -> (Dense -> [BatchNorm] -> Activation -> [Dropout] -> [Add])*
    -> Dense -> Output that the playground's controls can edit (the node editor handles
    everything else). A residual Add must add the layer's input."""
    chain = layer_chain(graph)
    if chain is None:
        return None
    outputs = graph.nodes_of_type("Output")
    features = None
    prev = graph.nodes_of_type("Input")[0].id
    if chain and chain[0].type == "Features":
        features, prev, chain = list(chain[0].params["features"]), chain[0].id, chain[1:]
    hidden, acts, drops, norms, skips, inits = [], [], [], [], [], set()
    i = 0
    while True:
        if i >= len(chain) or chain[i].type != "Dense":
            return None
        dense, layer_input = chain[i], prev
        inits.add(dense.params["init"])
        i += 1
        if i == len(chain):
            break  # the head
        norms.append(chain[i].type == "BatchNorm")
        i += norms[-1]
        if i >= len(chain) or chain[i].type != "Activation":
            return None
        hidden.append(dense.params["units"])
        acts.append(chain[i].params["fn"])
        i += 1
        drop = 0.0
        if i < len(chain) and chain[i].type == "Dropout":
            drop, i = float(chain[i].params["p"]), i + 1
        drops.append(drop)
        residual = i < len(chain) and chain[i].type == "Add"
        if residual:
            into_b = graph.incoming(chain[i].id, "b")
            if into_b is None or into_b.src != layer_input:
                return None
            i += 1
        skips.append(residual)
        prev = chain[i - 1].id
    return MLPShape(
        hidden=hidden,
        activation=acts[0] if acts else "tanh",
        features=features,
        outputs=dense.params["units"],
        loss=outputs[0].params["loss"],
        init=inits.pop() if len(inits) == 1 else "xavier",
        activations=acts,
        dropout=drops,
        batchnorm=norms,
        residual=skips,
    ).normalized()
