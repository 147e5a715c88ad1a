"""Errors that carry one sentence for the user.

Anything raised as a ``NodeplayError`` is a user-facing problem (bad file, invalid
graph, unknown preset): the CLI prints its message and exits non-zero, the GUI shows
it in a message box. Everything else is a bug and keeps its traceback.
"""


class NodeplayError(Exception):
    """A problem the user can fix; ``str(err)`` is one clear sentence."""


class GraphError(NodeplayError):
    """The graph is not valid; ``node_id`` names the node at fault when known."""

    def __init__(self, message: str, node_id: str | None = None):
        super().__init__(message)
        self.node_id = node_id


class ProjectFileError(NodeplayError):
    """A project file could not be read: missing, damaged or from a newer version."""


class DataError(NodeplayError):
    """A dataset could not be made or loaded."""


class OutOfMemory(NodeplayError):
    """Training ran out of memory on ``device`` ("cuda" or "cpu"); nothing was lost
    (issue #14, T-OOM: the window offers to continue on the CPU)."""

    def __init__(self, message: str, device: str):
        super().__init__(message)
        self.device = device
