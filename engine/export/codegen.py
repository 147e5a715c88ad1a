"""Small helpers that write Python source already in ``ruff format``'s layout.

The exported code ships without a formatter, so lines are laid out here the way
ruff would lay them out: on one line when they fit in 88 columns, else the
arguments on one indented line, else one argument per line with a trailing comma.
"""

from __future__ import annotations

import keyword
import re

WIDTH = 88  # ruff's default line length: the export folder carries no ruff settings


def call(head: str, args: list[str], indent: int, tail: str = ")") -> list[str]:
    """``head`` ends with the opening bracket, e.g. ``"x = torch.stack(["``."""
    pad = " " * indent
    one = f"{pad}{head}{', '.join(args)}{tail}"
    if len(one) <= WIDTH:
        return [one]
    inner = " " * (indent + 4)
    joined = f"{inner}{', '.join(args)}"
    if len(joined) <= WIDTH:
        return [f"{pad}{head}", joined, f"{pad}{tail}"]
    return [f"{pad}{head}", *(f"{inner}{a}," for a in args), f"{pad}{tail}"]


def total(name: str, terms: list[str], indent: int) -> list[str]:
    """``name = a + b + ...``: on one line, in parentheses, or summed term by term."""
    pad, inner = " " * indent, " " * (indent + 4)
    expr = " + ".join(terms)
    if len(f"{pad}{name} = {expr}") <= WIDTH:
        return [f"{pad}{name} = {expr}"]
    if len(f"{inner}{expr}") <= WIDTH:
        return [f"{pad}{name} = (", f"{inner}{expr}", f"{pad})"]
    return [f"{pad}{name} = {terms[0]}", *(f"{pad}{name} = {name} + {t}" for t in terms[1:])]


def literal(value) -> str:
    """A Python literal for a parameter value, in ruff's quoting."""
    if isinstance(value, str):
        if not value.isprintable():  # newlines, control characters: repr escapes them all
            return repr(value)
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, list | tuple):
        return "(" + ", ".join(literal(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def docstring_text(text: str) -> str:
    """User text that is safe inside a triple-quoted docstring and reads the same in
    ``__doc__``: backslashes doubled, triple quotes escaped, and characters that are
    not printable (control characters, lone surrogates) turned into spaces; line
    breaks are kept. Callers never end a docstring with this text itself."""
    text = "".join(c if c.isprintable() or c == "\n" else " " for c in str(text))
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


# names the generated code uses itself, so node names must not take them
RESERVED = {
    "x",
    "y",
    "x1",
    "x2",
    "loss",
    "noise",
    "self",
    "torch",
    "nn",
    "F",
    "np",
    "step",
    "super",
    "input",
    "print",
    "sum",
    "type",
    "id",
    "len",
    "range",
    "object",
    "list",
    "dict",
    "min",
    "max",
    "abs",
    "pow",
    "map",
    "filter",
    "format",
    "hash",
    "iter",
    "next",
    "open",
    "eval",
    "exec",
    "compile",
    "vars",
    "dir",
    "help",
    "zip",
    "all",
    "any",
    "round",
}


class Names:
    """Readable, unique Python identifiers for nodes, from their labels or ids."""

    def __init__(self) -> None:
        self.taken = set(RESERVED)

    def make(self, text: str) -> str:
        stem = re.sub(r"\W+", "_", text.strip().lower()).strip("_") or "node"
        if not stem.isidentifier():  # letters Python refuses in names, such as "²"
            stem = re.sub(r"[^0-9a-z_]+", "_", stem).strip("_") or "node"
        if stem[0].isdigit():
            stem = f"n{stem}"
        stem = stem[:24].rstrip("_")  # long labels would push lines past the width
        name, i = stem, 2
        while name in self.taken or keyword.iskeyword(name):
            name, i = f"{stem}_{i}", i + 1
        self.taken.add(name)
        return name
