"""Export to a Python script, ONNX and weights (issue 5)."""
