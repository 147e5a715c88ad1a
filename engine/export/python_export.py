"""Write a project as a folder anyone can run: model.py, train.py, weights and data."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from engine.builder import build_model
from engine.data import Dataset, make_dataset
from engine.errors import NodeplayError
from engine.export.codegen import docstring_text
from engine.export.python_code import ModelCode, model_code
from engine.export.train_script import readme_text, train_source
from engine.export.weights_code import WEIGHTS_PY
from engine.graph.gan import is_gan
from engine.project import Project
from engine.train.epoch_metrics import from_batches

FILES = ("model.py", "train.py", "weights.py", "weights.safetensors", "data.npz", "README.md")


@dataclass
class PythonExport:
    folder: Path
    trained: bool  # False: the weights are the seed's initial ones
    code: ModelCode


def prepare_folder(out: Path, force: bool) -> None:
    """Refuse to overwrite without ``force``; the parent folder must exist."""
    if out.exists() and not force:
        raise NodeplayError(f"{out} already exists; pass --force to overwrite it.")
    if out.exists() and not out.is_dir():
        raise NodeplayError(f"{out} is a file, not a folder; choose another --out.")
    if not out.parent.exists():
        raise NodeplayError(f"The folder {out.parent} does not exist.")


def export_weights(project: Project, dataset: Dataset) -> tuple[dict[str, np.ndarray], bool]:
    """The project's trained weights checked against its graph, else the seed's initial ones."""
    own = {
        k: v.detach().numpy()
        for k, v in build_model(project.graph, dataset.spec, project.train.seed).state_dict().items()
    }
    if project.weights is None:
        return own, False
    given = project.weights
    if set(given) != set(own) or any(tuple(given[k].shape) != own[k].shape for k in own):
        raise NodeplayError(
            "The project's saved weights do not fit its graph; reset the "
            "weights or undo the change to the graph before exporting."
        )
    return dict(given), True


def rename_weights(weights: dict[str, np.ndarray], attrs: dict[str, str]) -> dict[str, np.ndarray]:
    """GraphModule keys (``layers.<node id>.weight``) to the exported module's own keys."""
    out = {}
    for key, value in weights.items():
        _, node_id, rest = key.split(".", 2)
        out[f"{attrs[node_id]}.{rest}"] = np.ascontiguousarray(value)
    return out


def data_note(project: Project) -> str:
    d = project.data
    if d.name == "user" and project.points is not None:
        return (
            f"the project's own {len(project.points[1])} points, split "
            f"{d.train_percent:g}% for training with data seed {d.seed}"
        )
    return (
        f"Nodeplay's '{d.name}' dataset, {d.samples} samples, noise {d.noise:g}, "
        f"data seed {d.seed}, {d.train_percent:g}% for training"
    )


def export_python(project: Project, out_dir, force: bool = False) -> PythonExport:
    """Write the folder; returns what was written. Raises NodeplayError for bad input."""
    out = Path(out_dir)
    title = f"{project.name}: {project.description}" if project.description else project.name
    # wrapped first, escaped after, so that no escape is split over two lines
    title = docstring_text("\n".join(textwrap.wrap(" ".join(title.split()), 80)))
    if is_gan(project.graph):  # S-GAN (issue 11): both networks and the adversarial training
        from engine.export.gan_export import export_gan

        prepare_folder(out, force)
        return export_gan(project, out, title, data_note(project))
    dataset = make_dataset(project.data, project.points)
    code = model_code(project.graph, dataset.spec, f"{title}\n\nExported from Nodeplay.\n")
    weights, trained = export_weights(project, dataset)
    prepare_folder(out, force)
    note = data_note(project)
    out.mkdir(exist_ok=True)
    (out / "model.py").write_text(code.source, encoding="utf-8")
    script = train_source(project, code, note, batch_metrics=from_batches(dataset))
    (out / "train.py").write_text(script, encoding="utf-8")
    (out / "weights.py").write_text(WEIGHTS_PY, encoding="utf-8")
    (out / "README.md").write_text(readme_text(project, code, trained, note), encoding="utf-8")
    save_file(rename_weights(weights, code.attrs), str(out / "weights.safetensors"))
    # the exact arrays, not code that regenerates them: the user's drawn points and
    # downloaded sets have no generator, and float32 arrays cannot drift between versions
    np.savez(
        out / "data.npz",
        x_train=dataset.x_train,
        y_train=dataset.y_train,
        x_test=dataset.x_test,
        y_test=dataset.y_test,
    )
    return PythonExport(out, trained, code)
