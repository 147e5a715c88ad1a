"""Export: a project as a plain PyTorch folder (model.py, train.py, weights) or ONNX."""

from engine.export.onnx_export import export_onnx
from engine.export.python_export import export_python

__all__ = ["export_onnx", "export_python"]
