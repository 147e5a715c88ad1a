"""Commands the GUI (or any caller) queues for the session; drained between steps."""

from __future__ import annotations

from dataclasses import dataclass

from engine.graph import Graph


@dataclass(frozen=True)
class Play:
    pass


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Step:
    epochs: int = 1


@dataclass(frozen=True)
class Reset:
    seed: int | None = None  # None keeps the current seed


@dataclass(frozen=True)
class SetLearningRate:
    value: float


@dataclass(frozen=True)
class SetSpeed:
    epochs_per_second: float | None  # None: as fast as the machine allows


@dataclass(frozen=True)
class SetProbes:
    """Resolution of the boundary and of the per-neuron maps (0 turns maps off)."""

    boundary_size: int = 100
    neuron_size: int = 0
    hidden_node: str | None = None  # a layer whose hidden space snapshots carry
    thumbnails: bool = False  # per-node thumbnails for the editor (engine.probes.thumbnails)


@dataclass(frozen=True)
class SetWeight:
    """Set one weight or bias by hand: ``key`` as in the model's state dict."""

    key: str
    index: tuple[int, ...]
    value: float


@dataclass(frozen=True)
class SetParam:
    """A new value for a live parameter (``Param.live``: Dropout's p, Output's weight,
    LossSum's weights), taken between steps without rebuilding the model."""

    node_id: str
    name: str
    value: float


@dataclass(frozen=True)
class SetGraph:
    """Train an edited graph (a copy the session owns from now on). ``structural``:
    rebuild, keeping the weights of unchanged nodes; otherwise only live parameters
    differ and apply in place (see ``Session.set_graph``)."""

    graph: Graph
    structural: bool = True


@dataclass(frozen=True)
class SetStop:
    """A new stop condition; it can fire again even if an earlier one already did."""

    epochs: int | None = None
    loss: float | None = None


@dataclass(frozen=True)
class Capture:
    pass


@dataclass(frozen=True)
class Shutdown:
    pass
