"""Nodeplay's engine: graphs, models, data, training and probes.

Qt-free by contract (see ``[tool.importlinter]`` in pyproject.toml) so that it runs
headless, on a GPU machine with no GUI libraries installed.
"""
