"""Which trainer a project needs: the supervised ``Session`` or the adversarial
``GanTrainer`` (a graph with a Noise, a Generated and an Adversarial node)."""

from __future__ import annotations

from engine.graph.gan import is_gan
from engine.project import Project

SUPERVISED, ADVERSARIAL = "supervised", "adversarial"


def trainer_kind(project: Project) -> str:
    return ADVERSARIAL if is_gan(project.graph) else SUPERVISED


def make_trainer(project: Project, device: str | None = None, **kw):
    """The trainer for ``project``; keyword arguments as ``Session`` takes them (the GAN
    trainer ignores those it has no use for)."""
    if trainer_kind(project) == ADVERSARIAL:
        from engine.train.adversarial import GanTrainer

        return GanTrainer(project, device, **kw)
    from engine.train.session import Session

    return Session(project, device, **kw)


def kind_of(trainer) -> str:
    """The kind of a running trainer."""
    return ADVERSARIAL if hasattr(trainer, "nets") else SUPERVISED


def same_kind(a: Project, b: Project | None) -> bool:
    """Whether one trainer can take both projects (SetProject), so no new one is needed."""
    return b is not None and trainer_kind(a) == trainer_kind(b)
