"""TF-Playground-style controls for the main window: data, features, layers, training."""

from app.playground.panel import PlaygroundPanel

__all__ = ["PlaygroundPanel"]
