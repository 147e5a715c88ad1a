"""A layered perceptron as a graph: what the playground's controls describe."""

from __future__ import annotations

from engine.graph.model import Graph

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
