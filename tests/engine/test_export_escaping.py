"""Export escapes every user string it writes into code (issue #14, finding 5)."""

import ast
import subprocess
import sys

import pytest

from engine.export.python_export import export_python
from engine.presets import load_preset

NASTY = [
    r"C:\Nodeplay\xdata",
    'a "quoted" word and a trailing quote"',
    'triple """ quotes """ twice',
    "triple ''' single",
    "lines\nbreak\r\nhere\tand\x00there\x7f",
    "\\",
    "ends with a backslash \\",
    "\\N{bad} \\u12 \\x",
    "lone surrogate \ud800 and é ² ✓",
]


@pytest.mark.parametrize("text", NASTY)
def test_descriptions_names_and_labels_export_to_code_that_compiles(tmp_path, text):
    project = load_preset("circle")
    project.description = text
    project.name = text[:40]
    dense = next(n for n in project.graph.nodes.values() if n.type == "Dense")
    dense.label = text[:60]
    out = export_python(project, tmp_path / "out")
    for name in ("model.py", "train.py", "weights.py"):
        source = (out.folder / name).read_text(encoding="utf-8")
        compile(source, name, "exec")  # raises SyntaxError if any string leaked
    doc = ast.get_docstring(ast.parse((out.folder / "model.py").read_text(encoding="utf-8")))
    if text.isprintable():  # printable text reads back word for word
        assert " ".join(text.split()) in " ".join(doc.split())


def test_the_exported_model_still_runs(tmp_path):
    project = load_preset("circle")
    project.description = r"C:\Nodeplay\xdata and ''' and \"\"\""
    out = export_python(project, tmp_path / "out")
    code = "import torch; from model import Model; print(Model()(torch.zeros(3, 2)).shape[0])"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=out.folder, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"
