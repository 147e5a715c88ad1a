"""Write a project's network as ONNX, in its inference form.

The model is exported in eval mode, so dropout passes values through, batch norm
uses its running statistics and sampling gives the mean. It uses torch's
TorchScript-based exporter (``dynamo=False``): it needs only the ``onnx`` package,
works offline and takes a fraction of a second for these networks, where the
torch.export-based one rejects even small MLPs with a dynamic batch here.

Every head of the graph (each Output node) is one named ONNX output: the main head
(the one accuracy and the boundary use) first, as ``prediction``; every other head
after it, named after its Output node (an autoencoder's ``reconstruction``).
"""

from __future__ import annotations

import importlib.util
import io
import os
import tempfile
import warnings
from pathlib import Path

import torch
from torch import nn

from engine.builder import build_model
from engine.data import make_dataset
from engine.errors import GraphError, NodeplayError
from engine.export.python_code import checked
from engine.export.python_export import export_weights
from engine.graph.gan import is_gan
from engine.project import Project

OPSET = 17


class _Heads(nn.Module):
    """Every head's prediction of a GraphModule, the main head first."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.keys = [model.main.pred] + [h.pred for h in model.heads if h is not model.main]
        self.given = {f"{i}.x" for i in model.inputs}  # the network's inputs

    def forward(self, x):
        values = self.model.values(x)
        # a tensor given twice (two heads reading one value, or the input itself) is copied,
        # so that each ONNX output is a tensor of its own
        seen: set[str] = set()
        out = []
        for k in self.keys:
            out.append(values[k] * 1 if k in seen or k in self.given else values[k])
            seen.add(k)
        return tuple(out)


def head_names(model) -> list[str]:
    """The ONNX output names: ``prediction`` for the main head, then the other heads' node ids."""
    return ["prediction"] + [h.node_id for h in model.heads if h is not model.main]


def _export(module: nn.Module, args: tuple, f, names: list[str], outputs: list[str]) -> None:
    axes = {n: {0: "batch"} for n in names + outputs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter announces its deprecation
        torch.onnx.export(
            module,
            args,
            f,
            input_names=names,
            output_names=outputs,
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )


def _culprit(model, graph, x: torch.Tensor, err: Exception) -> NodeplayError:
    """Export each layer alone to find the node that has no ONNX form."""
    with torch.no_grad():
        values = model.values(x)
    for node_id, _, ins in model.steps:
        module = model.layers[node_id]
        try:
            _export(
                module,
                tuple(values[k] for k in ins),
                io.BytesIO(),
                [f"in{i}" for i in range(len(ins))],
                ["out"],
            )
        except Exception as why:  # noqa: BLE001 - any failure names this node
            node = graph.nodes[node_id]
            return GraphError(
                f"Node '{node_id}' ({node.type}) has no ONNX form: {_first_line(why)}.", node_id
            )
    return NodeplayError(f"The network could not be exported to ONNX: {_first_line(err)}.")


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return (text[0] if text else type(err).__name__).rstrip(".")


def export_onnx(project: Project, path, force: bool = False) -> Path:
    """Write ``path`` (an .onnx file) with the project's trained (or initial) weights."""
    path = Path(path)
    if importlib.util.find_spec("onnx") is None:
        raise NodeplayError(
            "ONNX export needs the onnx package; install it with 'pip install onnx' and export again."
        )
    if is_gan(project.graph):  # S-GAN: two networks and their training do not fit one ONNX graph
        raise NodeplayError(
            "ONNX holds one network and a GAN has two; export it as Python "
            "(--format python, or File › Export as Python) instead."
        )
    dataset = make_dataset(project.data, project.points)
    checked(project.graph, dataset.spec)
    if path.exists() and not force:
        raise NodeplayError(f"{path} already exists; pass --force to overwrite it.")
    if not path.parent.exists():
        raise NodeplayError(f"The folder {path.parent} does not exist.")
    weights, _ = export_weights(project, dataset)
    model = build_model(project.graph, dataset.spec, project.train.seed)
    model.load_state_dict({k: torch.as_tensor(v) for k, v in weights.items()})
    model.eval()
    x = torch.as_tensor(dataset.x_test[:8])
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        try:
            _export(_Heads(model), (x,), tmp, ["x"], head_names(model))
        except Exception as why:  # noqa: BLE001 - turned into a sentence naming the node
            raise _culprit(model, project.graph, x, why) from None
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
