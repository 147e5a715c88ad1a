import pytest

from engine.graph.mlp import mlp_graph
from engine.presets import load_preset
from engine.project import Project
from engine.settings import DataSettings, TrainSettings


@pytest.fixture
def circle() -> Project:
    return load_preset("circle")


@pytest.fixture
def xor_project() -> Project:
    """A network big enough to learn XOR quickly and reliably."""
    return Project(
        mlp_graph([8], "tanh", loss="bce"),
        DataSettings(name="xor", samples=400),
        TrainSettings(optimizer="adam", learning_rate=0.03, batch_size=20, stop_epochs=60, seed=3),
    )


# -- N1 (issue #13): a test that runs `nodeplay train` in-process starts the kernel's
# background compile; later tests must not find their sessions on another path
@pytest.fixture(autouse=True)
def kernel_state_restored():
    from engine.train import compile_warmup

    s = compile_warmup.state
    before = (s.started, s.ready, s.thread)
    yield
    if s.thread is not before[2]:
        # the compile this test started ends before its state goes (slice s-cmp: the
        # warm-up also builds compare mode's SIMD kernel, a minute on a busy machine)
        compile_warmup.wait(600)
    s.started, s.ready, s.thread = before
