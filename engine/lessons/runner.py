"""A lesson run headless: each step's controls set, its training action taken, its
check measured, as the window's lesson panel does with the student at the keys
(``nodeplay lesson NAME --check``). "play" trains until the project's stop condition,
which a step sets with ``stop_epochs``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from engine.lessons.checks import Outcome, find_check
from engine.lessons.controls import is_live, set_controls
from engine.lessons.loader import Lesson


@dataclass(frozen=True)
class StepResult:
    number: int  # from 1
    epoch: int  # when the check was measured
    seconds: float  # the step's own time, training included
    outcome: Outcome | None  # None: the step has no check


def run_lesson(
    lesson: Lesson, *, device: str = "cpu", report: Callable[[StepResult], None] | None = None
) -> list[StepResult]:
    """Every step of ``lesson`` in order; ``report`` hears each result as it comes."""
    from engine.train import commands as cmd  # torch only when a lesson runs
    from engine.train.factory import make_trainer

    # the supervised Session, or the GAN trainer for an adversarial graph (S-L2)
    session = make_trainer(lesson.start_project(), device=device)
    memory: dict[str, float] = {}
    results = []
    for number, step in enumerate(lesson.steps, 1):
        t0 = time.perf_counter()
        if step.set:
            project = set_controls(session.project, step.set, f"Step {number}")
            if is_live(step.set):
                session.project.train = project.train
                session.apply(cmd.SetLearningRate(project.train.learning_rate))
            else:
                session.set_project(project)
        if step.train == "play":
            session.train()
        elif step.train == "step":
            session.train(epochs=1)
        elif step.train == "reset":
            session.reset()
        outcome = None
        if step.check is not None:
            check = step.check
            outcome = find_check(check.name).run(session, check.args, memory)
            if session.epoch < check.after_epochs:
                outcome = Outcome(
                    False, outcome.measured, f"{outcome.text} before epoch {check.after_epochs}"
                )
            if check.remember is not None:
                memory[check.remember] = outcome.measured
        result = StepResult(number, session.epoch, time.perf_counter() - t0, outcome)
        results.append(result)
        if report is not None:
            report(result)
    return results


def failed(results: list[StepResult]) -> list[StepResult]:
    return [r for r in results if r.outcome is not None and not r.outcome.met]
