"""Lesson files (``resources/lessons/<name>.toml``) read into checked records.

A file is parsed with tomllib, converted into ``engine.lessons.schema`` records, and
then its meaning is checked: the preset exists, every control a step sets can be set
on it, every check is registered and takes the arguments given, and every formula
parses. A mistake is one sentence naming the lesson and the field.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from engine.errors import NodeplayError
from engine.lessons.checks import METRICS, find_check
from engine.lessons.controls import set_controls
from engine.lessons.formula import names_in
from engine.lessons.schema import LessonRecord, StepRecord, check_record
from engine.presets import load_preset, preset_names
from engine.probes.registry import probe as find_probe
from engine.project import Project
from resources import LESSONS

MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class Lesson:
    name: str  # the file's stem: what ``nodeplay lesson NAME`` takes
    record: LessonRecord

    @property
    def title(self) -> str:
        return self.record.title

    @property
    def text(self) -> str:
        return " ".join(self.record.text.split())  # a paragraph: the panel wraps it

    @property
    def formulas(self) -> list[str]:
        return list(self.record.formulas)

    @property
    def steps(self) -> list[StepRecord]:
        return list(self.record.steps)

    def start_project(self) -> Project:
        """The preset with the lesson's own settings: what the lesson opens."""
        project = load_preset(self.record.preset)
        if self.record.settings:
            project = set_controls(project, self.record.settings, f"Lesson '{self.name}' settings")
        project.name = self.name
        return project


def lesson_names() -> list[str]:
    """Every built-in lesson, in the order their files give."""
    return [lesson.name for lesson in load_lessons()]


def load_lessons(folder: Path | None = None) -> list[Lesson]:
    lessons = [read_lesson(path) for path in sorted((folder or LESSONS).glob("*.toml"))]
    return sorted(lessons, key=lambda lesson: (lesson.record.order, lesson.name))


def load_lesson(name: str, folder: Path | None = None) -> Lesson:
    path = (folder or LESSONS) / f"{name}.toml"
    if "/" in name or not path.is_file():
        raise NodeplayError(f"There is no lesson '{name}'; run 'nodeplay lessons' to list them.")
    return read_lesson(path)


def read_lesson(path: Path) -> Lesson:
    """The lesson in ``path``, checked; NodeplayError (one sentence) when it cannot be used."""
    where = f"The lesson file {path.name}"
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise NodeplayError(f"{where} cannot be read ({err.strerror or type(err).__name__}).") from None
    if len(raw) > MAX_BYTES:
        raise NodeplayError(f"{where} is larger than {MAX_BYTES // 1024} kB, more than a lesson holds.")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise NodeplayError(f"{where} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as err:
        raise NodeplayError(f"{where} is not valid TOML ({err}).") from None
    record = check_record(data, where)
    lesson = Lesson(path.stem, record)
    _check_meaning(lesson, where)
    return lesson


def _check_meaning(lesson: Lesson, where: str) -> None:
    record = lesson.record
    if record.preset not in preset_names():
        raise NodeplayError(
            f"{where} cannot be used: preset '{record.preset}' does not exist; run 'nodeplay presets'."
        )
    project = lesson.start_project()
    remembered: set[str] = set()
    for i, step in enumerate(record.steps, 1):
        at = f"{where}, step {i}"
        if step.set:
            project = set_controls(project, step.set, at)  # every value is tried on the preset
        _check_step(step, at, remembered)


def _check_step(step: StepRecord, at: str, remembered: set[str]) -> None:
    if step.check is None:
        return
    try:
        check = find_check(step.check.name)
    except NodeplayError as err:
        raise NodeplayError(f"{at}: {err}") from None
    args = check.arguments(step.check.args, at)
    if check.name == "probe":
        import engine.probes.builtin  # noqa: F401 - registers the probes

        try:
            find_probe(args["probe"])
        except NodeplayError as err:
            raise NodeplayError(f"{at}: {err}") from None
    else:  # a probe's own names are known only when it runs
        known = {*METRICS, "epoch", "step", *remembered}
        for key in ("value", "than"):
            if isinstance(args.get(key), str):
                unknown = sorted(names_in(args[key]) - known)
                if unknown:
                    raise NodeplayError(
                        f"{at}: the formula '{args[key]}' reads '{unknown[0]}', which no earlier "
                        f"step remembers; it may read {', '.join(sorted(known))}."
                    )
    if step.check.remember is not None:
        remembered.add(step.check.remember)
