"""Fixtures for the engine's and the app's tests alike."""

import pytest

from engine.train import compile_warmup


@pytest.fixture
def kernel():
    """The compiled kernels (compiled, or loaded from numba's cache) for this test only."""
    was = compile_warmup.state.ready
    compile_warmup.warm()
    yield
    compile_warmup.state.ready = was
