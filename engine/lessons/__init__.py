"""Lessons: a preset, a text, formulas and numbered steps whose checks the engine
measures. The lessons are data files in ``resources/lessons`` (TOML); this package
reads them (``schema``, ``loader``), sets controls on a project (``controls``),
measures checks (``checks``) and runs a lesson headless (``runner``). No Qt."""

from engine.lessons.loader import Lesson, lesson_names, load_lesson, load_lessons

__all__ = ["Lesson", "lesson_names", "load_lesson", "load_lessons"]
