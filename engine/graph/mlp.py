"""A layered perceptron as a graph: what the playground's controls describe."""

from __future__ import annotations

from dataclasses import dataclass

from engine.graph.model import Graph, Node

X_STEP, Y_MID = 190.0, 0.0


def mlp_graph(hidden: list[int], activation: str = "tanh", *, features: list[str] | None = None,
              outputs: int = 1, loss: str = "bce", init: str = "xavier") -> Graph:
    """Input -> [Features] -> (Dense -> Activation)* -> Dense -> Output, laid out left to right."""
    g = Graph()
    g.add_node("Input", id="input", pos=(0.0, Y_MID))
    prev, x = ("input", "x"), X_STEP
    if features is not None:
        g.add_node("Features", {"features": features}, id="features", pos=(x, Y_MID))
        g.connect(*prev, "features", "x")
        prev, x = ("features", "out"), x + X_STEP
    for i, units in enumerate(hidden, 1):
        g.add_node("Dense", {"units": units, "init": init}, id=f"dense{i}", pos=(x, Y_MID))
        g.add_node("Activation", {"fn": activation}, id=f"act{i}", pos=(x + X_STEP, Y_MID))
        g.connect(*prev, f"dense{i}", "x")
        g.connect(f"dense{i}", "out", f"act{i}", "x")
        prev, x = (f"act{i}", "out"), x + 2 * X_STEP
    g.add_node("Dense", {"units": outputs, "init": init}, id="head", pos=(x, Y_MID))
    g.connect(*prev, "head", "x")
    g.add_node("Output", {"loss": loss}, id="output", pos=(x + X_STEP, Y_MID))
    g.connect("head", "out", "output", "pred")
    g.connect("input", "y", "output", "target")
    return g


@dataclass
class MLPShape:
    """What the playground's controls show of a layered perceptron."""

    hidden: list[int]
    activation: str = "tanh"
    features: list[str] | None = None
    outputs: int = 1
    loss: str = "bce"
    init: str = "xavier"

    def graph(self) -> Graph:
        return mlp_graph(list(self.hidden), self.activation, features=self.features,
                         outputs=self.outputs, loss=self.loss, init=self.init)


def layer_chain(graph: Graph) -> list[Node] | None:
    """The nodes between the one Input and the one Output, in order, when the graph
    is a single unbranched chain of them; None otherwise."""
    inputs, outputs = graph.nodes_of_type("Input"), graph.nodes_of_type("Output")
    if len(inputs) != 1 or len(outputs) != 1:
        return None
    chain, node = [], inputs[0].id
    while True:
        nxt = [e for e in graph.outgoing(node) if e.src_port in ("x", "out")]
        if len(nxt) != 1:
            return None
        node = nxt[0].dst
        if graph.nodes[node].type == "Output":
            break
        chain.append(graph.nodes[node])
    return chain if len(chain) + 2 == len(graph.nodes) else None


def describe_mlp(graph: Graph) -> MLPShape | None:
    """The playground's view of ``graph``, or None when it is not a plain chain
    Input -> [Features] -> (Dense -> Activation)* -> Dense -> Output that the
    playground's controls can edit (the node editor handles everything else)."""
    chain = layer_chain(graph)
    if chain is None:
        return None
    outputs = graph.nodes_of_type("Output")
    features = None
    if chain and chain[0].type == "Features":
        features, chain = list(chain[0].params["features"]), chain[1:]
    types = [n.type for n in chain]
    if not types or types[-1] != "Dense" or types[:-1] != ["Dense", "Activation"] * (len(types) // 2):
        return None
    acts = {n.params["fn"] for n in chain if n.type == "Activation"}
    inits = {n.params["init"] for n in chain if n.type == "Dense"}
    return MLPShape(hidden=[n.params["units"] for n in chain[:-1:2]],
                    activation=acts.pop() if len(acts) == 1 else "tanh",
                    features=features, outputs=chain[-1].params["units"],
                    loss=outputs[0].params["loss"],
                    init=inits.pop() if len(inits) == 1 else "xavier")
