"""Commands the GUI (or any caller) queues for the session; drained between steps."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.graph import Graph
from engine.project import Project


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
class Subscribe:
    """The probes snapshots carry from now on: probe name -> its arguments
    (``engine.probes.registry``). The full set, replacing the previous one."""

    subscriptions: dict = field(default_factory=dict)


def probe_subscriptions(
    boundary_size: int = 100, neuron_size: int = 0, hidden_node: str | None = None, thumbnails: bool = False
) -> dict[str, dict]:
    """Subscriptions for the playground's probes: the boundary and per-neuron map
    resolutions (0: none), the layer whose hidden space snapshots carry, and node
    thumbnails; weights and image predictions always."""
    subs: dict[str, dict] = {"weights": {}, "predictions": {}}
    if boundary_size:
        subs["boundary"] = {"size": int(boundary_size)}
    if neuron_size:
        subs["neurons"] = {"size": int(neuron_size)}
    if hidden_node is not None:
        subs["hidden"] = {"node": hidden_node}
    if thumbnails:
        subs["thumbnails"] = {}
    return subs


DEFAULT_SUBSCRIPTIONS = probe_subscriptions()


@dataclass(frozen=True)
class Ask:
    """Compute ``probe`` once with ``args``; answered by ``events.Answer`` between
    training steps (between mini-batches of long epochs)."""

    request_id: int
    probe: str
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SetProject:
    """Train another project from now on, in the same worker: new data, settings and
    graph, fresh weights unless the project carries some; training pauses and the
    history starts again. The document sends it for playground edits (the runner
    takes its own copy of nothing: the sender hands over a project it no longer edits).
    ``token`` comes back on every later snapshot, so the sender can tell the new
    project's snapshots from the old one's still on their way."""

    project: Project
    token: int = 0


@dataclass(frozen=True)
class SetTrainer:
    """Run another trainer from now on (compare mode's new set of variants): training
    pauses and the history starts again. The sender no longer touches it."""

    trainer: object  # engine.train.trainer.Trainer


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
class SetDevice:
    """Train on another device from now on ("auto", "cpu" or "cuda"), keeping the
    weights, the optimizer state, the epoch and the curves (``Session.move_to``);
    answered by ``events.DeviceChanged``, or a Failed sentence that keeps the old one."""

    device: str


@dataclass(frozen=True)
class Capture:
    pass


@dataclass(frozen=True)
class Shutdown:
    pass
