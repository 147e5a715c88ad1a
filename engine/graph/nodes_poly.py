"""The Polynomial node (issue #12's polynomial regression): each input value's powers
x, x², … xᵈ side by side, so that a Dense layer after it fits a polynomial of degree d
by the same least squares as a line (its bias is the constant term)."""

from __future__ import annotations

from engine.graph.nodetype import NodeType, Param, Port, PortValue, flat

MAX_DEGREE = 12


def _infer_polynomial(p, i):
    n = flat(i["x"], "Polynomial")
    return {"out": PortValue("tensor", (n * p["degree"],))}


NODES = [
    NodeType(
        "Polynomial",
        "Data",
        (Port("x"),),
        (Port("out"),),
        (
            Param(
                "degree",
                "int",
                3,
                low=1,
                high=MAX_DEGREE,
                help="The highest power: x, x², … up to x to this power, for every input value.",
            ),
            Param(
                "scale",
                "float",
                1.0,
                low=1e-3,
                high=1e6,
                help="Each value is divided by this first, so that its powers stay near ±1 "
                "(6 for points in [-6, 6]: 6¹² would swamp the next layer).",
            ),
        ),
        infer=_infer_polynomial,
        doc="Polynomial features: every input value's powers from 1 to the degree, "
        "(N, D) in, (N, D × degree) out: u₁ … u_D, then their squares, and so on (u = x / scale).",
    ),
]
