"""Write a GAN project as a folder anyone can run: model.py (both networks), train.py
(the adversarial training), weights and the real samples (``export_python`` calls it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from engine.builder.gan import build_gan
from engine.data.dataset import USER
from engine.data.gan_real import gan_dataset
from engine.errors import NodeplayError
from engine.export.gan_code import GanCode, gan_code
from engine.export.gan_train_script import gan_readme_text, gan_train_source
from engine.export.python_code import ModelCode
from engine.export.weights_code import WEIGHTS_PY
from engine.project import Project


def gan_weights(project: Project, own: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], bool]:
    """The project's trained weights shaped as the networks hold them (a file keeps
    BatchNorm's 0-D step count as 1-D), else the seed's initial ones ``own``."""
    if project.weights is None:
        return own, False
    given = project.weights
    if set(given) != set(own) or any(np.size(given[k]) != own[k].size for k in own):
        raise NodeplayError(
            "The project's saved weights do not fit its GAN; reset the "
            "weights or undo the change to the graph before exporting."
        )
    return {k: np.asarray(given[k]).reshape(own[k].shape) for k in own}, True


def export_gan(project: Project, out: Path, title: str, note: str):
    """The folder ``out`` (already checked by ``prepare_folder``) with the GAN's files;
    a ``PythonExport`` whose ``code.attrs`` name each node's layer in ``Gan``."""
    from engine.export.python_export import PythonExport

    dataset = gan_dataset(project)
    if project.data.name == USER:  # a GAN learns every drawn point: no test split
        note = f"the {len(dataset.x_train)} points drawn in the project"
    code: GanCode = gan_code(project.graph, dataset.spec, f"{title}\n\nExported from Nodeplay.\n")
    nets = build_gan(project.graph, dataset.spec, project.train.seed)
    state = {**nets.generator.state_dict(), **nets.discriminator.state_dict()}
    weights, trained = gan_weights(project, {k: v.detach().numpy() for k, v in state.items()})
    out.mkdir(exist_ok=True)
    (out / "model.py").write_text(code.source, encoding="utf-8")
    (out / "train.py").write_text(gan_train_source(project, nets.settings, note), encoding="utf-8")
    (out / "weights.py").write_text(WEIGHTS_PY, encoding="utf-8")
    (out / "README.md").write_text(
        gan_readme_text(project, code, nets.settings, trained, note), encoding="utf-8"
    )
    renamed = {}
    for key, value in weights.items():
        _, node_id, rest = key.split(".", 2)  # layers.<node id>.<name>
        renamed[f"{code.attrs[node_id]}.{rest}"] = np.ascontiguousarray(value)
    save_file(renamed, str(out / "weights.safetensors"))
    np.savez(out / "data.npz", x_train=dataset.x_train, x_test=dataset.x_test)
    model = ModelCode(code.source, code.attrs, "adversarial", False, False, code.random)
    return PythonExport(out, trained, model)
