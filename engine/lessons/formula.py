"""Small arithmetic formulas in lesson checks ("0.5 * gd_loss", "network_error /
pca_error"): numbers, names, + - * / **, parentheses and a few functions, evaluated
from the syntax tree so that a lesson file can never run code."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable

from engine.errors import NodeplayError

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_FUNCTIONS: dict[str, Callable[..., float]] = {
    "abs": abs,
    "min": min,
    "max": max,
    "sqrt": math.sqrt,
    "log": math.log,
    "exp": math.exp,
}
MAX_LENGTH = 200


def names_in(text: str) -> set[str]:
    """The names a formula reads (functions excluded); NodeplayError when it is no formula."""
    tree = _parse(text)
    calls = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in calls}


def evaluate(text: str | float, names: dict[str, float]) -> float:
    """The value of ``text`` with ``names`` bound; a number is its own value."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return float(text)
    tree = _parse(str(text))
    try:
        return float(_value(tree.body, names, str(text)))
    except (ArithmeticError, ValueError) as err:
        raise NodeplayError(f"The formula '{text}' cannot be computed ({err}).") from None


def _parse(text: str) -> ast.Expression:
    if len(text) > MAX_LENGTH:
        raise NodeplayError(f"A formula has at most {MAX_LENGTH} characters.")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise NodeplayError(f"'{text}' is not a formula like 'test_loss / 2'.") from None
    for node in ast.walk(tree):
        allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.USub, ast.UAdd, ast.Name, ast.Load)
        if isinstance(node, allowed + tuple(_BINARY) + (ast.Constant, ast.Call)):
            if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
                raise NodeplayError(f"The formula '{text}' may hold only numbers and names.")
            if isinstance(node, ast.Call) and (
                not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords
            ):
                raise NodeplayError(
                    f"The formula '{text}' may call only {', '.join(_FUNCTIONS)}, with plain arguments."
                )
            continue
        raise NodeplayError(f"The formula '{text}' may use only + - * / ** and parentheses.")
    return tree


def _value(node: ast.AST, names: dict[str, float], text: str) -> float:
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # _parse allows no other constants
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in names:
            known = ", ".join(sorted(names)) or "none"
            raise NodeplayError(
                f"The formula '{text}' reads '{node.id}', which is not measured here ({known})."
            )
        return float(names[node.id])
    if isinstance(node, ast.UnaryOp):
        v = _value(node.operand, names, text)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_value(node.left, names, text), _value(node.right, names, text))
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)  # _parse allows no other calls
        return _FUNCTIONS[node.func.id](*(_value(a, names, text) for a in node.args))
    raise NodeplayError(f"The formula '{text}' cannot be computed.")
