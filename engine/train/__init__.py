"""Training sessions, their commands and events, device choice."""

from engine.train.session import Session

__all__ = ["Session"]
