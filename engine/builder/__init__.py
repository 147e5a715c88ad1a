"""Graph -> torch.nn.Module plus its loss wiring."""

from engine.builder.module import GraphModule, build_model

__all__ = ["GraphModule", "build_model"]
