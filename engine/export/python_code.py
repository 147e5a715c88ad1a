"""A project's graph written as a plain PyTorch ``model.py``.

The module reads like hand-written code: one named attribute per layer, created in
the validation's topological order (the order ``engine.builder`` uses, so that
``torch.manual_seed(seed)`` gives Nodeplay's initial weights), and a ``forward``
of plain statements with one variable per node. ``forward(x)`` returns the main
head's prediction; ``forward(x, y)`` also returns the training loss, the sum of
every loss term the graph leaves unconnected (see /work/brief/NODES.md). A graph with
several heads (Output nodes) also gets ``forward(x, heads=True)``: every head's
prediction by the names the ONNX export gives them (``prediction`` for the main head,
the Output node's id for the others).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.export.codegen import literal, total
from engine.export.node_code import STEP_FUNCTION, NodeWriter
from engine.export.node_code import checked as checked  # re-exported for the ONNX export
from engine.graph import Graph
from engine.graph.validate import DataSpec


@dataclass
class ModelCode:
    source: str
    attrs: dict[str, str]  # node id -> attribute name of its layer (state-dict prefix)
    main_loss: str  # the main head's loss kind: what "accuracy" means in train.py
    main_on_data: bool  # the main head reads the dataset's targets (else: no accuracy)
    unused_params: bool  # a layer feeds no loss: DistributedDataParallel must be told
    random: bool  # dropout or sampling draw random numbers while training


def main_head(graph: Graph, order: list[str]) -> str:
    """The first Output reading dataset targets, else the first Output (NODES.md)."""
    outputs = [n for n in order if graph.nodes[n].type == "Output"]
    for n in outputs:
        e = graph.incoming(n, "target")
        if e is not None and graph.nodes[e.src].type == "Input" and e.src_port == "y":
            return n
    return outputs[0]


def model_code(graph: Graph, data: DataSpec, title: str) -> ModelCode:
    w = NodeWriter(graph, data)
    order = w.check.order
    for node_id in order:
        w.node(node_id)
    head = main_head(graph, order)
    pred = w.src(head, "pred")
    others = [n for n in order if graph.nodes[n].type == "Output" and n != head]
    heads = [("prediction", pred)] + [(n, w.src(n, "pred")) for n in others]
    terms = [w.vars[t] for t in w.check.objective]
    loss_lines = w.loss_lines
    if len(terms) > 1:
        loss_lines += total("loss", terms, 8)
    return ModelCode(
        _module_source(w, pred, heads, loss_lines, title),
        w.attrs,
        graph.nodes[head].params["loss"],
        w.is_dataset_target(head, "target"),
        _unused(graph, w.check.objective, w.attrs),
        w.random,
    )


def _unused(graph: Graph, objective: list[tuple[str, str]], attrs: dict[str, str]) -> bool:
    """True when some layer feeds no loss, so its parameters get no gradient."""
    feeding = set()
    for n, _ in objective:
        feeding |= graph.upstream(n)
    return any(n not in feeding for n in attrs)


def _module_source(
    w: NodeWriter, pred: str, heads: list[tuple[str, str]], loss_lines: list[str], title: str
) -> str:
    code = [*w.init, *w.body, *loss_lines, *(STEP_FUNCTION.splitlines() if "step" in w.uses else [])]
    imports = [
        # a graph of Dense layers alone calls no torch function: ruff would flag the import
        *(["import torch"] if any("torch." in line for line in code) else []),
        *(["import torch.nn.functional as F"] if "F" in w.uses else []),
        "from torch import nn",
    ]
    lines = [f'"""{title}"""', "", *imports, "", ""]
    if "step" in w.uses:
        lines += [*STEP_FUNCTION.splitlines(), "", ""]
    lines += [
        "class Model(nn.Module):",
        '    """The layers are created in the order Nodeplay creates them, so that',
        '    torch.manual_seed(seed) before Model() gives Nodeplay\'s initial weights."""',
        "",
        "    def __init__(self):",
        "        super().__init__()",
        *w.init,
        "",
        *_forward_head(heads),
        *w.body,
        *_heads_return(heads),
        "        if y is None:",
        f"            return {pred}",
        *loss_lines,
        f"        return loss, {pred}",
        "",
    ]
    return "\n".join(lines)


def _forward_head(heads: list[tuple[str, str]]) -> list[str]:
    if len(heads) == 1:
        return [
            "    def forward(self, x, y=None):",
            '        """The main prediction; with targets y, also the training loss."""',
        ]
    return [
        "    def forward(self, x, y=None, heads=False):",
        '        """The main prediction; with targets y, also the training loss; with',
        '        heads=True, every head\'s prediction by name ("prediction" is the main one)."""',
    ]


def _heads_return(heads: list[tuple[str, str]]) -> list[str]:
    if len(heads) == 1:
        return []
    items = ", ".join(f"{literal(name)}: {var}" for name, var in heads)
    line = f"            return {{{items}}}"
    if len(line) > 100:
        line = (
            "            return {\n"
            + "".join(f"                {literal(name)}: {var},\n" for name, var in heads)
            + "            }"
        )
    return ["        if heads:", line]
