"""Bundle tests run only on request (``pytest -m bundle``), after ``make bundle``."""

import pytest


def pytest_collection_modifyitems(config, items):
    if "bundle" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="the desktop bundle: run `make bundle`, then `pytest -m bundle`")
    for item in items:
        if "bundle" in item.keywords:
            item.add_marker(skip)
