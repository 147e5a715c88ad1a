"""A trainer's runner seen through the trainer: the GUI's side of a session.

``Session`` (and any trainer that keeps a ``runner``) takes these so that callers can
subscribe, queue commands and serve on the trainer itself, and read the runner's
state and probe choices as the trainer's attributes, as older callers do.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.train.runner import Runner


class Served:
    """The runner's commands, events and probe choices, on the trainer."""

    runner: Runner

    def subscribe(self, listener: Callable) -> None:
        self.runner.subscribe(listener)

    def submit(self, command) -> None:
        """Queue a command; safe from any thread."""
        self.runner.submit(command)

    def serve(self) -> None:
        self.runner.serve()

    def publish(self, force: bool = False) -> None:
        self.runner.publish(force)

    def _apply(self, command) -> bool:
        """Apply one command now, on this thread (tests); False means shut down."""
        return self.runner._apply(command)

    playing = property(lambda self: self.runner.playing)
    snapshot_interval = property(lambda self: self.runner.snapshot_interval)
    max_epochs_per_second = property(lambda self: self.runner.max_epochs_per_second)
    thumbnails_on = property(
        lambda self: "thumbnails" in self.runner.subscriptions,
        doc="whether snapshots carry the editor's node thumbnails",
    )

    # The older way to choose probes, by attribute, for callers not yet on Subscribe.
    def _subscribed(self, name: str, arg: str, value) -> None:
        subs = self.runner.subscriptions
        if value:
            subs[name] = {arg: value}
        else:
            subs.pop(name, None)

    neuron_size = property(
        lambda self: self.runner.subscriptions.get("neurons", {}).get("size", 0),
        lambda self, size: self._subscribed("neurons", "size", size),
    )
    hidden_node = property(
        lambda self: self.runner.subscriptions.get("hidden", {}).get("node"),
        lambda self, node: self._subscribed("hidden", "node", node),
    )

    def _make_grids(self) -> None:
        """Nothing to do: probes cache their own grids (kept for older callers)."""
